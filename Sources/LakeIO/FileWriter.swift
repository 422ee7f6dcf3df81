import LakeColumnar

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A buffered, append-only writer to a new file.
///
/// Data reaches the disk only through ``sync()``; callers that promise durability (commits,
/// SPEC.md §7) call it before acknowledging. ``close()`` flushes but does not sync.
public final class FileWriter {
    /// The path being written.
    public let path: String
    /// Bytes written so far (buffered or not): the offset of the next byte.
    public private(set) var position: Int = 0
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private let bufferCapacity: Int

    /// Creates `path`, failing if it exists when `exclusive`, else truncating it.
    public init(path: String, exclusive: Bool = true, bufferCapacity: Int = 1 << 20) throws(StorageError) {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC)
        let descriptor = open(path, flags, 0o644)
        guard descriptor >= 0 else { throw StorageError.fromErrno(errno, path: path, operation: "create") }
        self.path = path
        self.descriptor = descriptor
        self.bufferCapacity = bufferCapacity
        buffer.reserveCapacity(bufferCapacity)
    }

    deinit {
        if descriptor >= 0 { Glibc.close(descriptor) }
    }

    /// Appends `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(StorageError) {
        position += bytes.count
        if buffer.count + bytes.count <= bufferCapacity {
            buffer.append(contentsOf: bytes)
            return
        }
        try flush()
        if bytes.count >= bufferCapacity {
            try writeFully(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// Appends `bytes`.
    public func write<C: ContiguousBytes>(_ bytes: C) throws(StorageError) {
        var failure: StorageError?
        bytes.withUnsafeBytes { raw in
            do throws(StorageError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Hands buffered bytes to the operating system.
    public func flush() throws(StorageError) {
        guard !buffer.isEmpty else { return }
        var failure: StorageError?
        buffer.withUnsafeBytes { raw in
            do throws(StorageError) { try writeFully(raw) } catch { failure = error }
        }
        buffer.removeAll(keepingCapacity: true)
        if let failure { throw failure }
    }

    /// Flushes and forces the file's bytes to stable storage (`fsync(2)`).
    public func sync() throws(StorageError) {
        try flush()
        guard fsync(descriptor) == 0 else { throw StorageError.fromErrno(errno, path: path, operation: "fsync") }
    }

    /// Flushes and closes the file. Further writes are a programming error.
    public func close() throws(StorageError) {
        try flush()
        let result = Glibc.close(descriptor)
        descriptor = -1
        guard result == 0 else { throw StorageError.fromErrno(errno, path: path, operation: "close") }
    }

    private func writeFully(_ bytes: UnsafeRawBufferPointer) throws(StorageError) {
        var done = 0
        while done < bytes.count {
            let result = Glibc.write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if result < 0 {
                if errno == EINTR { continue }
                throw StorageError.fromErrno(errno, path: path, operation: "write")
            }
            done += result
        }
    }
}

/// Something whose bytes can be read in place: arrays of bytes.
public protocol ContiguousBytes {
    /// Calls `body` with the bytes.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension Array: ContiguousBytes where Element == UInt8 {}
extension ContiguousArray: ContiguousBytes where Element == UInt8 {}
extension ArraySlice: ContiguousBytes where Element == UInt8 {}
