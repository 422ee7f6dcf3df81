import LakeColumnar

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An error reading or writing a file.
public enum StorageError: LakeError, Equatable {
    /// The file or directory does not exist.
    case notFound(path: String)
    /// The operating system refused access.
    case permissionDenied(path: String, operation: String)
    /// A system call failed; `code` is the `errno` value.
    case systemError(path: String, operation: String, code: Int32)
    /// The file ended before the bytes a reader needed.
    case unexpectedEnd(path: String, offset: Int, wanted: Int, available: Int)
    /// The path names a directory where a file was expected.
    case isDirectory(path: String)
    /// Something already exists at the path an exclusive create wanted (``FileSystem/createExclusive(at:contents:)``).
    ///
    /// For a commit this means another writer won the race for that version.
    case alreadyExists(path: String)
    /// The file is larger than the caller's limit (``FileSystem/readFile(_:maxSize:)``).
    case tooLarge(path: String, size: Int, limit: Int)
    /// A relative path from a table (or a user) would leave its root or is malformed (``TablePath``).
    case unsafePath(path: String, reason: String)
    /// The file was created and synced, but syncing its directory failed, so the new name may not
    /// survive a crash: the outcome is unknown until the directory is read again.
    case createdNotDurable(path: String, code: Int32)

    /// Maps the current `errno` of a failed `operation` on `path` to an error.
    @inline(never)
    public static func fromErrno(_ code: Int32, path: String, operation: String) -> StorageError {
        switch code {
        case ENOENT: .notFound(path: path)
        case EACCES, EPERM: .permissionDenied(path: path, operation: operation)
        case EISDIR: .isDirectory(path: path)
        case EEXIST: .alreadyExists(path: path)
        default: .systemError(path: path, operation: operation, code: code)
        }
    }

    public var description: String {
        switch self {
        case .notFound(let path): "\(path): no such file or directory"
        case .permissionDenied(let path, let operation): "\(path): permission denied (\(operation))"
        case .systemError(let path, let operation, let code):
            "\(path): \(operation) failed: \(String(cString: strerror(code)))"
        case .unexpectedEnd(let path, let offset, let wanted, let available):
            "\(path): wanted \(wanted) bytes at offset \(offset) but the file has only \(available) there"
        case .isDirectory(let path): "\(path) is a directory, not a file"
        case .alreadyExists(let path): "\(path) already exists"
        case .tooLarge(let path, let size, let limit):
            "\(path) has \(size) bytes, more than the \(limit) this operation reads"
        case .unsafePath(let path, let reason): "unsafe path '\(Self.printable(path))': \(reason)"
        case .createdNotDurable(let path, let code):
            "\(path) was created, but syncing its directory failed: \(String(cString: strerror(code)))"
        }
    }

    public var help: String? {
        switch self {
        case .notFound: "Check the path; relative paths are resolved from the current directory."
        case .permissionDenied: "Check the file's permissions and owner."
        case .unexpectedEnd: "The file is truncated or still being written; re-copy it from its source."
        case .isDirectory: "Pass a file path, not a directory."
        case .alreadyExists: nil
        case .tooLarge: "The file is not what it should be; check how it was written."
        case .unsafePath: "Paths inside a table must be relative and stay inside the table directory."
        case .createdNotDurable: "Check the disk; the file may be lost if the machine crashes now."
        case .systemError: nil
        }
    }

    /// `path` with control characters (NUL, newlines) escaped, for messages.
    private static func printable(_ path: String) -> String {
        var text = ""
        for scalar in path.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                text += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }
}
