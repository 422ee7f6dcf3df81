import Foundation
import LakeColumnar
import LakeDelta
import LakeEngine
import LakeParquet
import LakeTestSupport
import Testing

/// `lake history`, `lake describe` and `lake cat` on tables, through the engine API: fixture tables
/// made here and conformance tables written by delta-rs.
@Suite("Table commands")
struct TableCommandTests {
    static let conformance = TestPaths.conformance + "/delta/"
    static let partitioned = conformance + "deltalake-py/zstd_partitioned_history"

    /// A lake with one table, built commit by commit; removed when the test ends.
    final class Lake {
        let root: String
        let lake: String
        init() throws {
            root = FileManager.default.temporaryDirectory.path + "/lake-engine-\(UInt64.random(in: 0...UInt64.max))"
            lake = root + "/lake"
            try FileManager.default.createDirectory(atPath: lake, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: root) }

        func table(_ name: String) -> String { lake + "/" + name }

        func commit(_ table: String, _ version: Int64, _ actions: [Action]) throws {
            let log = self.table(table) + "/_delta_log"
            try FileManager.default.createDirectory(atPath: log, withIntermediateDirectories: true)
            let digits = String(version)
            let path = log + "/" + String(repeating: "0", count: 20 - digits.count) + digits + ".json"
            try Data(CommitFile.encode(actions)).write(to: URL(fileURLWithPath: path))
        }

        /// Writes `ids` as a Parquet file of the table and returns its add action.
        func dataFile(_ table: String, _ relative: String, ids: [Int64], partition: [String: String?] = [:])
            async throws
            -> AddFile
        {
            let path = self.table(table) + "/" + relative
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let batch = RecordBatch(
                schema: Schema([Field("id", .int64)]), columns: [.int64(PrimitiveColumn(values: ContiguousArray(ids)))])
            let writer = try ParquetFileWriter(path: path, schema: batch.schema)
            try await writer.write(batch)
            let summary = try await writer.close()
            return AddFile(
                path: relative, partitionValues: partition, size: Int64(summary.fileSize), modificationTime: 0,
                stats: #"{"numRecords":\#(ids.count)}"#)
        }
    }

    static func metadata(partitionColumns: [String] = [], configuration: [String: String] = [:]) throws -> Action {
        var fields = [Field("id", .int64)]
        for column in partitionColumns { fields.append(Field(column, .string)) }
        return .metadata(
            TableMetadata(
                id: "7d0c9a52-0000-4000-8000-000000000001", name: "events", description: "engine tests",
                schemaString: try DeltaSchema(Schema(fields)).jsonString, partitionColumns: partitionColumns,
                configuration: configuration, createdTime: 1_704_067_200_000))
    }

    static let protocol12 = Action.protocol(ProtocolAction(minReaderVersion: 1, minWriterVersion: 2))

    static func rows(_ batches: [RecordBatch]) -> [[ScalarValue]] {
        batches.flatMap { batch in (0..<batch.rowCount).map { row in batch.columns.map { $0.scalar(at: row) } } }
    }

    // MARK: - history

