import LakeIO

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Durable writes into `_delta_log/` for files that may be replaced: checkpoints and `_last_checkpoint`.
///
/// Each file is written under a temporary name that log replay ignores (it starts with `.`), forced
/// to disk, renamed over its final name, and the directory is forced to disk, so a reader sees
/// either the old file or the whole new one, never a part (SPEC.md §7.5). Commit files are never
/// written this way: `rename(2)` replaces, and a commit must never replace an existing one.
extension LogStore {
    /// A fresh temporary path in `directory` for a file that will be renamed to `name`.
    ///
    /// `.<name>.<16 random hex digits>.tmp`: hidden, unique, and not a log file name.
    static func temporaryPath(in directory: String, for name: String) -> String {
        var random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        random = String(repeating: "0", count: 16 - random.count) + random
        return directory + "/." + name + "." + random + ".tmp"
    }

    /// Forces the file at `path` to stable storage (`fsync(2)`).
    static func syncFile(_ path: String) throws(StorageError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StorageError.fromErrno(errno, path: path, operation: "open") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw StorageError.fromErrno(errno, path: path, operation: "fsync") }
    }

    /// Forces the directory entries of `path` to stable storage.
    static func syncDirectory(_ path: String) throws(StorageError) {
        try FileSystem.syncDirectory(path)
    }

    /// Renames `source` to `destination`, replacing a file already there (`rename(2)`).
    static func rename(_ source: String, to destination: String) throws(StorageError) {
        #if canImport(Glibc)
            let result = Glibc.rename(source, destination)
        #else
            let result = Darwin.rename(source, destination)
        #endif
        guard result == 0 else { throw StorageError.fromErrno(errno, path: destination, operation: "rename") }
    }

    /// Replaces the file `name` in `directory` with `bytes`: temporary file, fsync, rename, fsync the
    /// directory. The temporary file is removed on failure.
    static func replace(_ name: String, in directory: String, with bytes: [UInt8]) throws(StorageError) {
        let temporary = temporaryPath(in: directory, for: name)
        do throws(StorageError) {
            let writer = try FileWriter(path: temporary, exclusive: true)
            try writer.write(bytes)
            try writer.sync()
            try writer.close()
            try rename(temporary, to: directory + "/" + name)
        } catch {
            FileSystem.remove(temporary)
            throw error
        }
        try syncDirectory(directory)
    }
}
