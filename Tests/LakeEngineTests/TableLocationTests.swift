import Foundation
import LakeEngine
import Testing

/// How table arguments resolve: names inside the lake, everything else as paths (SPEC.md §2.5).
@Suite("Table resolution")
struct TableLocationTests {
    /// A scratch lake directory, removed when the test ends.
    final class Scratch {
        let root: String
        init() throws {
            root = FileManager.default.temporaryDirectory.path + "/lake-engine-\(UInt64.random(in: 0...UInt64.max))"
            try FileManager.default.createDirectory(atPath: root + "/lake", withIntermediateDirectories: true)
        }
        var lake: String { root + "/lake" }
        deinit { try? FileManager.default.removeItem(atPath: root) }
    }

    @Test("the lake is --lake, else LAKE_HOME, else ./lakehouse")
    func lakeRoot() {
        #expect(LakeRoot.resolve(option: "/data/lake/", home: "/home/lake") == "/data/lake")
        #expect(LakeRoot.resolve(option: nil, home: "/home/lake") == "/home/lake")
        #expect(LakeRoot.resolve(option: "", home: "") == "lakehouse")
        #expect(LakeRoot.resolve(option: nil, home: nil) == "lakehouse")
        #expect(LakeRoot.resolve(option: "/", home: nil) == "/")
    }

    @Test("plain identifiers are names under the lake", arguments: ["events", "_staging", "T2", "a_b_3", "_"])
    func names(name: String) throws {
        let location = try TableLocation.resolve(name, lakeRoot: "/data/lake/")
        #expect(location.kind == .name)
        #expect(location.path == "/data/lake/" + name)
        #expect(location.lakeRoot == "/data/lake")
        #expect(try TableLocation.named(name, lakeRoot: "/data/lake") == location)
    }

