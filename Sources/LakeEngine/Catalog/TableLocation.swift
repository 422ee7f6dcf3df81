/// Where a table a user named lives: a name in the lake, or a path (SPEC.md §2.5).
///
/// - A plain identifier (`[A-Za-z_][A-Za-z0-9_]*`) is a **name**: the directory `<lake>/<name>`.
///   A name can hold no `/` or `.`, so it cannot climb out of the lake; a name whose directory
///   is a symbolic link leading outside the lake is refused too.
/// - Anything with a `/` or a `.`, and any other spelling that is an existing directory, is a
///   **path**, taken as written (relative to the current directory). To read a directory whose
///   name is an identifier, write it as a path: `./events`.
/// - Anything else is an error.
///
/// ```swift
/// try TableLocation.resolve("events", lakeRoot: "lakehouse").path      // "lakehouse/events"
/// try TableLocation.resolve("../data/t", lakeRoot: "lakehouse").path   // "../data/t" (a path)
/// try TableLocation.named("../x", lakeRoot: "lakehouse")                // throws: not a name
/// ```
public struct TableLocation: Sendable, Equatable {
    /// How the table was named.
    public enum Kind: Sendable, Equatable {
        /// A table name, resolved under the lake root.
        case name
        /// A path, taken as written.
        case path
    }

    /// How the table was named.
    public let kind: Kind
    /// What the user wrote.
    public let argument: String
    /// The table's directory.
    public let path: String
    /// The lake root a name was resolved under (`nil` for paths).
    public let lakeRoot: String?

    /// Whether `text` is a table name: `[A-Za-z_][A-Za-z0-9_]*`.
    public static func isTableName(_ text: String) -> Bool {
        guard let first = text.utf8.first, isLetterOrUnderscore(first) else { return false }
        return text.utf8.allSatisfy { isLetterOrUnderscore($0) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }
    }

    private static func isLetterOrUnderscore(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || byte == UInt8(ascii: "_")
    }

    /// The table called `name` in the lake at `lakeRoot`; only names are accepted, never paths.
    ///
    /// - Throws: ``EngineError/invalidTableName(_:)`` for anything but an identifier;
    ///   ``EngineError/outsideLake(name:lakeRoot:resolved:)`` when the directory exists and its
    ///   canonical path is not inside the lake's.
    public static func named(_ name: String, lakeRoot: String) throws(EngineError) -> TableLocation {
        guard isTableName(name) else { throw .invalidTableName(name) }
        let root = FileKind.trimmingTrailingSlashes(lakeRoot)
        let path = root + "/" + name
        if let resolved = FileKind.canonicalPath(path) {
            let canonicalRoot = FileKind.canonicalPath(root) ?? root
            guard resolved.hasPrefix(canonicalRoot == "/" ? "/" : canonicalRoot + "/") else {
                throw .outsideLake(name: name, lakeRoot: root, resolved: resolved)
            }
        }
        return TableLocation(kind: .name, argument: name, path: path, lakeRoot: root)
    }

    /// The table `argument` names: a name in the lake at `lakeRoot`, or a path.
    ///
    /// - Throws: ``EngineError/invalidTableName(_:)`` when `argument` is neither an identifier, nor
    ///   spelled as a path, nor an existing directory; the errors of ``named(_:lakeRoot:)``.
    public static func resolve(_ argument: String, lakeRoot: String) throws(EngineError) -> TableLocation {
        if isTableName(argument) { return try named(argument, lakeRoot: lakeRoot) }
        let looksLikePath = argument.utf8.contains(UInt8(ascii: "/")) || argument.utf8.contains(UInt8(ascii: "."))
        guard !argument.isEmpty, looksLikePath || FileKind(argument) == .directory else {
            throw .invalidTableName(argument)
        }
        return TableLocation(
            kind: .path, argument: argument, path: FileKind.trimmingTrailingSlashes(argument), lakeRoot: nil)
    }

    /// Throws ``EngineError/tableNotFound(name:lakeRoot:localDirectory:)`` when a named table's
    /// directory does not exist (paths are left to the Delta layer, whose errors name them).
    public func checkExists() throws(EngineError) {
        guard kind == .name, let lakeRoot, FileKind(path) != .directory else { return }
        let local = "./" + argument
        let hasLocalTable = FileKind(local + "/_delta_log") == .directory
        throw .tableNotFound(name: argument, lakeRoot: lakeRoot, localDirectory: hasLocalTable ? local : nil)
    }
}
