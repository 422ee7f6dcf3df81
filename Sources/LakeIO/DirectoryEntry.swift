#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One entry of a directory listing (``FileSystem/contentsOfDirectory(_:)``).
public struct DirectoryEntry: Sendable, Hashable {
    /// The entry's name within its directory (no slashes).
    public var name: String
    /// Whether the entry is a directory (for a symbolic link: whether its target is).
    public var isDirectory: Bool
    /// Whether the entry itself is a symbolic link.
    public var isSymbolicLink: Bool
    /// The size in bytes (of the link's target, for a link that resolves).
    public var size: Int64
    /// The last modification time in milliseconds since the Unix epoch.
    public var modificationTime: Int64

    /// Creates an entry.
    public init(name: String, isDirectory: Bool, isSymbolicLink: Bool = false, size: Int64, modificationTime: Int64) {
        self.name = name
        self.isDirectory = isDirectory
        self.isSymbolicLink = isSymbolicLink
        self.size = size
        self.modificationTime = modificationTime
    }
}

extension FileSystem {
    /// The entries of the directory at `path`, without `.` and `..`, sorted by name.
    ///
    /// An entry removed between reading the directory and looking at it (a concurrent vacuum) is
    /// left out, as are names that are not valid UTF-8, which no table file has. A symbolic link
    /// is described by its target when it resolves, by itself when it dangles.
    ///
    /// - Throws: ``StorageError`` when the directory cannot be opened or read.
    public static func contentsOfDirectory(_ path: String) throws(StorageError) -> [DirectoryEntry] {
        guard let directory = opendir(path) else {
            throw StorageError.fromErrno(errno, path: path, operation: "open directory")
        }
        defer { closedir(directory) }
        let directoryDescriptor = dirfd(directory)
        var entries: [DirectoryEntry] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { throw StorageError.fromErrno(errno, path: path, operation: "read directory") }
                break
            }
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    String(validatingCString: $0)
                }
            }
            guard let name, name != ".", name != ".." else { continue }
            var info = stat()
            guard fstatat(directoryDescriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                if errno == ENOENT { continue }
                throw StorageError.fromErrno(errno, path: path + "/" + name, operation: "stat")
            }
            let isLink = (info.st_mode & S_IFMT) == S_IFLNK
            if isLink {
                var target = stat()
                if fstatat(directoryDescriptor, name, &target, 0) == 0 { info = target }
            }
            entries.append(
                DirectoryEntry(
                    name: name, isDirectory: (info.st_mode & S_IFMT) == S_IFDIR, isSymbolicLink: isLink,
                    size: Int64(info.st_size), modificationTime: modificationMilliseconds(info)))
        }
        entries.sort { $0.name < $1.name }
        return entries
    }

    /// A `stat` result's modification time in milliseconds since the epoch.
    static func modificationMilliseconds(_ info: stat) -> Int64 {
        #if canImport(Darwin)
            Int64(info.st_mtimespec.tv_sec) * 1000 + Int64(info.st_mtimespec.tv_nsec) / 1_000_000
        #else
            Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
        #endif
    }
}
