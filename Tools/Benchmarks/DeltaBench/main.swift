// lake-delta-bench: times opening a Delta table (log replay into a Snapshot) and scanning it.
//
//   lake-delta-bench synthetic [--commits N] [--reps K]   a JSON-only log of N commits in a temp dir
//   lake-delta-bench open TABLE [--reps K] [--threads N]   an existing table: open, then scan all rows
//   lake-delta-bench open-only TABLE [--reps K]            an existing table: open (log replay) only
//   lake-delta-bench append TABLE [--rows N] [--reps K]    K small appends (id int64, value double,
//                                                         name string) through WriteSession
//
// Every rep prints one JSON line on stdout, e.g.
//   {"op":"open","rep":0,"commits":1000,"files":900,"seconds":0.021}
// `seconds` is the wall time (ContinuousClock) of `Snapshot.load` (and of the scan for `open`).
// Errors go to stderr with exit status 1; usage errors exit with status 2.

import Foundation
import LakeColumnar
import LakeDelta

let usage =
    "usage: lake-delta-bench synthetic [--commits N] [--reps K] | open TABLE [--reps K] [--threads N] "
    + "| open-only TABLE [--reps K] | append TABLE [--rows N] [--reps K]"

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(status)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Writes `commits` JSON commits like an append-heavy job: each adds a file, every tenth also removes one.
func makeSyntheticTable(commits: Int) throws -> String {
    let root = NSTemporaryDirectory() + "lake-delta-bench-\(UInt64.random(in: 0...UInt64.max))"
    try FileManager.default.createDirectory(atPath: root + "/_delta_log", withIntermediateDirectories: true)
    let schema = Schema([Field("id", .int64), Field("name", .string), Field("day", .date)])
    let metadata = TableMetadata(
        id: "bench", schemaString: try DeltaSchema(schema).jsonString, partitionColumns: ["day"])
    for version in 0..<commits {
        var actions: [Action] = [
            .commitInfo(
                CommitInfo(
                    timestamp: 1_700_000_000_000 + Int64(version), operation: "WRITE",
                    operationParameters: ["mode": "Append"], readVersion: Int64(version) - 1, isBlindAppend: true,
                    engineInfo: "lake-delta-bench"))
        ]
        if version == 0 {
            actions += [.protocol(ProtocolAction(minReaderVersion: 1, minWriterVersion: 2)), .metadata(metadata)]
        } else {
            let stats =
                #"{"numRecords":1000,"minValues":{"id":\#(version * 1000),"name":"a"},"#
                + #""maxValues":{"id":\#(version * 1000 + 999),"name":"z"},"nullCount":{"id":0,"name":3}}"#
            actions.append(
                .add(
                    AddFile(
                        path: "day=2024-01-01/part-\(version)-c000.zstd.parquet",
                        partitionValues: ["day": "2024-01-01"],
                        size: 40_000, modificationTime: 1_700_000_000_000, stats: stats)))
            if version % 10 == 0 {
                actions.append(.remove(RemoveFile(path: "day=2024-01-01/part-\(version - 5)-c000.zstd.parquet")))
            }
        }
        let name = String(repeating: "0", count: 20 - String(version).count) + String(version) + ".json"
        try Data(CommitFile.encode(actions)).write(to: URL(fileURLWithPath: root + "/_delta_log/" + name))
    }
    return root
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let operation = arguments.first else { fail(usage, status: 2) }
arguments.removeFirst()
var commits = 1000
var reps = 5
var threads = 2
var table: String?
var rows = 100
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    switch argument {
    case "--commits": commits = Int(arguments.first ?? "") ?? 0
    case "--reps": reps = Int(arguments.first ?? "") ?? 0
    case "--threads": threads = Int(arguments.first ?? "") ?? 0
    case "--rows": rows = Int(arguments.first ?? "") ?? 0
    default:
        table = argument
        continue
    }
    arguments = Array(arguments.dropFirst())
}
guard commits > 0, reps > 0, threads > 0 else { fail(usage, status: 2) }

let clock = ContinuousClock()
do {
    switch operation {
    case "synthetic":
        let root = try makeSyntheticTable(commits: commits)
        defer { try? FileManager.default.removeItem(atPath: root) }
        for rep in 0..<reps {
            var snapshot: Snapshot?
            let elapsed = try clock.measure { snapshot = try Snapshot.load(table: root) }
            print(
                #"{"op":"open","rep":\#(rep),"commits":\#(commits),"files":\#(snapshot?.files.count ?? 0),"seconds":\#(seconds(elapsed))}"#
            )
        }
    case "open":
        guard let table else { fail(usage, status: 2) }
        for rep in 0..<reps {
            var snapshot: Snapshot?
            let opened = try clock.measure { snapshot = try Snapshot.load(table: table) }
            var rows = 0
            let start = clock.now
            for batch in try await TableScan(snapshot: snapshot!).read(threads: threads) { rows += batch.rowCount }
            let scanned = clock.now - start
            print(
                #"{"op":"open","rep":\#(rep),"version":\#(snapshot!.version),"files":\#(snapshot!.files.count),"open_seconds":\#(seconds(opened)),"rows":\#(rows),"scan_seconds":\#(seconds(scanned))}"#
            )
        }
    case "open-only":
        guard let table else { fail(usage, status: 2) }
        for rep in 0..<reps {
            var snapshot: Snapshot?
            let opened = try clock.measure { snapshot = try Snapshot.load(table: table) }
            print(
                #"{"op":"open-only","rep":\#(rep),"version":\#(snapshot!.version),"files":\#(snapshot!.files.count),"seconds":\#(seconds(opened))}"#
            )
        }
    case "append":
        guard let table, rows > 0 else { fail(usage, status: 2) }
        let schema = Schema([Field("id", .int64), Field("value", .float64), Field("name", .string)])
        for rep in 0..<reps {
            let batch = RecordBatch(
                schema: schema,
                columns: [
                    .int64(PrimitiveColumn(values: ContiguousArray((0..<rows).map { Int64(rep * rows + $0) }))),
                    .float64(PrimitiveColumn(values: ContiguousArray((0..<rows).map { Double($0) * 0.5 }))),
                    .string(StringColumn((0..<rows).map { "name-\($0)" })),
                ])
            var outcome: WriteOutcome?
            let elapsed = try await clock.measure {
                let session = try WriteSession(tableRoot: table, schema: schema, request: WriteRequest())
                try await session.write(batch)
                outcome = try await session.commit()
            }
            print(#"{"op":"append","rep":\#(rep),"version":\#(outcome?.version ?? -1),"seconds":\#(seconds(elapsed))}"#)
        }
    default: fail(usage, status: 2)
    }
} catch {
    fail("error: \(error)", status: 1)
}
