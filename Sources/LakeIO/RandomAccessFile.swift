import LakeColumnar

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file opened for positional reads (`pread(2)`), safe to share between tasks.
///
/// Reads are exact: asking for bytes past the end throws ``StorageError/unexpectedEnd(path:offset:wanted:available:)``
/// instead of returning fewer bytes, so decoders never see a silently short buffer.
///
/// A file can also be a byte array held in memory (``init(path:contents:)``), read through the same
/// checks; fuzzers and tests use it to run the readers without touching the disk.
public final class RandomAccessFile: Sendable {
    /// The path the file was opened with.
    public let path: String
    /// The file size in bytes when it was opened.
    public let size: Int
    /// The open descriptor, or -1 for a file held in memory.
    private let descriptor: Int32
    /// The bytes of a file held in memory (empty for a file on disk).
    private let contents: ContiguousArray<UInt8>

    /// Opens `path` for reading.
    ///
    /// - Throws: ``StorageError`` when the file cannot be opened or is a directory.
    public init(path: String) throws(StorageError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StorageError.fromErrno(errno, path: path, operation: "open") }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            close(descriptor)
            throw StorageError.fromErrno(code, path: path, operation: "stat")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw StorageError.isDirectory(path: path)
        }
        self.path = path
        self.size = Int(info.st_size)
        self.descriptor = descriptor
        self.contents = []
    }

    /// Wraps bytes held in memory as a read-only file named `path` (used only in messages).
    package init(path: String, contents: ContiguousArray<UInt8>) {
        self.path = path
        self.size = contents.count
        self.descriptor = -1
        self.contents = contents
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Reads exactly `count` bytes at `offset` into `buffer`, which must hold at least `count` bytes.
    public func read(offset: Int, count: Int, into buffer: UnsafeMutableRawBufferPointer) throws(StorageError) {
        precondition(buffer.count >= count, "the buffer holds \(buffer.count) bytes, not \(count)")
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw .unexpectedEnd(path: path, offset: offset, wanted: count, available: max(0, size - max(0, offset)))
        }
        if descriptor < 0 {
            if count > 0 {
                contents.withUnsafeBytes { source in
                    buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
                }
            }
            return
        }
        var done = 0
        while done < count {
            let result = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
            if result < 0 {
                if errno == EINTR { continue }
                throw StorageError.fromErrno(errno, path: path, operation: "read")
            }
            if result == 0 {
                throw .unexpectedEnd(path: path, offset: offset, wanted: count, available: done)
            }
            done += result
        }
    }

    /// Reads exactly `count` bytes at `offset`.
    public func read(offset: Int, count: Int) throws(StorageError) -> ContiguousArray<UInt8> {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw .unexpectedEnd(path: path, offset: offset, wanted: count, available: max(0, size - max(0, offset)))
        }
        var failure: StorageError?
        let bytes = ContiguousArray<UInt8>(unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(StorageError) {
                try read(offset: offset, count: count, into: UnsafeMutableRawBufferPointer(buffer))
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// Reads the whole file.
    public func readAll() throws(StorageError) -> ContiguousArray<UInt8> {
        try read(offset: 0, count: size)
    }
}
