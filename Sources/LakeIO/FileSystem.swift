#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Small file-system operations on paths.
///
/// Everything a table commit needs beyond ``FileWriter`` and ``RandomAccessFile``: exclusive
/// creation (``createExclusive(at:contents:)``), directory listing and syncing, bounded whole-file
/// reads. Failures are ``StorageError``s carrying the path and the system's reason.
public enum FileSystem {
    /// The largest file ``readFile(_:maxSize:)`` reads unless told otherwise: 256 MiB.
    public static let defaultReadLimit = 256 << 20

    /// Removes the file at `path`. Returns `false` (and changes nothing) when it does not exist.
    @discardableResult
    public static func remove(_ path: String) -> Bool {
        unlink(path) == 0
    }

    /// Whether anything (file, directory, link) exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// The size of the file at `path`, or `nil` when it cannot be read.
    public static func size(of path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    /// Removes the file (or symbolic link) at `path`.
    ///
    /// - Parameter ignoringMissing: When `true`, a path that does not exist is not an error, so a
    ///   removal can be retried.
    /// - Throws: ``StorageError`` (``StorageError/notFound(path:)`` when nothing is there, unless
    ///   `ignoringMissing`; ``StorageError/isDirectory(path:)`` for a directory).
    public static func removeFile(_ path: String, ignoringMissing: Bool = false) throws(StorageError) {
        guard unlink(path) != 0 else { return }
        let code = errno
        if code == ENOENT && ignoringMissing { return }
        throw StorageError.fromErrno(code, path: path, operation: "remove")
    }

    /// Creates the directory at `path` and any missing parents (like `mkdir -p`), mode 0755.
    ///
    /// New directories are not synced; call ``syncDirectory(_:)`` on the parent of the first one
    /// created when their names must survive a crash.
    ///
    /// - Throws: ``StorageError``, e.g. ``StorageError/alreadyExists(path:)`` when a component is
    ///   a file, or ``StorageError/permissionDenied(path:operation:)``.
    public static func createDirectories(_ path: String) throws(StorageError) {
        guard !path.isEmpty else { throw .unsafePath(path: path, reason: "the path is empty") }
        guard !path.utf8.contains(0) else { throw .unsafePath(path: path, reason: "it contains a NUL byte") }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            if mkdir(prefix, 0o755) == 0 { continue }
            let code = errno
            guard code == EEXIST else { throw StorageError.fromErrno(code, path: prefix, operation: "mkdir") }
            var info = stat()
            guard stat(prefix, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                throw .alreadyExists(path: prefix)
            }
        }
    }

    /// Forces the directory's entries (names created, renamed or removed in it) to stable storage.
    ///
    /// File systems that cannot sync a directory (`EINVAL`) are taken as having nothing to sync.
    ///
    /// - Throws: ``StorageError`` when the directory cannot be opened or the sync fails.
    public static func syncDirectory(_ path: String) throws(StorageError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StorageError.fromErrno(errno, path: path, operation: "open directory") }
        defer { close(descriptor) }
        while fsync(descriptor) != 0 {
            let code = errno
            if code == EINTR { continue }
            if code == EINVAL { return }
            throw StorageError.fromErrno(code, path: path, operation: "fsync directory")
        }
    }

    /// Reads the whole file at `path`, refusing one larger than `maxSize` bytes.
    ///
    /// The size is checked before anything is allocated, and the read stops at `maxSize + 1` bytes
    /// should the file grow meanwhile.
    ///
    /// - Throws: ``StorageError/tooLarge(path:size:limit:)`` over the limit;
    ///   ``StorageError/isDirectory(path:)``, ``StorageError/notFound(path:)`` and others otherwise.
    public static func readFile(_ path: String, maxSize: Int = defaultReadLimit) throws(StorageError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StorageError.fromErrno(errno, path: path, operation: "open") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw StorageError.fromErrno(errno, path: path, operation: "stat") }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw .isDirectory(path: path) }
        let statedSize = Int(info.st_size)
        guard statedSize <= maxSize else { throw .tooLarge(path: path, size: statedSize, limit: maxSize) }
        var bytes = [UInt8](repeating: 0, count: min(maxSize, statedSize) + 1)
        var count = 0
        while true {
            if count == bytes.count {
                guard bytes.count <= maxSize else { throw .tooLarge(path: path, size: count, limit: maxSize) }
                bytes.append(contentsOf: repeatElement(0, count: min(maxSize + 1, max(4096, bytes.count * 2)) - count))
            }
            let result = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress! + count, buffer.count - count)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw StorageError.fromErrno(errno, path: path, operation: "read")
            }
            if result == 0 { break }
            count += result
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }
}
