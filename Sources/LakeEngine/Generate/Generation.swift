import LakeColumnar
import LakeIO
import LakeIngest
import LakeParquet

/// `lake generate`: writes a sample data set as CSV, JSON lines or Parquet (SPEC.md §2.9, §9).
///
/// The output depends only on the data set, row count, seed, format and dirty fraction: batches are
/// generated and encoded on up to ``threads`` tasks at once and written in order, so the bytes are
/// the same for any thread count.
public struct Generation: Sendable {
    /// The output formats.
    public enum Format: String, Sendable, CaseIterable {
        case csv
        case jsonl
        case parquet
    }

    /// What was written.
    public struct Summary: Sendable {
        /// Rows written (dirty ones included).
        public var rows: Int
        /// Rows made bad on purpose.
        public var dirtyRows: Int
        /// Bytes written.
        public var bytes: Int
    }

    /// The data set.
    public var dataset: SampleDataSetName
    /// Rows to write.
    public var rows: Int
    /// The seed.
    public var seed: UInt64
    /// The output format.
    public var format: Format
    /// The fraction of rows to spoil (text formats only), 0…1.
    public var dirtyFraction: Double
    /// Tasks that generate and encode batches at once.
    public var threads: Int
    /// Rows per batch.
    public var batchRows: Int

    /// Rows per batch by default: large enough to amortize the per-batch work, small enough to
    /// keep `threads` batches of text in flight in a few MiB each.
    public static let defaultBatchRows = 65_536

    /// A generation of `rows` rows of `dataset`.
    public init(
        dataset: SampleDataSetName, rows: Int, seed: UInt64, format: Format, dirtyFraction: Double = 0,
        threads: Int = 1, batchRows: Int = Generation.defaultBatchRows
    ) {
        self.dataset = dataset
        self.rows = rows
        self.seed = seed
        self.format = format
        self.dirtyFraction = dirtyFraction
        self.threads = max(1, threads)
        self.batchRows = max(1, batchRows)
    }

    /// Checks the request before anything is written.
    public func validate() throws(GenerateError) {
        if rows < 0 { throw .negativeRowCount(rows) }
        if !(0...1).contains(dirtyFraction) { throw .dirtyFractionOutOfRange(dirtyFraction) }
        if format == .parquet && dirtyFraction > 0 { throw .dirtyParquet }
    }

    /// Writes the text output (CSV or JSON lines), handing each piece to `sink` in order.
    public func writeText(to sink: (ContiguousArray<UInt8>) throws -> Void) async throws -> Summary {
        try validate()
        precondition(format != .parquet, "Parquet is written with writeParquet(path:)")
        let generator = dataset.makeGenerator(rowCount: rows, seed: seed)
        let textFormat: TextRowEncoder.Format = format == .csv ? .csv : .jsonl
        let dirty = DirtyRows(
            rowCount: rows, fraction: dirtyFraction, seed: seed, schema: generator.schema,
            format: format == .csv ? .csv : .jsonl)
        let header = TextRowEncoder(schema: generator.schema, format: textFormat).header
        var bytes = header.count
        if !header.isEmpty { try sink(header) }
        let batchRows = self.batchRows
        let rows = self.rows
        let schema = generator.schema
        try await forEachBatchInOrder {
            TextWorkspace(encoder: TextRowEncoder(schema: schema, format: textFormat))
        } make: { index, workspace in
            let range = (index * batchRows)..<min((index + 1) * batchRows, rows)
            workspace.encoder.encode(generator.batch(range))
            workspace.text.removeAll(keepingCapacity: true)
            Self.appendText(of: range, encoder: workspace.encoder, dirty: dirty, to: &workspace.text)
        } consume: { workspace in
            bytes += workspace.text.count
            try sink(workspace.text)
        }
        return Summary(rows: rows, dirtyRows: dirty.count, bytes: bytes)
    }

    /// Writes a zstd Parquet file at `path`, which must not exist (SPEC.md §5 defaults).
    public func writeParquet(path: String, options: ParquetWriterOptions = ParquetWriterOptions()) async throws
        -> Summary
    {
        try validate()
        let generator = dataset.makeGenerator(rowCount: rows, seed: seed)
        var options = options
        options.threads = threads
        let writer = try ParquetFileWriter(path: path, schema: generator.schema, options: options)
        let batchRows = self.batchRows
        let rows = self.rows
        do {
            try await forEachBatchInOrder {
                generator.batch(0..<0)
            } make: { index, batch in
                batch = generator.batch((index * batchRows)..<min((index + 1) * batchRows, rows))
            } consume: { batch in
                try await writer.write(batch)
            }
            let summary = try await writer.close()
            return Summary(rows: rows, dirtyRows: 0, bytes: summary.fileSize)
        } catch {
            writer.abort()
            throw error
        }
    }

