import LakeIO

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Directory listing and whole-file reads for the log, on the local file system.
///
/// A small internal helper until LakeIO grows the same operations; it uses `opendir`/`readdir`
/// and `stat` directly and reports failures as ``StorageError``.
enum LogStore {
    /// One directory entry: its name, kind, size and modification time.
    struct Entry: Sendable, Equatable {
        var name: String
        var isDirectory: Bool
        /// Size in bytes; -1 when the listing skipped reading it.
        var size: Int64
        /// Modification time in milliseconds since the epoch; -1 when the listing skipped reading it.
        var modificationTime: Int64
    }

    /// Whether `path` is a directory (following symbolic links).
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// What `readdir` says an entry is, without a `stat`.
    enum EntryKind {
        case file, directory, unknown
    }

    /// Calls `body` with each entry name's bytes (without `.` and `..`) and its kind as `readdir`
    /// reports it, in no particular order. The bytes are valid only during the call.
    static func forEachName(
        _ path: String, _ body: (UnsafeBufferPointer<UInt8>, EntryKind) throws(StorageError) -> Void
    ) throws(StorageError) {
        guard let directory = opendir(path) else {
            throw StorageError.fromErrno(errno, path: path, operation: "opendir")
        }
        defer { closedir(directory) }
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { throw StorageError.fromErrno(errno, path: path, operation: "readdir") }
                break
            }
            let type = entry.pointee.d_type
            // Anything else (a symbolic link, …) is stat'ed by the caller when it matters.
            let kind: EntryKind = type == UInt8(DT_REG) ? .file : type == UInt8(DT_DIR) ? .directory : .unknown
            let capacity = MemoryLayout.size(ofValue: entry.pointee.d_name)
            try withUnsafeBytes(of: &entry.pointee.d_name) { (raw) throws(StorageError) in
                let bytes = raw.bindMemory(to: UInt8.self)
                let length = strnlen(raw.baseAddress!.assumingMemoryBound(to: CChar.self), capacity)
                let name = UnsafeBufferPointer(rebasing: bytes[0..<length])
                if length == 1 && name[0] == UInt8(ascii: ".") { return }
                if length == 2 && name[0] == UInt8(ascii: ".") && name[1] == UInt8(ascii: ".") { return }
                try body(name, kind)
            }
        }
    }

    /// The entries of the directory at `path` (without `.` and `..`), in no particular order.
    ///
    /// Entries that vanish between `readdir` and `stat` are skipped.
    static func list(_ path: String, attributes: Bool = true) throws(StorageError) -> [Entry] {
        guard let directory = opendir(path) else {
            throw StorageError.fromErrno(errno, path: path, operation: "opendir")
        }
        defer { closedir(directory) }
        var entries: [Entry] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { throw StorageError.fromErrno(errno, path: path, operation: "readdir") }
                break
            }
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    String(cString: $0)
                }
            }
            if name == "." || name == ".." { continue }
            let kind = entry.pointee.d_type
            if !attributes && (kind == UInt8(DT_REG) || kind == UInt8(DT_DIR)) {
                // The kind from readdir is enough; size and time are read later, when needed.
                entries.append(Entry(name: name, isDirectory: kind == UInt8(DT_DIR), size: -1, modificationTime: -1))
                continue
            }
            var info = stat()
            guard stat(path + "/" + name, &info) == 0 else { continue }
            entries.append(
                Entry(
                    name: name, isDirectory: (info.st_mode & S_IFMT) == S_IFDIR, size: Int64(info.st_size),
                    modificationTime: modificationMillis(info)))
        }
        return entries
    }

    /// The modification time of `path` in milliseconds since the epoch.
    static func modificationTime(of path: String) throws(StorageError) -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw StorageError.fromErrno(errno, path: path, operation: "stat") }
        return modificationMillis(info)
    }

    /// The whole content of the file at `path`.
    static func read(_ path: String) throws(StorageError) -> [UInt8] {
        let file = try RandomAccessFile(path: path)
        return Array(try file.readAll())
    }

    private static func modificationMillis(_ info: stat) -> Int64 {
        #if canImport(Darwin)
            Int64(info.st_mtimespec.tv_sec) * 1000 + Int64(info.st_mtimespec.tv_nsec) / 1_000_000
        #else
            Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
        #endif
    }
}
