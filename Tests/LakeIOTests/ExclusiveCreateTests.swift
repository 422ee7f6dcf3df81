import Foundation
import Synchronization
import Testing

@testable import LakeIO

/// ``FileSystem/createExclusive(at:contents:)``: the put-if-absent behind every commit.
@Suite("Exclusive create")
struct ExclusiveCreateTests {
    @Test("creates the file with exactly the given bytes, leaving nothing else")
    func createsFile() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/00000000000000000000.json"
            let bytes = Array("{\"commitInfo\":{}}\n".utf8)
            try FileSystem.createExclusive(at: path, contents: bytes)
            #expect(try contents(of: path) == bytes)
            #expect(try names(in: directory) == ["00000000000000000000.json"])
            // Empty and large contents too.
            try FileSystem.createExclusive(at: directory + "/empty", contents: [UInt8]())
            #expect(try contents(of: directory + "/empty").isEmpty)
            let large = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            try FileSystem.createExclusive(at: directory + "/large", contents: ContiguousArray(large))
            #expect(try contents(of: directory + "/large") == large)
        }
    }

    @Test("an existing name is never replaced: alreadyExists, the old bytes stay, no temp file")
    func existingNameIsKept() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/00000000000000000001.json"
            try FileSystem.createExclusive(at: path, contents: Array("first".utf8))
            #expect(throws: StorageError.alreadyExists(path: path)) {
                try FileSystem.createExclusive(at: path, contents: Array("second".utf8))
            }
            #expect(try contents(of: path) == Array("first".utf8))
            // A directory in the way is taken too.
            try FileManager.default.createDirectory(atPath: directory + "/taken", withIntermediateDirectories: false)
            #expect(throws: StorageError.alreadyExists(path: directory + "/taken")) {
                try FileSystem.createExclusive(at: directory + "/taken", contents: Array("x".utf8))
            }
            #expect(try names(in: directory) == ["00000000000000000001.json", "taken"])
        }
    }

    @Test("16 threads racing for one name: exactly one wins and the other 15 get alreadyExists")
    func racingWritersWinOnce() throws {
        let writers = 16
        try withTemporaryDirectory { directory in
            for round in 0..<20 {
                let path = directory + "/" + String(repeating: "0", count: 18) + String(format: "%02d", round) + ".json"
                let outcomes = Outcomes()
                let barrier = Barrier(count: writers)
                let finished = DispatchGroup()
                for writer in 0..<writers {
                    finished.enter()
                    let thread = Thread {
                        barrier.arriveAndWait()
                        let bytes = Array("writer \(writer) of round \(round)\n".utf8)
                        do throws(StorageError) {
                            try FileSystem.createExclusive(at: path, contents: bytes)
                            outcomes.record(writer, nil)
                        } catch {
                            outcomes.record(writer, error)
                        }
                        finished.leave()
                    }
                    thread.start()
                }
                finished.wait()
                let results = outcomes.all
                let winners = results.filter { $0.value == nil }.map(\.key)
                let losers = results.compactMap(\.value)
                #expect(winners.count == 1, "round \(round): \(winners.count) writers won")
                #expect(losers.count == writers - 1)
                #expect(losers.allSatisfy { $0 == .alreadyExists(path: path) }, "round \(round): \(losers)")
                if let winner = winners.first {
                    #expect(try contents(of: path) == Array("writer \(winner) of round \(round)\n".utf8))
                }
            }
            // No temp file survives: only the 20 committed names.
            let left = try names(in: directory)
            #expect(left.count == 20, "\(left)")
            #expect(left.allSatisfy { !$0.hasPrefix(".") })
        }
    }

    static let failingSteps: [FileSystem.CreateStep] = [.createTemp, .write, .fsync, .close, .link]

    @Test("a failure at any step before the link creates nothing and leaves no temp file", arguments: failingSteps)
    func failuresLeaveNothing(step: FileSystem.CreateStep) throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/00000000000000000002.json"
            for code in [EIO, ENOSPC] {
                do throws(StorageError) {
                    try FileSystem.createExclusive(at: path, contents: Array("data".utf8), failing: (step, code))
                    Issue.record("\(step) failing with \(code) did not throw")
                } catch {
                    #expect(error == .systemError(path: error.path, operation: error.operation, code: code))
                    // The message carries the path and the system's reason.
                    #expect(error.description.contains(directory), "\(error)")
                    #expect(error.description.contains(String(cString: strerror(code))), "\(error)")
                }
                let left = try names(in: directory)
                #expect(left.isEmpty, "\(step): left \(left)")
            }
            // The same call then succeeds: nothing was left in the way.
            try FileSystem.createExclusive(at: path, contents: Array("data".utf8))
            #expect(try names(in: directory) == ["00000000000000000002.json"])
        }
    }

    @Test("a directory sync failure after the link reports createdNotDurable, with the file in place")
    func directorySyncFailureIsIndeterminate() throws {
        try withTemporaryDirectory { (directory: String) throws in
            let path = directory + "/00000000000000000003.json"
            #expect(throws: StorageError.createdNotDurable(path: path, code: EIO)) {
                try FileSystem.createExclusive(at: path, contents: Array("data".utf8), failing: (.syncDirectory, EIO))
            }
            #expect(try contents(of: path) == Array("data".utf8))
            #expect(try names(in: directory) == ["00000000000000000003.json"])
            let message = StorageError.createdNotDurable(path: path, code: EIO).description
            #expect(message.contains(path) && message.contains("Input/output error"), "\(message)")
        }
    }

    @Test("real failures name the path: a missing directory, a file as directory, a NUL byte")
    func realFailuresNameThePath() throws {
        try withTemporaryDirectory { directory in
            let missing = directory + "/no-such-dir/00000000000000000000.json"
            do throws(StorageError) {
                try FileSystem.createExclusive(at: missing, contents: Array("x".utf8))
                Issue.record("created a file in a missing directory")
            } catch {
                guard case .notFound(let path) = error else {
                    Issue.record("expected notFound, got \(error)")
                    return
                }
                #expect(path.hasPrefix(directory + "/no-such-dir/"))
                #expect(error.description.contains("no such file or directory"))
            }
            try FileSystem.createExclusive(at: directory + "/file", contents: Array("x".utf8))
            #expect(throws: StorageError.self) {
                try FileSystem.createExclusive(at: directory + "/file/child", contents: Array("x".utf8))
            }
            #expect(throws: StorageError.unsafePath(path: directory + "/a\0b", reason: "it contains a NUL byte")) {
                try FileSystem.createExclusive(at: directory + "/a\0b", contents: Array("x".utf8))
            }
            #expect(try names(in: directory) == ["file"])
        }
    }

    @Test("durability calls succeed on tmpfs (/dev/shm)")
    func durabilityOnTmpfs() throws {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        try withTemporaryDirectory(in: base) { directory in
            try FileSystem.createDirectories(directory + "/table/_delta_log")
            try FileSystem.syncDirectory(directory + "/table")
            try FileSystem.createExclusive(
                at: directory + "/table/_delta_log/00000000000000000000.json", contents: Array("{}\n".utf8))
            try FileSystem.syncDirectory(directory + "/table/_delta_log")
            let writer = try FileWriter(path: directory + "/table/part-0.parquet")
            try writer.write(Array("PAR1".utf8))
            try writer.sync()
            try writer.close()
            #expect(try names(in: directory + "/table/_delta_log") == ["00000000000000000000.json"])
        }
    }
}

extension StorageError {
    /// The path of a system error (for comparing errors whose temp-file path is random).
    fileprivate var path: String {
        if case .systemError(let path, _, _) = self { return path }
        return ""
    }

    fileprivate var operation: String {
        if case .systemError(_, let operation, _) = self { return operation }
        return ""
    }
}

/// Each writer's outcome: `nil` for success.
private final class Outcomes: Sendable {
    private let results = Mutex<[Int: StorageError?]>([:])

    func record(_ writer: Int, _ error: StorageError?) {
        results.withLock { $0[writer] = error }
    }

    var all: [Int: StorageError?] { results.withLock { $0 } }
}

/// Holds threads until `count` have arrived, so they call in as close together as possible.
private final class Barrier: Sendable {
    private let count: Int
    private let arrived = Atomic<Int>(0)

    init(count: Int) { self.count = count }

    func arriveAndWait() {
        arrived.add(1, ordering: .acquiringAndReleasing)
        while arrived.load(ordering: .acquiring) < count { sched_yield() }
    }
}
