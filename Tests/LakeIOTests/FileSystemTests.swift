import Foundation
import LakeIO
import Testing

/// Listing, bounded reads, directory creation and removal.
@Suite("File system operations")
struct FileSystemTests {
    @Test("lists names, kinds, sizes and modification times, sorted, without . and ..")
    func listsDirectory() throws {
        try withTemporaryDirectory { directory in
            let before = Int64(Date().timeIntervalSince1970 * 1000) - 2_000
            try FileSystem.createExclusive(at: directory + "/b.json", contents: Array("12345".utf8))
            try FileSystem.createExclusive(at: directory + "/a.parquet", contents: [UInt8]())
            try FileSystem.createDirectories(directory + "/_delta_log")
            try FileManager.default.createSymbolicLink(atPath: directory + "/link", withDestinationPath: "b.json")
            try FileManager.default.createSymbolicLink(atPath: directory + "/dangling", withDestinationPath: "nowhere")
            let after = Int64(Date().timeIntervalSince1970 * 1000) + 2_000

            let entries = try FileSystem.contentsOfDirectory(directory)
            #expect(entries.map(\.name) == ["_delta_log", "a.parquet", "b.json", "dangling", "link"])
            let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })
            #expect(byName["_delta_log"]?.isDirectory == true)
            #expect(byName["a.parquet"]?.isDirectory == false)
            #expect(byName["a.parquet"]?.size == 0)
            #expect(byName["b.json"]?.size == 5)
            #expect(byName["link"]?.isSymbolicLink == true)
            #expect(byName["link"]?.size == 5)
            #expect(byName["dangling"]?.isSymbolicLink == true)
            #expect(byName["b.json"]?.isSymbolicLink == false)
            for entry in entries {
                #expect(entry.modificationTime >= before && entry.modificationTime <= after, "\(entry)")
            }
            #expect(try FileSystem.contentsOfDirectory(directory + "/_delta_log").isEmpty)
        }
    }

    @Test("listing a missing directory or a file fails with its path")
    func listingFailures() throws {
        try withTemporaryDirectory { directory in
            #expect(throws: StorageError.notFound(path: directory + "/missing")) {
                try FileSystem.contentsOfDirectory(directory + "/missing")
            }
            try FileSystem.createExclusive(at: directory + "/file", contents: Array("x".utf8))
            do throws(StorageError) {
                _ = try FileSystem.contentsOfDirectory(directory + "/file")
                Issue.record("listed a file")
            } catch {
                #expect(error.description.contains(directory + "/file"))
                #expect(error.description.contains("Not a directory"), "\(error)")
            }
        }
    }

    @Test("readFile reads whole files and refuses ones over the limit before reading")
    func boundedReads() throws {
        try withTemporaryDirectory { directory in
            let bytes = (0..<100).map { UInt8($0) }
            try FileSystem.createExclusive(at: directory + "/f", contents: bytes)
            #expect(try FileSystem.readFile(directory + "/f") == bytes)
            #expect(try FileSystem.readFile(directory + "/f", maxSize: 100) == bytes)
            #expect(throws: StorageError.tooLarge(path: directory + "/f", size: 100, limit: 99)) {
                try FileSystem.readFile(directory + "/f", maxSize: 99)
            }
            try FileSystem.createExclusive(at: directory + "/empty", contents: [UInt8]())
            #expect(try FileSystem.readFile(directory + "/empty", maxSize: 0).isEmpty)
            let large = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            try FileSystem.createExclusive(at: directory + "/large", contents: large)
            #expect(try FileSystem.readFile(directory + "/large") == large)
            #expect(throws: StorageError.isDirectory(path: directory)) { try FileSystem.readFile(directory) }
            #expect(throws: StorageError.notFound(path: directory + "/missing")) {
                try FileSystem.readFile(directory + "/missing")
            }
            // Files whose size stat cannot know (procfs) are still bounded by the read itself.
            if FileManager.default.fileExists(atPath: "/proc/self/status") {
                #expect(throws: StorageError.self) { try FileSystem.readFile("/proc/self/status", maxSize: 10) }
                #expect(try !FileSystem.readFile("/proc/self/status").isEmpty)
            }
        }
    }

    @Test("createDirectories makes missing parents, accepts existing ones, refuses a file in the way")
    func createsDirectories() throws {
        try withTemporaryDirectory { directory in
            try FileSystem.createDirectories(directory + "/a/b/c")
            try FileSystem.createDirectories(directory + "/a/b/c")
            try FileSystem.createDirectories(directory + "/a//b/d/")
            #expect(try FileSystem.contentsOfDirectory(directory + "/a/b").map(\.name) == ["c", "d"])
            try FileSystem.createExclusive(at: directory + "/a/file", contents: Array("x".utf8))
            #expect(throws: StorageError.alreadyExists(path: directory + "/a/file")) {
                try FileSystem.createDirectories(directory + "/a/file/x")
            }
        }
    }

    @Test("removeFile removes, reports a missing file unless told not to")
    func removesFiles() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/f"
            try FileSystem.createExclusive(at: path, contents: Array("x".utf8))
            try FileSystem.removeFile(path)
            #expect(!FileSystem.exists(path))
            #expect(throws: StorageError.notFound(path: path)) { try FileSystem.removeFile(path) }
            try FileSystem.removeFile(path, ignoringMissing: true)
            #expect(throws: StorageError.self) { try FileSystem.removeFile(directory) }
        }
    }

    @Test("syncDirectory fails on a missing directory, naming it")
    func syncMissingDirectory() throws {
        try withTemporaryDirectory { directory in
            try FileSystem.syncDirectory(directory)
            #expect(throws: StorageError.notFound(path: directory + "/missing")) {
                try FileSystem.syncDirectory(directory + "/missing")
            }
        }
    }
}
