import LakeColumnar
import LakeExecution
import LakeIngest

/// CSV and JSON-lines files read in place by `lake query` (SPEC.md §8.1): `'x.csv'`, `'x.tsv'`,
/// `'x.jsonl'`, `'x.ndjson'`, globs of them, and `read_csv(…)`, `read_json(…)`.
///
/// The columns are inferred from a sample of every file exactly as `lake ingest` infers them
/// (§2.8); a record that does not fit them is an error naming the file, line and column, as
/// `lake ingest --on-error fail` reports it. Each file is one unit of parallel work.
public struct TextQueryFormat: QueryFileFormat {
    /// CSV or JSON lines.
    public let format: TextFormat
    /// Parsing threads per file.
    public let threads: Int

    /// The formats `lake query` reads in place.
    public static func all(threads: Int) -> [any QueryFileFormat] {
        [TextQueryFormat(format: .csv, threads: threads), TextQueryFormat(format: .jsonLines, threads: threads)]
    }

    public var extensions: [String] { format == .csv ? ["csv", "tsv"] : ["jsonl", "ndjson", "json"] }

    public var functionNames: [String] {
        format == .csv ? ["read_csv", "read_csv_auto"] : ["read_json", "read_json_auto", "read_ndjson"]
    }

    func options(for path: String) -> TextReadOptions {
        var options = TextReadOptions(format: format)
        options.threads = threads
        if format == .csv && path.lowercased().hasSuffix(".tsv") { options.delimiter = 0x09 }
        return options
    }

    public func schema(of paths: [String]) throws -> Schema {
        var inferred = TextSchema.Inferred()
        for path in paths { inferred.add(try TextFileReader(path: path, options: options(for: path))) }
        let fields = try TextSchema.resolve(
            inferred: inferred, declared: [], table: nil, mode: .strict, tableName: paths.first ?? "-", positional: false)
        return Schema(fields)
    }

    public func source(paths: [String], schema: Schema, columns: [Int]) throws -> any BatchSource {
        TextFileSource(format: self, paths: paths, fileSchema: schema, columns: columns)
    }
}

/// The rows of text files, one partition per file.
struct TextFileSource: BatchSource {
    let format: TextQueryFormat
    let paths: [String]
    /// Every column of the files (JSON records must fit all of them), and the ones the query reads.
    let fileSchema: Schema
    let columns: [Int]

    var schema: Schema { Schema(columns.map { fileSchema.fields[$0] }) }

    var partitionCount: Int { paths.count }

    var summary: String {
        "\(format.format == .csv ? "CSV" : "JSON lines") \(paths.count == 1 ? paths[0] : "\(paths.count) files")"
    }

    func read(partition: Int) async throws -> [RecordBatch] {
        let path = paths[partition]
        let reader = try TextFileReader(path: path, options: format.options(for: path))
        let batches = TextBatchReader(reader: reader, columns: fileSchema.fields)
        let schema = self.schema
        var result: [RecordBatch] = []
        while let block = try await batches.next() {
            if let first = block.rejects.first {
                throw EngineError.badInputRecord(file: first.file, line: first.line, column: first.column, reason: first.reason)
            }
            for batch in block.batches where batch.rowCount > 0 {
                result.append(RecordBatch(schema: schema, columns: columns.map { batch.columns[$0] }, rowCount: batch.rowCount))
            }
        }
        return result
    }
}