    @Test(
        "anything spelled as a path is a path, taken as written",
        arguments: ["../x", "./events", "/abs/table/", "a/b", "x.delta", ".hidden", "..", "events/", "~/t"])
    func paths(argument: String) throws {
        let location = try TableLocation.resolve(argument, lakeRoot: "/data/lake")
        #expect(location.kind == .path)
        #expect(location.lakeRoot == nil)
        #expect(
            location.path == (argument.count > 1 && argument.hasSuffix("/") ? String(argument.dropLast()) : argument))
    }

    @Test(
        "escaping attempts and other non-identifiers are never names",
        arguments: [
            "../x", "..", ".", "a/../../b", "/etc", "x.y", "9lives", "my-table", "", " events", "événements",
            "a\u{0}b", "ta ble",
        ])
    func notNames(text: String) {
        #expect(!TableLocation.isTableName(text))
        #expect(throws: EngineError.invalidTableName(text)) { try TableLocation.named(text, lakeRoot: "/data/lake") }
    }

    @Test("a spelling that is neither a name nor a path must be an existing directory")
    func existingDirectories() throws {
        let scratch = try Scratch()
        let odd = scratch.root + "/my-table"
        try FileManager.default.createDirectory(atPath: odd, withIntermediateDirectories: true)
        // `my-table` is looked up in the current directory, where it does not exist.
        #expect(throws: EngineError.invalidTableName("my-table")) {
            try TableLocation.resolve("my-table", lakeRoot: scratch.lake)
        }
        #expect(throws: EngineError.invalidTableName("")) { try TableLocation.resolve("", lakeRoot: scratch.lake) }
        #expect(try TableLocation.resolve(odd, lakeRoot: scratch.lake).kind == .path)
        #expect(EngineError.invalidTableName("x").isUsageError)
    }

    @Test("a name whose directory is a symbolic link out of the lake is refused")
    func symlinkEscape() throws {
        let scratch = try Scratch()
        let outside = scratch.root + "/outside"
        try FileManager.default.createDirectory(atPath: outside + "/_delta_log", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.lake + "/escape", withDestinationPath: outside)
        try FileManager.default.createDirectory(atPath: scratch.lake + "/real", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.lake + "/alias", withDestinationPath: "real")
        do {
            _ = try TableLocation.named("escape", lakeRoot: scratch.lake)
            Issue.record("a link out of the lake resolved")
        } catch {
            guard case .outsideLake(let name, _, let resolved) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(name == "escape")
            #expect(resolved.hasSuffix("/outside"))
        }
        // A link that stays inside the lake is fine; so is the same directory given as a path.
        #expect(try TableLocation.named("alias", lakeRoot: scratch.lake).path == scratch.lake + "/alias")
        #expect(try TableLocation.resolve(outside, lakeRoot: scratch.lake).kind == .path)
    }

    @Test("a name that is not in the lake is reported as such")
    func missingName() throws {
        let scratch = try Scratch()
        let location = try TableLocation.resolve("no_such_table_here", lakeRoot: scratch.lake)
        #expect(
            throws: EngineError.tableNotFound(name: "no_such_table_here", lakeRoot: scratch.lake, localDirectory: nil)
        ) { try location.checkExists() }
        // Paths are left to the Delta layer, whose errors name them.
        try TableLocation.resolve(scratch.root + "/nothing", lakeRoot: scratch.lake).checkExists()
    }

    @Test("cat: an existing file is Parquet, a missing path is an error, anything else a table")
    func catSource() throws {
        let scratch = try Scratch()
        let file = scratch.root + "/data.parquet"
        #expect(FileManager.default.createFile(atPath: file, contents: Data("PAR1".utf8)))
        #expect(try CatSource.resolve(file, lakeRoot: scratch.lake) == .parquetFile(file))
        #expect(throws: EngineError.notFound(path: scratch.root + "/missing.parquet")) {
            try CatSource.resolve(scratch.root + "/missing.parquet", lakeRoot: scratch.lake)
        }
        guard case .table(let named) = try CatSource.resolve("events", lakeRoot: scratch.lake) else {
            Issue.record("a name is a table")
            return
        }
        #expect(named.path == scratch.lake + "/events")
        guard case .table(let byPath) = try CatSource.resolve(scratch.lake, lakeRoot: scratch.lake) else {
            Issue.record("a directory is a table")
            return
        }
        #expect(byPath.kind == .path)
    }

    @Test(
        "--as-of takes ISO 8601 timestamps and dates, or epoch milliseconds",
        arguments: [
            ("1704448800000", 1_704_448_800_000), ("0", 0), ("-1", -1), ("2024-01-05", 1_704_412_800_000),
            ("2024-01-05T10:00:00Z", 1_704_448_800_000), ("2024-01-05 10:00:00", 1_704_448_800_000),
            ("2024-01-05T11:00:00+01:00", 1_704_448_800_000), ("2024-01-05T10:00:00.1239Z", 1_704_448_800_123),
            ("1969-12-31T23:59:59.9995Z", -1), (" 2024-01-05T10:00Z ", 1_704_448_800_000),
        ] as [(String, Int64)])
    func times(text: String, millis: Int64) throws {
        #expect(TableVersion.parseTime(text) == millis)
        #expect(try TableVersion(version: nil, asOf: text) == .timestamp(millis))
    }

    @Test(
        "malformed times are usage errors",
        arguments: ["", "yesterday", "2024-13-01", "2024-01-05T25:00Z", "1e3", "--1"])
    func badTimes(text: String) {
        #expect(TableVersion.parseTime(text) == nil)
        #expect(throws: EngineError.invalidTimestamp(text)) { try TableVersion(version: nil, asOf: text) }
        #expect(EngineError.invalidTimestamp(text).isUsageError)
    }

    @Test func versionRequests() throws {
        #expect(try TableVersion(version: nil, asOf: nil) == .latest)
        #expect(try TableVersion(version: 3, asOf: nil) == .version(3))
    }
}