    @Test("history: one row per version, newest first, commitInfo fields or nulls")
    func historyOfFixture() async throws {
        let lake = try Lake()
        let first = try await lake.dataFile("events", "a.parquet", ids: [1, 2])
        let second = try await lake.dataFile("events", "b.parquet", ids: [3])
        try lake.commit(
            "events", 0,
            [
                .commitInfo(
                    CommitInfo(
                        timestamp: 1, operation: "CREATE TABLE", operationParameters: ["mode": "ErrorIfExists"],
                        isBlindAppend: true, engineInfo: "lake/0.1.0",
                        operationMetrics: [("numFiles", .number("1")), ("nested", .object([("a", .bool(true))]))])),
                Self.protocol12, try Self.metadata(), .add(first),
            ])
        try lake.commit("events", 1, [.add(second)])  // no commitInfo at all
        try lake.commit(
            "events", 2,
            [
                .remove(RemoveFile(path: "a.parquet", deletionTimestamp: 5)),
                .commitInfo(CommitInfo(timestamp: 2, operation: "DELETE", readVersion: 1, isBlindAppend: false)),
            ])
        let location = try TableLocation.resolve("events", lakeRoot: lake.lake)
        let history = try TableHistory.load(location)
        #expect(history.commits.map(\.version) == [2, 1, 0])
        let batch = history.batch
        #expect(batch.schema == TableHistory.schema)
        #expect(
            batch.schema.fields.map(\.name) == [
                "version", "timestamp", "operation", "operationParameters", "operationMetrics", "engineInfo",
                "readVersion", "isBlindAppend",
            ])
        let rows = Self.rows([batch])
        #expect(rows[0][2] == .string("DELETE") && rows[0][6] == .integer(1) && rows[0][7] == .boolean(false))
        #expect(rows[1][2...] == [.null, .null, .null, .null, .null, .null])
        #expect(rows[2][2] == .string("CREATE TABLE") && rows[2][5] == .string("lake/0.1.0"))
        #expect(rows[2][3] == .map(keys: [.string("mode")], values: [.string("ErrorIfExists")]))
        #expect(
            rows[2][4]
                == .map(
                    keys: [.string("numFiles"), .string("nested")], values: [.string("1"), .string(#"{"a":true}"#)]))
        // Timestamps are the commit times time travel uses: file times, made monotonic.
        let times = history.commits.map(\.timestamp)
        #expect(times[0] > times[1] && times[1] > times[2])
        #expect(rows[0][1] == .timestamp(times[0] * 1000))

        #expect(try TableHistory.load(location, limit: 1).commits.map(\.version) == [2])
        #expect(try TableHistory.load(location, limit: 0).batch.rowCount == 0)

        var json = ""
        let writer = ResultWriter(format: .jsonl) { json += $0 }
        writer.write(try TableHistory.load(location, limit: 1).batch)
        writer.finish()
        #expect(json.hasPrefix(#"{"version":2,"timestamp":""#))
        #expect(
            json.hasSuffix(
                #""operation":"DELETE","operationParameters":{},"operationMetrics":null,"#
                    + #""engineInfo":null,"readVersion":1,"isBlindAppend":false}"# + "\n"))
    }

    @Test("history of delta-rs tables: operations, parameters, metrics; cleaned-up versions are absent")
    func historyOfConformance() throws {
        let history = try TableHistory.load(try TableLocation.resolve(Self.partitioned, lakeRoot: "unused"))
        #expect(history.commits.map(\.version) == Array((0...9).reversed()))
        let operations = history.commits.map { $0.commitInfo?.operation ?? "-" }
        #expect(operations == ["OPTIMIZE", "OPTIMIZE", "DELETE"] + Array(repeating: "WRITE", count: 7))
        let delete = try #require(history.commits.first { $0.version == 7 }?.commitInfo)
        #expect(delete.readVersion == 6)
        let rows = Self.rows([history.batch])
        #expect(rows[2][3] == .map(keys: [.string("predicate")], values: [.string("id < 10")]))
        guard case .map(let keys, let values) = rows[2][4] else {
            Issue.record("metrics are a map")
            return
        }
        #expect(zip(keys, values).contains { $0 == .string("num_deleted_rows") && $1 == .string("10") })

        let vacuumed = try TableHistory.load(
            try TableLocation.resolve(Self.conformance + "delta-rs/checkpoints_vacuumed", lakeRoot: "unused"))
        #expect(vacuumed.commits.map(\.version) == Array((5...12).reversed()))
    }

    // MARK: - describe

    @Test("describe a delta-rs partitioned table, latest and as of an older version")
    func describeConformance() throws {
        let location = try TableLocation.resolve(Self.partitioned, lakeRoot: "unused")
        let latest = try TableDescription.load(location)
        #expect(latest.version == 9)
        #expect(latest.fileCount == 3 && latest.byteCount == 10_027 && latest.rowCount == 220)
        #expect(latest.checkpointVersion == 9)
        #expect(latest.partitionColumns == ["region"])
        #expect(latest.metadata.name == "demo")
        #expect(latest.protocolAction == ProtocolAction(minReaderVersion: 1, minWriterVersion: 2))
        #expect(latest.metadata.configuration == ["delta.checkpointInterval": "5"])
        #expect(
            latest.schema.fields.map(\.description) == [
                "id INT64", "name STRING", "amount DECIMAL(10,2)", "score DOUBLE", "ts TIMESTAMP", "day DATE",
                "region STRING",
            ])
        #expect(latest.partitions.map(\.values) == [[nil], ["eu west/1"], ["us=east%2"]])
        #expect(latest.partitions.map(\.rowCount) == [10, 160, 50])
        #expect(latest.partitions.map(\.fileCount).reduce(0, +) == 3)

        let old = try TableDescription.load(location, version: .version(3))
        #expect(old.version == 3 && old.fileCount == 6 && old.rowCount == 170 && old.checkpointVersion == nil)
        let six = try TableDescription.load(location, version: .version(6))
        #expect(six.checkpointVersion == 4)
        let asOf = try TableDescription.load(location, version: .timestamp(latest.timestamp))
        #expect(asOf.version == 9)

        let text = TableDescriptionReport.text(latest)
        for line in [
            "version      9, committed ", "files        3", "size         10,027 bytes",
            "rows         220 (from file statistics)", "protocol     reader 1, writer 2", "checkpoint   version 9",
            "partitions   3 by region", "  region STRING  (partition)", "  delta.checkpointInterval = 5",
            "  region=NULL", "  region=eu west/1", "name         demo", "description  zstd partitioned demo",
        ] {
            #expect(text.contains(line), "missing '\(line)' in:\n\(text)")
        }
        let json = try #require(JSONValue.parse(TableDescriptionReport.json(latest)))
        #expect(json["version"]?.int64Value == 9)
        #expect(json["rows"]?.int64Value == 220)
        #expect(json["checkpoint_version"]?.int64Value == 9)
        #expect(json["partitions"]?.arrayValue?.count == 3)
        #expect(json["protocol"]?["min_writer_version"]?.int64Value == 2)
        #expect(json["schema"]?.arrayValue?.last?["partition"]?.boolValue == true)
    }

    @Test("describe: rows are unknown when a file has no statistics; checkpointed delta-rs table")
    func describeWithoutStatistics() throws {
        let location = try TableLocation.resolve(
            Self.conformance + "delta-rs/simple_table_with_checkpoint", lakeRoot: "unused")
        let table = try TableDescription.load(location)
        #expect(table.version == 10 && table.checkpointVersion == 10 && table.fileCount == 11)
        #expect(table.rowCount == nil && table.filesWithoutRowCount == 11)
        #expect(table.partitions.isEmpty)
        let text = TableDescriptionReport.text(table)
        #expect(text.contains("rows         unknown (11 file(s) have no row count in their statistics)"))
        #expect(text.contains("partitions   none (not partitioned)"))
        #expect(!text.contains("partition    "))
        #expect(try #require(JSONValue.parse(TableDescriptionReport.json(table)))["rows"] == .null)
    }

    @Test("describe lists at most 50 partitions in text, all in JSON")
    func partitionCap() throws {
        let lake = try Lake()
        var actions = [Self.protocol12, try Self.metadata(partitionColumns: ["day", "kind"])]
        for day in 0..<30 {
            for kind in ["a", "b"] {
                actions.append(
                    .add(
                        AddFile(
                            path: "day=\(day)/kind=\(kind)/f.parquet",
                            partitionValues: ["day": "\(day)", "kind": kind],
                            size: 100, modificationTime: 0, stats: day == 7 ? nil : #"{"numRecords":2}"#)))
            }
        }
        try lake.commit("wide", 0, actions)
        let table = try TableDescription.load(try TableLocation.resolve("wide", lakeRoot: lake.lake))
        #expect(table.name == "wide")
        #expect(table.partitions.count == 60 && table.rowCount == nil && table.filesWithoutRowCount == 2)
        let day7 = try #require(table.partitions.first { $0.values == ["7", "a"] })
        #expect(day7.rowCount == nil && day7.fileCount == 1 && day7.byteCount == 100)
        let text = TableDescriptionReport.text(table)
        #expect(text.contains("  … and 10 more partitions (--format json lists all)"))
        #expect(text.components(separatedBy: "\n").filter { $0.hasPrefix("  day=") }.count == 50)
        #expect(text.contains("  day=0/kind=a "))
        #expect(text.contains("table        \(lake.lake)/wide (wide)"))
        let json = try #require(JSONValue.parse(TableDescriptionReport.json(table)))
        #expect(json["partitions"]?.arrayValue?.count == 60)
        #expect(json["name"]?.stringValue == "wide")
    }

    @Test("describe and history of a name missing from the lake, and of a directory that is not a table")
    func missingTables() throws {
        let lake = try Lake()
        let missing = try TableLocation.resolve("absent", lakeRoot: lake.lake)
        #expect(throws: EngineError.tableNotFound(name: "absent", lakeRoot: lake.lake, localDirectory: nil)) {
            try TableDescription.load(missing)
        }
        #expect(throws: EngineError.self) { try TableHistory.load(missing) }
        try FileManager.default.createDirectory(atPath: lake.lake + "/empty", withIntermediateDirectories: true)
        #expect(throws: DeltaError.notATable(path: lake.lake + "/empty", reason: "it has no _delta_log directory")) {
            try TableDescription.load(try TableLocation.resolve("empty", lakeRoot: lake.lake))
        }
    }

    // MARK: - cat

    @Test("cat a table: all rows, projection, limit, time travel")
    func rows() async throws {
        let lake = try Lake()
        let first = try await lake.dataFile("t", "region=eu/a.parquet", ids: [1, 2, 3], partition: ["region": "eu"])
        let second = try await lake.dataFile("t", "region=us/b.parquet", ids: [4, 5], partition: ["region": "us"])
        try lake.commit("t", 0, [Self.protocol12, try Self.metadata(partitionColumns: ["region"]), .add(first)])
        try lake.commit("t", 1, [.add(second)])
        let location = try TableLocation.resolve("t", lakeRoot: lake.lake)

        let all = try await TableRows.read(location, threads: 2)
        #expect(all.schema.fields.map(\.name) == ["id", "region"])
        #expect(
            Set(Self.rows(all.batches)) == [
                [.integer(1), .string("eu")], [.integer(2), .string("eu")], [.integer(3), .string("eu")],
                [.integer(4), .string("us")], [.integer(5), .string("us")],
            ])
        let projected = try await TableRows.read(location, columns: ["region", "id"], limit: 4)
        #expect(projected.schema.fields.map(\.name) == ["region", "id"])
        #expect(Self.rows(projected.batches).count == 4)
        #expect(try await TableRows.read(location, limit: 0).batches.isEmpty)
        let old = try await TableRows.read(location, version: .version(0))
        #expect(old.snapshot.version == 0 && Self.rows(old.batches).count == 3)
        await #expect(throws: DeltaError.self) { try await TableRows.read(location, columns: ["nope"]) }
        await #expect(throws: DeltaError.self) { try await TableRows.read(location, version: .version(7)) }
    }

    @Test("cat a delta-rs table as of each version: the manifest's row counts")
    func rowsOfConformance() async throws {
        let location = try TableLocation.resolve(Self.partitioned, lakeRoot: "unused")
        let expected = [110, 130, 150, 170, 190, 210, 230, 220, 220, 220]
        for (version, count) in expected.enumerated() {
            let rows = try await TableRows.read(location, version: .version(Int64(version)), columns: ["id"])
            #expect(rows.batches.reduce(0) { $0 + $1.rowCount } == count, "version \(version)")
        }
    }
}
