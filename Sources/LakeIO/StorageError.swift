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

    /// Maps the current `errno` of a failed `operation` on `path` to an error.
    @inline(never)
    public static func fromErrno(_ code: Int32, path: String, operation: String) -> StorageError {
        switch code {
        case ENOENT: .notFound(path: path)
        case EACCES, EPERM: .permissionDenied(path: path, operation: operation)
        case EISDIR: .isDirectory(path: path)
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
        }
    }

    public var help: String? {
        switch self {
        case .notFound: "Check the path; relative paths are resolved from the current directory."
        case .permissionDenied: "Check the file's permissions and owner."
        case .unexpectedEnd: "The file is truncated or still being written; re-copy it from its source."
        case .isDirectory: "Pass a file path, not a directory."
        case .systemError: nil
        }
    }
}
