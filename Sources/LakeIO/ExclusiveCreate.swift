#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension FileSystem {
    /// Creates the file `path` holding `contents`, atomically and only if nothing exists there:
    /// the put-if-absent a Delta commit needs (reliability.md §0.1).
    ///
    /// ```
    /// write dir/.<name>.<random>.tmp → fsync it → link(2) it to dir/<name> → unlink the temp
    ///                                                  │ EEXIST: alreadyExists  → fsync dir
    /// ```
    ///
    /// Readers see either no file or the complete, synced contents; when several processes or
    /// threads race for the same name exactly one succeeds and every other gets
    /// ``StorageError/alreadyExists(path:)``. Nothing is ever renamed over an existing name
    /// (a check-then-`rename` loses commits). The temp file is removed on every error path; only a
    /// crash between `link` and `unlink` leaves one behind, named with a leading dot and a `.tmp`
    /// suffix so listings of table files skip it.
    ///
    /// - Throws: ``StorageError/alreadyExists(path:)`` when the name is taken (the caller lost the
    ///   race); ``StorageError/createdNotDurable(path:code:)`` when the file was created but its
    ///   directory could not be synced (the outcome after a crash is unknown); other
    ///   ``StorageError``s, with the path and the system's reason, when nothing was created.
    public static func createExclusive(at path: String, contents: some ContiguousBytes) throws(StorageError) {
        try createExclusive(at: path, contents: contents, failing: nil)
    }

    /// A step of ``createExclusive(at:contents:)`` that tests make fail with an `errno` value.
    enum CreateStep: Sendable {
        case createTemp, write, fsync, close, link, syncDirectory
    }

    /// ``createExclusive(at:contents:)`` with one step made to fail as if the system call had
    /// returned `errno` `code` (tests only: every error path must remove the temp file).
    static func createExclusive(
        at path: String, contents: some ContiguousBytes, failing fault: (step: CreateStep, code: Int32)?
    ) throws(StorageError) {
        func injected(_ step: CreateStep) -> Int32? { fault?.step == step ? fault?.code : nil }
        guard !path.isEmpty, !path.hasSuffix("/") else { throw .unsafePath(path: path, reason: "it names no file") }
        guard !path.utf8.contains(0) else { throw .unsafePath(path: path, reason: "it contains a NUL byte") }
        let (directory, name) = split(path)
        if let code = injected(.createTemp) { throw StorageError.fromErrno(code, path: path, operation: "create") }
        let (temp, descriptor) = try createTemp(in: directory, for: name)
        var failure: StorageError?
        if let code = injected(.write) {
            failure = StorageError.fromErrno(code, path: temp, operation: "write")
        } else {
            contents.withUnsafeBytes { bytes in
                do throws(StorageError) {
                    try writeAll(bytes, to: descriptor, path: temp)
                } catch {
                    failure = error
                }
            }
        }
        if failure == nil {
            if let code = injected(.fsync) { failure = StorageError.fromErrno(code, path: temp, operation: "fsync") }
            while failure == nil && fsync(descriptor) != 0 {
                if errno == EINTR { continue }
                failure = StorageError.fromErrno(errno, path: temp, operation: "fsync")
            }
        }
        // An injected close failure still closes: close(2) releases the descriptor even when it fails.
        let closed = close(descriptor) == 0 ? injected(.close) : errno
        if let code = closed, failure == nil {
            failure = StorageError.fromErrno(code, path: temp, operation: "close")
        }
        if let failure {
            unlink(temp)
            throw failure
        }
        let linked = injected(.link) ?? (link(temp, path) == 0 ? nil : errno)
        if let code = linked {
            unlink(temp)
            throw StorageError.fromErrno(code, path: path, operation: "link")
        }
        // The file is in place: from here on, failing would misreport a commit that happened.
        // A temp name that cannot be removed is harmless garbage (readers skip it).
        unlink(temp)
        do throws(StorageError) {
            if let code = injected(.syncDirectory) {
                throw StorageError.fromErrno(code, path: directory, operation: "fsync directory")
            }
            try syncDirectory(directory)
        } catch {
            let code: Int32
            switch error {
            case .systemError(_, _, let errorCode): code = errorCode
            case .notFound: code = ENOENT
            case .permissionDenied: code = EACCES
            default: code = EIO
            }
            throw .createdNotDurable(path: path, code: code)
        }
    }

    /// Splits `path` into its directory (`.` when there is none) and last component.
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    /// Creates a new, empty temp file beside the target; returns its path and open descriptor.
    private static func createTemp(in directory: String, for name: String) throws(StorageError) -> (String, Int32) {
        var attempts = 0
        while true {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
            let temp = directory + "/." + name + "." + suffix + ".tmp"
            let descriptor = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor >= 0 { return (temp, descriptor) }
            let code = errno
            attempts += 1
            // A collision of 64 random bits is all but impossible; retry a few times regardless.
            guard code == EEXIST || code == EINTR, attempts < 8 else {
                throw StorageError.fromErrno(code, path: temp, operation: "create")
            }
        }
    }

    /// Writes every byte, retrying short writes and interrupted calls.
    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, path: String)
        throws(StorageError)
    {
        var done = 0
        while done < bytes.count {
            let result = write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if result < 0 {
                if errno == EINTR { continue }
                throw StorageError.fromErrno(errno, path: path, operation: "write")
            }
            done += result
        }
    }
}