    /// Makes batch `0..<batchCount` with `make` on up to ``threads`` tasks and hands each result to
    /// `consume` in batch order.
    ///
    /// Each task fills a workspace; once consumed, the workspace goes back to a pool and the next
    /// task reuses its buffers, so steady state allocates (and page-faults) no new text buffers.
    private func forEachBatchInOrder<Workspace: Sendable>(
        makeWorkspace: () -> Workspace, make: @escaping @Sendable (Int, inout Workspace) -> Void,
        consume: (Workspace) async throws -> Void
    ) async throws {
        let batchCount = (rows + batchRows - 1) / batchRows
        guard batchCount > 0 else { return }
        let inFlight = threads
        try await withThrowingTaskGroup(of: (Int, Workspace).self) { group in
            var next = 0
            var nextToConsume = 0
            var done: [Int: Workspace] = [:]
            var pool: [Workspace] = []
            func start() {
                let index = next
                let workspace = pool.popLast() ?? makeWorkspace()
                group.addTask {
                    var workspace = workspace
                    make(index, &workspace)
                    return (index, workspace)
                }
                next += 1
            }
            while next < min(inFlight, batchCount) { start() }
            while let (index, workspace) = try await group.next() {
                done[index] = workspace
                while let ready = done.removeValue(forKey: nextToConsume) {
                    try Task.checkCancellation()
                    try await consume(ready)
                    pool.append(ready)
                    nextToConsume += 1
                    if next < batchCount { start() }
                }
            }
        }
    }

    /// Appends the text of rows `range` (encoded in `encoder`, row 0 = `range.lowerBound`) to
    /// `output`, with the dirty rows spoiled.
    static func appendText(
        of range: Range<Int>, encoder: TextRowEncoder, dirty: DirtyRows, to output: inout ContiguousArray<UInt8>
    ) {
        var clean = 0
        for row in dirty.rows(in: range) {
            let local = row.row - range.lowerBound
            encoder.appendRows(clean..<local, to: &output)
            DirtyText.append(row, local: local, encoder: encoder, to: &output)
            clean = local + 1
        }
        encoder.appendRows(clean..<range.count, to: &output)
    }
}

/// One task's buffers for a batch of text: the encoder's arena and the batch's text.
struct TextWorkspace: Sendable {
    var encoder: TextRowEncoder
    var text = ContiguousArray<UInt8>()
}

/// Spells one dirty row (SPEC.md §9.4).
enum DirtyText {
    /// Appends the line of `row` (row `local` of the encoder's batch) spoiled as its kind says.
    static func append(
        _ row: DirtyRow, local: Int, encoder: TextRowEncoder, to output: inout ContiguousArray<UInt8>
    ) {
        let columnCount = encoder.schema.fields.count
        let json = encoder.format == .jsonl
        let replacement = replacementText(row, encoder: encoder, local: local)
        var line = ContiguousArray<UInt8>()
        let lastColumn = row.kind == .missingField ? columnCount - 1 : columnCount
        for column in 0..<lastColumn {
            if json {
                line.append(contentsOf: encoder.key(column: column))
            } else if column > 0 {
                line.append(UInt8(ascii: ","))
            }
            if column == row.column, let replacement {
                line.append(contentsOf: replacement)
            } else {
                line.append(contentsOf: encoder.value(column: column, row: local))
            }
        }
        if row.kind == .extraField { line.append(contentsOf: ",extra".utf8) }
        if json { line.append(UInt8(ascii: "}")) }
        if row.kind == .truncatedLine {
            // Cut at a character boundary somewhere in the first half: never a whole object.
            var cut = max(1, line.count / 2 - row.variant % max(1, line.count / 4))
            while cut > 1 && line[cut] & 0xC0 == 0x80 { cut -= 1 }
            line.removeSubrange(cut...)
        }
        output.append(contentsOf: line)
        output.append(10)
    }

    /// The bad text that replaces the value of `row.column`, or `nil` for kinds that spoil the shape.
    private static func replacementText(_ row: DirtyRow, encoder: TextRowEncoder, local: Int)
        -> ContiguousArray<UInt8>?
    {
        let json = encoder.format == .jsonl
        switch row.kind {
        case .badNumber:
            return ContiguousArray(row.pick(DirtyKind.badNumbers).utf8)
        case .badTimestamp:
            let isDate = encoder.schema.fields[row.column].type == .date
            let text = row.pick(isDate ? DirtyKind.badDates : DirtyKind.badTimestamps)
            return ContiguousArray((json ? "\"" + text + "\"" : text).utf8)
        case .wrongType:
            return ContiguousArray(row.pick(DirtyKind.wrongTypes).utf8)
        case .badQuoting:
            let value = encoder.value(column: row.column, row: local)
            if json {
                // `"amsterdam"` → `"am"sterdam"`: a quote that ends the string too early.
                guard value.count >= 4, value.first == UInt8(ascii: "\"") else {
                    return ContiguousArray(#""bad"quote""#.utf8)
                }
                var text = ContiguousArray(value)
                text.insert(UInt8(ascii: "\""), at: 3)
                return text
            }
            // `amsterdam` → `"amsterdam"x`: text after the closing quote.
            let plain =
                !value.isEmpty
                && !value.contains { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: ",") || $0 == 10 || $0 == 13 }
            var text = ContiguousArray<UInt8>()
            text.append(UInt8(ascii: "\""))
            text.append(contentsOf: plain ? ContiguousArray(value) : ContiguousArray("bad".utf8))
            text.append(contentsOf: "\"x".utf8)
            return text
        case .missingField, .extraField, .truncatedLine:
            return nil
        }
    }
}
