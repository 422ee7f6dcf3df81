import Foundation
import LakeColumnar
import Testing

@testable import LakeParquet

/// `readRowGroup(_:columns:rows:)`: pages outside the rows are skipped, and the result equals the
/// whole row group cut to the rows, for flat, nullable, string, dictionary and nested columns.
@Suite("Row-range reads")
struct RowRangeReadTests {
    static let rows = 2_000

    /// A file of two 1,000-row row groups, pages of at most 100 rows.
    static func writeFile(dataPageVersion: Int) async throws -> String {
        let count = rows
        let ids = Column.int64(PrimitiveColumn(values: ContiguousArray((0..<Int64(count)))))
        let sparse = Column.int32(
            PrimitiveColumn(
                values: ContiguousArray((0..<Int32(count)).map { $0 % 7 == 0 ? 0 : $0 }),
                validity: ValidityBitmap((0..<count).map { $0 % 7 != 0 })))
        let names = Column.string(StringColumn((0..<count).map { "name \($0 % 13) \(String(repeating: "x", count: $0 % 5))" }))
        var offsets = ContiguousArray<Int32>([0])
        var elements = ContiguousArray<Int64>()
        for row in 0..<count {
            for element in 0..<(row % 3) { elements.append(Int64(row * 10 + element)) }
            offsets.append(Int32(elements.count))
        }
        let lists = Column.list(
            ListColumn(element: Field("element", .int64), offsets: offsets, elements: .int64(PrimitiveColumn(values: elements))))
        let schema = Schema([
            Field("id", .int64, isNullable: false), Field("sparse", .int32), Field("name", .string),
            Field("items", lists.dataType),
        ])
        let path = NSTemporaryDirectory() + "lake-row-range-\(UUID().uuidString).parquet"
        var options = ParquetWriterOptions()
        options.maxPageRows = 100
        options.maxRowGroupRows = 1_000
        options.dataPageVersion = dataPageVersion
        let writer = try ParquetFileWriter(path: path, schema: schema, options: options)
        try await writer.write(RecordBatch(schema: schema, columns: [ids, sparse, names, lists], rowCount: count))
        _ = try await writer.close()
        return path
    }

    @Test("equals the whole row group cut to the rows", arguments: [1, 2])
    func matchesSlice(dataPageVersion: Int) async throws {
        let path = try await Self.writeFile(dataPageVersion: dataPageVersion)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try ParquetFileReader(path: path)
        #expect(reader.rowGroupCount == 2)
        for group in 0..<2 {
            let whole = try reader.readRowGroup(group)
            for rows in [0..<1, 99..<101, 100..<200, 550..<551, 0..<1_000, 999..<1_000, 500..<500, 250..<740] {
                let part = try reader.readRowGroup(group, rows: rows)
                #expect(part.rowCount == rows.count)
                #expect(part.columns == whole.slice(rows).columns, "row group \(group), rows \(rows)")
                let some = try reader.readRowGroup(group, columns: [2, 0], rows: rows)
                #expect(some.columns == [whole.columns[2].slice(rows), whole.columns[0].slice(rows)])
            }
        }
        #expect(throws: ParquetError.self) { try reader.readRowGroup(0, rows: 900..<1_001) }
    }
}
