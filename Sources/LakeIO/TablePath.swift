#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Resolves paths found inside a table (Delta `add.path`, partition directories, user-given names)
/// against the table's root, refusing any that could leave it (reliability.md I6, T8).
///
/// The check is on the text of the path, component by component: a relative path of non-empty
/// components, none of them `.` or `..`, with no NUL byte. It does not decode anything: Delta
/// stores `add.path` percent-encoded, and the caller decodes it first and passes the decoded
/// text, so `%2e%2e%2f` is refused once it has become `../`. (Left encoded, `%2e%2e` is a plain
/// file name inside the root.)
///
/// ```swift
/// let file = try TablePath.resolve(relative: "year=2024/part-0.parquet", under: "/data/sales")
/// // "/data/sales/year=2024/part-0.parquet"
/// try TablePath.resolve(relative: "../other/part-0.parquet", under: "/data/sales")  // throws
/// ```
///
/// Symbolic links inside the table are a separate matter: ``checkContained(_:in:)`` resolves them
/// for an existing path.
public enum TablePath {
    /// Checks that `relative` is a safe relative path: not empty, not absolute, no NUL byte, no
    /// empty, `.` or `..` component.
    ///
    /// - Throws: ``StorageError/unsafePath(path:reason:)`` saying what is wrong.
    public static func validate(relative: String) throws(StorageError) {
        guard !relative.isEmpty else { throw .unsafePath(path: relative, reason: "the path is empty") }
        guard !relative.utf8.contains(0) else {
            throw .unsafePath(path: relative, reason: "it contains a NUL byte")
        }
        guard !relative.hasPrefix("/") else {
            throw .unsafePath(path: relative, reason: "it is absolute; paths in a table are relative to its root")
        }
        for component in relative.split(separator: "/", omittingEmptySubsequences: false) {
            switch component {
            case "": throw .unsafePath(path: relative, reason: "it has an empty component ('//' or a trailing '/')")
            case ".": throw .unsafePath(path: relative, reason: "it has a '.' component")
            case "..": throw .unsafePath(path: relative, reason: "it has a '..' component, which could leave the root")
            default: continue
            }
        }
    }

    /// The path of `relative` under `root`, after ``validate(relative:)``.
    ///
    /// - Parameters:
    ///   - relative: A path inside the table, already percent-decoded.
    ///   - root: The table's root directory (absolute or relative to the working directory).
    /// - Throws: ``StorageError/unsafePath(path:reason:)`` when `relative` is not safe or `root`
    ///   is empty or holds a NUL byte.
    public static func resolve(relative: String, under root: String) throws(StorageError) -> String {
        guard !root.isEmpty else { throw .unsafePath(path: root, reason: "the table root is empty") }
        guard !root.utf8.contains(0) else {
            throw .unsafePath(path: root, reason: "the table root contains a NUL byte")
        }
        try validate(relative: relative)
        return root.hasSuffix("/") ? root + relative : root + "/" + relative
    }

    /// Checks that the existing `path`, with every symbolic link resolved, is inside the existing
    /// directory `root` (also resolved).
    ///
    /// - Throws: ``StorageError/unsafePath(path:reason:)`` when it resolves outside; other
    ///   ``StorageError``s (e.g. ``StorageError/notFound(path:)``) when either cannot be resolved.
    public static func checkContained(_ path: String, in root: String) throws(StorageError) {
        let resolvedRoot = try realPath(root)
        let resolvedPath = try realPath(path)
        let prefix = resolvedRoot.hasSuffix("/") ? resolvedRoot : resolvedRoot + "/"
        // Compared as bytes: String comparison treats canonically equivalent names ("é" as one
        // scalar or two) as equal, but the file system does not.
        guard resolvedPath.utf8.elementsEqual(resolvedRoot.utf8) || resolvedPath.utf8.starts(with: prefix.utf8) else {
            throw .unsafePath(path: path, reason: "it resolves to \(resolvedPath), outside \(resolvedRoot)")
        }
    }

    /// `realpath(3)`: the absolute path with `.`, `..` and symbolic links resolved.
    private static func realPath(_ path: String) throws(StorageError) -> String {
        guard let resolved = realpath(path, nil) else {
            throw StorageError.fromErrno(errno, path: path, operation: "resolve")
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
