import LakeColumnar

/// Bytes shared read-only by the tasks parsing one block.
struct SharedBytes: @unchecked Sendable {
    // SAFETY: the buffer belongs to a TextFileReader, which is not touched (no next block is read)
    // until every task parsing this block has finished; the tasks only read it.
    let bytes: UnsafeBufferPointer<UInt8>
}

/// The rows of one block: accepted rows as batches, rejected records with absolute lines.
public struct ParsedBlock: Sendable {
    /// Accepted rows, one batch per chunk (chunks with no accepted rows omitted).
    public var batches: [RecordBatch]
    /// Rejected records, in input order.
    public var rejects: [RejectedRecord]
    /// Records in the block (accepted + rejected).
    public var records: Int
    /// Line breaks in the block.
    public var newlines: Int
}

/// Parses the records of a ``TextFileReader`` into batches of a fixed set of columns, one chunk
/// per task (SPEC.md §2.8, parallelism).
public struct TextBatchReader {
    /// The reader.
    public let reader: TextFileReader
    /// The columns produced, in order.
    public let plans: [ColumnPlan]
    private let chunkParser: ChunkParser
    private let keys: [[UInt8]]
    private let sourceCount: Int

    /// A reader of `reader`'s records as rows of `columns`: each is matched by name to one of
    /// the input's columns (exactly, else ignoring case), or by position for CSV without a
    /// header; one the input lacks is all null.
    public init(reader: TextFileReader, columns: [Field]) {
        self.reader = reader
        let options = reader.options
        var plans: [ColumnPlan] = []
        switch options.format {
        case .csv:
            var exact: [String: Int] = [:]
            var folded: [String: Int] = [:]
            for (index, name) in reader.columnNames.enumerated().reversed() {
                exact[name] = index
                folded[name.lowercased()] = index
            }
            for (index, field) in columns.enumerated() {
                let source: Int?
                if options.header {
                    source = exact[field.name] ?? folded[field.name.lowercased()]
                } else {
                    // Without a header, columns are matched by position.
                    source = index < reader.columnNames.count ? index : nil
                }
                plans.append(ColumnPlan(name: field.name, type: field.type, source: source))
            }
            keys = []
            sourceCount = reader.columnNames.count
        case .jsonLines:
            for (index, field) in columns.enumerated() {
                plans.append(ColumnPlan(name: field.name, type: field.type, source: index))
            }
            keys = columns.map { Array($0.name.utf8) }
            sourceCount = columns.count
        }
        self.plans = plans
        chunkParser = ChunkParser(
            plans: plans, format: options.format, quote: options.quote, nullStrings: options.nullStrings)
    }

    /// The target size of the chunk one task tokenizes and turns into columns.
    static let chunkBytes = 1 << 20

    /// The next block's rows, parsed by up to `options.threads` tasks; `nil` at the end.
    public func next() async throws(IngestError) -> ParsedBlock? {
        let threads = max(reader.options.threads, 1)
        // Chunks of about `chunkBytes`, so a chunk's bytes and field table stay in cache while
        // its columns are built one after another; at least one per thread.
        let parts = max(threads, reader.options.blockSize / Self.chunkBytes)
        guard let block = try reader.nextBlock(parts: parts) else { return nil }
        var ranges: [Range<Int>] = []
        var start = 0
        for cut in block.cuts where cut > start {
            ranges.append(start..<cut)
            start = cut
        }
        let shared = SharedBytes(bytes: block.bytes)
        let file = reader.path
        var chunks: [ParsedChunk]
        if ranges.count <= 1 {
            chunks = ranges.map { parseChunk(shared, $0, file: file) }
        } else {
            chunks = await withTaskGroup(of: (Int, ParsedChunk).self) { group in
                for (index, range) in ranges.enumerated() {
                    group.addTask { (index, self.parseChunk(shared, range, file: file)) }
                }
                var results: [(Int, ParsedChunk)] = []
                for await result in group { results.append(result) }
                return results.sorted { $0.0 < $1.0 }.map(\.1)
            }
        }
        var line = block.firstLine
        var parsed = ParsedBlock(batches: [], rejects: [], records: 0, newlines: 0)
        for chunk in chunks {
            for var reject in chunk.rejects {
                reject.line += line
                parsed.rejects.append(reject)
            }
            if chunk.batch.rowCount > 0 { parsed.batches.append(chunk.batch) }
            parsed.records += chunk.records
            parsed.newlines += chunk.newlines
            line += Int64(chunk.newlines)
        }
        reader.advanceLines(by: parsed.newlines)
        return parsed
    }

    private func parseChunk(_ shared: SharedBytes, _ range: Range<Int>, file: String) -> ParsedChunk {
        let bytes = UnsafeBufferPointer(rebasing: shared.bytes[range])
        let table: FieldTable
        switch reader.options.format {
        case .csv:
            table = CSVTokenizer.tokenize(
                bytes, columnCount: sourceCount, delimiter: reader.options.delimiter, quote: reader.options.quote)
        case .jsonLines:
            var tokenizer = JSONLinesTokenizer(keys: keys, discovering: false)
            table = tokenizer.tokenize(bytes)
        }
        return chunkParser.parse(bytes, table, file: file)
    }
}

extension TextBatchReader: @unchecked Sendable {}
// SAFETY: a TextBatchReader is used by one task at a time (the ingest loop); child tasks only
// read its immutable plans and parser, never the reader's buffer state.
