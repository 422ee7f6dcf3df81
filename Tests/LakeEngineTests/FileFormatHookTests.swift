import LakeColumnar
import LakeEngine
import LakeExecution
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A stand-in for the ingestion readers: one integer per line.
struct LinesFormat: QueryFileFormat {
    var extensions: [String] { ["csv"] }
    var functionNames: [String] { ["read_csv"] }

    func schema(of paths: [String]) throws -> Schema { Schema([Field("x", .int64), Field("label", .string)]) }

    func source(paths: [String], schema: Schema, columns: [Int]) throws -> any BatchSource {
        var values: [Int64] = []
        for path in paths {
            for line in try readText(path).split(separator: "\n") { values.append(Int64(line) ?? 0) }
        }
        let full = [Column.int64(PrimitiveColumn(values: ContiguousArray(values))), Column.string(StringColumn(values.map { "v\($0)" }))]
        let projected = Schema(columns.map { schema.fields[$0] })
        return Batches(
            schema: projected,
            batch: RecordBatch(schema: projected, columns: columns.map { full[$0] }, rowCount: values.count))
    }

    struct Batches: BatchSource {
        let schema: Schema
        let batch: RecordBatch
        var partitionCount: Int { 1 }
        func read(partition: Int) async throws -> [RecordBatch] { [batch] }
        var summary: String { "lines" }
    }
}

@Suite("Query file-format hook")
struct FileFormatHookTests {
    @Test("a registered format reads quoted paths and its table functions; without it, a clear error")
    func hook() async throws {
        var template = Array("/tmp/lake-format-XXXXXX".utf8CString)
        let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        let path = directory + "/numbers.csv"
        let handle = try #require(fopen(path, "w"))
        fputs("1\n2\n3\n", handle)
        fclose(handle)
        let engine = QueryEngine(lakeRoot: directory, threads: 2, fileFormats: [LinesFormat()])
        let sum = try await engine.run("SELECT sum(x), max(label) FROM '\(path)' WHERE x > 1")
        #expect(sum.last?.batches.first?.columns[0].scalar(at: 0) == .integer(5))
        #expect(sum.last?.batches.first?.columns[1].scalar(at: 0) == .string("v3"))
        let function = try await engine.run("SELECT count(*) FROM read_csv('\(path)')")
        #expect(function.last?.batches.first?.columns[0].scalar(at: 0) == .integer(3))
        await #expect(throws: (any Error).self) {
            _ = try await QueryEngine(lakeRoot: directory, threads: 1, fileFormats: []).run("SELECT * FROM '\(path)'")
        }
    }
}
