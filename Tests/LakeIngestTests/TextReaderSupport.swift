import Foundation
import LakeColumnar
import Testing

@testable import LakeIngest

/// Reads text through the ingest path (sample, infer, parse blocks) for tests.
struct TextRead {
    var names: [String] = []
    var types: [DataType] = []
    var rows: [[ScalarValue]] = []
    var rejects: [RejectedRecord] = []
    var records = 0
    var warnings: [String] = []

    var accepted: Int { rows.count }

    /// Writes `bytes` to a temporary file and reads it with `configure`d options.
    static func read(
        _ bytes: [UInt8], format: TextFormat = .csv, name: String = "input", schema: [Field] = [],
        configure: (inout TextReadOptions) -> Void = { _ in }
    ) async throws -> TextRead {
        let path = FileManager.default.temporaryDirectory.path + "/lake-ingest-\(UInt64.random(in: 0...UInt64.max))-"
            + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = TextReadOptions(format: format)
        configure(&options)
        let sampler = try TextFileReader(path: path, options: options)
        var inferred = TextSchema.Inferred()
        inferred.add(sampler)
        let columns = try TextSchema.resolve(
            inferred: inferred, declared: schema, table: nil, mode: .strict, tableName: "t",
            positional: format == .csv && !options.header)
        let reader = try TextFileReader(path: path, options: options)
        let batches = TextBatchReader(reader: reader, columns: columns)
        var result = TextRead()
        result.names = columns.map(\.name)
        result.types = columns.map(\.type)
        result.warnings = sampler.warnings
        var blocks: [ParsedBlock] = []
        while let block = try await batches.next() { blocks.append(block) }
        for block in blocks {
            result.records += block.records
            result.rejects += block.rejects
            for batch in block.batches {
                for row in 0..<batch.rowCount { result.rows.append(batch.columns.map { $0.scalar(at: row) }) }
            }
        }
        return result
    }

    static func read(
        _ text: String, format: TextFormat = .csv, schema: [Field] = [],
        configure: (inout TextReadOptions) -> Void = { _ in }
    ) async throws -> TextRead {
        try await read(Array(text.utf8), format: format, schema: schema, configure: configure)
    }
}
