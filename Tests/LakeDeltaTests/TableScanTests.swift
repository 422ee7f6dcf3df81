import Foundation
import LakeColumnar
import Testing

@testable import LakeDelta

@Suite("Table scans")
struct TableScanTests {
    static func batch(_ ids: [Int64], names: [String?]? = nil) -> RecordBatch {
        var fields = [Field("id", .int64)]
        var columns: [Column] = [.int64(PrimitiveColumn(values: ContiguousArray(ids)))]
        if let names {
            fields.append(Field("name", .string))
            columns.append(.string(StringColumn(names)))
        }
        return RecordBatch(schema: Schema(fields), columns: columns)
    }

    static func rows(_ batches: [RecordBatch]) -> [[ScalarValue]] {
        batches.flatMap { batch in (0..<batch.rowCount).map { row in batch.columns.map { $0.scalar(at: row) } } }
    }

    @Test("fills typed partition columns, missing columns and void columns; projects in the asked order")
    func partitionsAndEvolution() async throws {
        let fixture = try TableFixture()
        let tableSchema = Schema([
            Field("id", .int64), Field("name", .string), Field("day", .date), Field("region", .string),
            Field("ts", .timestamp),
        ])
        let partitions = ["day", "region", "ts"]
        let old = try await fixture.dataFile(
            "day=2024-01-05/region=eu%20west%2F1/ts=x/old.parquet", Self.batch([1, 2]),
            partitionValues: ["day": "2024-01-05", "region": "eu west/1", "ts": "2024-01-05 10:00:00"])
        let new = try await fixture.dataFile(
            "day=__HIVE_DEFAULT_PARTITION__/new.parquet", Self.batch([3], names: ["c"]),
            partitionValues: ["day": nil, "region": "", "ts": "2024-01-05T10:00:00.5Z"])
        try fixture.commit(
            0,
            [
                TableFixture.protocol12,
                try TableFixture.metadata(
                    Schema(Array(tableSchema.fields.prefix(1)) + tableSchema.fields.dropFirst(2)),
                    partitionColumns: partitions),
                .add(old),
            ])
        try fixture.commit(1, [try TableFixture.metadata(tableSchema, partitionColumns: partitions), .add(new)])
        let snapshot = try Snapshot.load(table: fixture.root)
        let scan = try TableScan(snapshot: snapshot)
        #expect(scan.schema == tableSchema)
        let batches = try await scan.read(threads: 2)
        let micros: Int64 = 1_704_448_800_000_000
        #expect(
            Set(Self.rows(batches)) == [
                [.integer(1), .null, .date(19727), .string("eu west/1"), .timestamp(micros)],
                [.integer(2), .null, .date(19727), .string("eu west/1"), .timestamp(micros)],
                [.integer(3), .string("c"), .null, .null, .timestamp(micros + 500_000)],
            ])
        #expect(try scan.countRows() == 3)

        let projected = try TableScan(snapshot: snapshot, columns: ["region", "id"])
        #expect(projected.schema.fields.map(\.name) == ["region", "id"])
        #expect(
            Set(Self.rows(try await projected.read())) == [
                [.string("eu west/1"), .integer(1)], [.string("eu west/1"), .integer(2)], [.null, .integer(3)],
            ])

        // Only partition columns: no data column is decoded, rows still counted.
        let partitionOnly = try await TableScan(snapshot: snapshot, columns: ["day"]).read()
        #expect(partitionOnly.reduce(0) { $0 + $1.rowCount } == 3)

        #expect(
            throws: DeltaError.invalidRequest(
                table: fixture.root, reason: "no column named 'nope'; the columns are: id, name, day, region, ts")
        ) {
            try TableScan(snapshot: snapshot, columns: ["nope"])
        }
    }

    @Test("a void column reads as nulls; an older file's narrower type is widened")
    func voidAndWidening() async throws {
        let fixture = try TableFixture()
        let narrow = RecordBatch(
            schema: Schema([Field("id", .int32), Field("score", .float32)]),
            columns: [.int32(PrimitiveColumn(values: [1, 2])), .float32(PrimitiveColumn(values: [0.5, 1.5]))])
        let file = try await fixture.dataFile("part-0.parquet", narrow)
        let schemaString = #"""
            {"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},{"name":"score","type":"double","nullable":true,"metadata":{}},{"name":"nothing","type":"void","nullable":true,"metadata":{}}]}
            """#
        try fixture.commit(
            0, [TableFixture.protocol12, .metadata(TableMetadata(id: "x", schemaString: schemaString)), .add(file)])
        let batches = try await TableScan(snapshot: try Snapshot.load(table: fixture.root)).read()
        #expect(Self.rows(batches) == [[.integer(1), .float(0.5), .null], [.integer(2), .float(1.5), .null]])
        #expect(batches.first?.schema.fields.map(\.type) == [.int64, .float64, .string])
    }

    @Test("a file stored as an incompatible type is an error naming the file and column")
    func typeMismatch() async throws {
        let fixture = try TableFixture()
        let file = try await fixture.dataFile("part-0.parquet", Self.batch([1]))
        try fixture.commit(
            0, [TableFixture.protocol12, try TableFixture.metadata(Schema([Field("id", .string)])), .add(file)])
        await #expect(
            throws: DeltaError.typeMismatch(
                path: fixture.root + "/part-0.parquet", column: "id", expected: "STRING", found: "INT64")
        ) {
            try await TableScan(snapshot: try Snapshot.load(table: fixture.root)).read()
        }
    }

    @Test("refuses paths outside the table root, reports missing files and bad partition values")
    func badFiles() async throws {
        let fixture = try TableFixture()
        try fixture.commit(
            0,
            [
                TableFixture.protocol12,
                try TableFixture.metadata(Schema([Field("id", .int64), Field("p", .int32)]), partitionColumns: ["p"]),
            ])
        for path in ["../outside.parquet", "a/../../outside.parquet", "/etc/passwd", "s3://bucket/x.parquet"] {
            try fixture.commit(
                1, [.add(AddFile(path: path, partitionValues: ["p": "1"], size: 1, modificationTime: 0))])
            await #expect(throws: DeltaError.self, "\(path)") {
                try await TableScan(snapshot: try Snapshot.load(table: fixture.root)).read()
            }
        }
        try fixture.commit(
            1, [.add(AddFile(path: "gone.parquet", partitionValues: ["p": "1"], size: 1, modificationTime: 0))])
        await #expect(
            throws: DeltaError.missingDataFile(table: fixture.root, path: fixture.root + "/gone.parquet", version: 1)
        ) {
            try await TableScan(snapshot: try Snapshot.load(table: fixture.root)).read()
        }
        var file = try await fixture.dataFile("p=x/part.parquet", Self.batch([1]))
        file.partitionValues = ["p": "x"]
        try fixture.commit(1, [.add(file)])
        await #expect(
            throws: DeltaError.invalidPartitionValue(table: fixture.root, column: "p", value: "x", type: "INT32")
        ) {
            try await TableScan(snapshot: try Snapshot.load(table: fixture.root)).read()
        }
    }
}
