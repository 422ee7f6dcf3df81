import LakeColumnar
import LakeCompression
import LakeIO

/// Reads a Parquet file into record batches: one batch per row group, only the columns asked for.
///
/// Opening reads and validates the footer and converts the schema (SPEC.md §4); nothing else is
/// read until a row group is. Every defect is reported as a ``ParquetError`` naming the file,
/// column, row group and byte offset — never a crash.
///
/// ```swift
/// let reader = try ParquetFileReader(path: "lineitem.parquet")
/// let batch = try reader.readRowGroup(0, columns: reader.columnIndices(named: ["l_orderkey"]))
/// ```
public final class ParquetFileReader: Sendable {
    /// The path the file was opened with.
    public let path: String
    let file: RandomAccessFile
    /// The decoded footer.
    package let metadata: FileMetaData
    /// The file's schema: lake fields, normalized tree and leaf columns.
    package let parquetSchema: ParquetSchema
    /// For each top-level column, the leaf columns below it.
    private let leavesOfRoot: [[Int]]
    /// The most level entries (values and nulls) decoded from one column chunk.
    package let maxLevelsPerChunk: Int

    /// Opens `path` and reads its footer.
    public convenience init(path: String) throws(ParquetError) {
        let file: RandomAccessFile
        do throws(StorageError) {
            file = try RandomAccessFile(path: path)
        } catch {
            throw .storage(error)
        }
        try self.init(file: file)
    }

    /// Reads the footer of an open file.
    public convenience init(file: RandomAccessFile) throws(ParquetError) {
        try self.init(file: file, maxLevelsPerChunk: .max)
    }

    /// Reads the footer of an open file, refusing to decode more than `maxLevelsPerChunk` level
    /// entries from any one column chunk.
    ///
    /// Without a limit, a few bytes of RLE may stand for billions of values (SPEC.md §4.5); the
    /// fuzzer sets one so that only allocations the file's bytes cannot back show up as bugs. A
    /// chunk over the limit fails with ``ParquetError/unsupported(path:feature:)``.
    package init(file: RandomAccessFile, maxLevelsPerChunk: Int) throws(ParquetError) {
        self.path = file.path
        self.maxLevelsPerChunk = maxLevelsPerChunk
        self.file = file
        let metadata = try ParquetFooter.read(file)
        let schema: ParquetSchema
        do {
            schema = try ParquetSchema(elements: metadata.schema)
        } catch {
            switch error {
            case .unsupported(let feature): throw .unsupported(path: file.path, feature: feature)
            case .corrupt(let reason): throw .corruptFooter(path: file.path, reason: "schema: \(reason)")
            }
        }
        try ParquetFooter.validate(metadata, path: file.path)
        self.metadata = metadata
        self.parquetSchema = schema
        self.leavesOfRoot = schema.roots.map { root in
            var leaves: [Int] = []
            Self.collectLeaves(root, into: &leaves)
            return leaves
        }
    }

    private static func collectLeaves(_ node: SchemaNode, into leaves: inout [Int]) {
        switch node.kind {
        case .leaf(let column): leaves.append(column)
        case .struct(let children): for child in children { collectLeaves(child, into: &leaves) }
        case .list(let element, _, _): collectLeaves(element, into: &leaves)
        case .map(let key, let value, _, _):
            collectLeaves(key, into: &leaves)
            collectLeaves(value, into: &leaves)
        }
    }

    /// The file's columns as lake fields.
    public var schema: Schema { parquetSchema.lakeSchema }

    /// The number of row groups.
    public var rowGroupCount: Int { metadata.rowGroups.count }

    /// The number of rows in all row groups (the footer's `num_rows` is not trusted).
    public var rowCount: Int { metadata.rowGroups.reduce(0) { $0 + Int($1.numRows) } }

    /// The number of rows in row group `index`.
    public func rowCount(ofRowGroup index: Int) -> Int { Int(metadata.rowGroups[index].numRows) }

    /// The `created_by` string of the writer, if recorded.
    public var createdBy: String? { metadata.createdBy }

    /// The indices of the top-level columns named `names`, in that order.
    ///
    /// - Throws: ``ParquetError/invalidRequest(path:reason:)`` naming the unknown column and the valid ones.
    public func columnIndices(named names: [String]) throws(ParquetError) -> [Int] {
        var indices: [Int] = []
        for name in names {
            guard let index = schema.index(of: name) else {
                let valid = schema.fields.map(\.name).joined(separator: ", ")
                throw .invalidRequest(path: path, reason: "no column named '\(name)'; the columns are: \(valid)")
            }
            indices.append(index)
        }
        return indices
    }

    /// Reads row group `index`, decoding only the top-level columns `columns` (all when `nil`).
    public func readRowGroup(_ index: Int, columns: [Int]? = nil) throws(ParquetError) -> RecordBatch {
        let roots = try checkedRoots(columns)
        guard index >= 0, index < rowGroupCount else {
            throw .invalidRequest(path: path, reason: "row group \(index) does not exist (the file has \(rowGroupCount))")
        }
        let decompressor = Decompressor()
        var leaves = [DecodedLeaf?](repeating: nil, count: parquetSchema.columns.count)
        for root in roots {
            for leaf in leavesOfRoot[root] {
                leaves[leaf] = try chunkReader(rowGroup: index, leaf: leaf).read(from: file, decompressor: decompressor)
            }
        }
        return try assemble(rowGroup: index, roots: roots, leaves: leaves)
    }

    /// Reads rows `rows` of row group `index` in the top-level columns `columns` (all when `nil`).
    ///
    /// A flat column's data pages wholly outside `rows` are neither decompressed nor decoded (a
    /// point lookup decodes about one page per column instead of the whole row group); other
    /// columns are decoded whole and cut. SPEC.md §8.4.
    public func readRowGroup(_ index: Int, columns: [Int]? = nil, rows: Range<Int>) throws(ParquetError) -> RecordBatch {
        let roots = try checkedRoots(columns)
        guard index >= 0, index < rowGroupCount else {
            throw .invalidRequest(path: path, reason: "row group \(index) does not exist (the file has \(rowGroupCount))")
        }
        let rowCount = self.rowCount(ofRowGroup: index)
        guard rows.lowerBound >= 0, rows.upperBound <= rowCount else {
            throw .invalidRequest(path: path, reason: "rows \(rows) lie outside row group \(index) (\(rowCount) rows)")
        }
        let decompressor = Decompressor()
        var columnsRead: [Column] = []
        for root in roots {
            var leaves = [DecodedLeaf?](repeating: nil, count: parquetSchema.columns.count)
            var first = 0
            var decodedRows = rowCount
            let flat = leavesOfRoot[root].count == 1 && parquetSchema.columns[leavesOfRoot[root][0]].maxRepetitionLevel == 0
            for leaf in leavesOfRoot[root] {
                let (decoded, firstRow) = try chunkReader(rowGroup: index, leaf: leaf).read(
                    from: file, decompressor: decompressor, rows: flat ? rows : nil)
                leaves[leaf] = decoded
                if flat {
                    first = firstRow
                    decodedRows = decoded.levelCount
                }
            }
            guard first <= rows.lowerBound, first + decodedRows >= rows.upperBound else {
                throw .corruptColumn(
                    path: path, column: parquetSchema.roots[root].field.name, rowGroup: index, offset: nil,
                    reason: "its pages hold rows \(first)..<\(first + decodedRows), not \(rows)")
            }
            let assembled = try assemble(rowGroup: index, roots: [root], leaves: leaves, rowCount: decodedRows)
            columnsRead.append(assembled.columns[0].slice((rows.lowerBound - first)..<(rows.upperBound - first)))
        }
        let fields = roots.map { parquetSchema.roots[$0].field }
        return RecordBatch(schema: Schema(fields), columns: columnsRead, rowCount: rows.count)
    }

    /// Reads every row group, decoding column chunks on up to `threads` tasks at once.
    ///
    /// Each (row group, column) chunk is one unit of work, so two threads stay busy even when a
    /// file has a single row group. Batches are returned in row-group order.
    public func readAll(columns: [Int]? = nil, threads: Int) async throws(ParquetError) -> [RecordBatch] {
        let roots = try checkedRoots(columns)
        let leafIndices = roots.flatMap { leavesOfRoot[$0] }
        let units = (0..<rowGroupCount).flatMap { group in leafIndices.map { (group, $0) } }
        var decoded = [[DecodedLeaf?]](
            repeating: [DecodedLeaf?](repeating: nil, count: parquetSchema.columns.count), count: rowGroupCount)
        let readers = units.map { chunkReader(rowGroup: $0.0, leaf: $0.1) }
        let file = self.file
        let result = await withTaskGroup(of: (Int, Result<DecodedLeaf, ParquetError>).self) { group in
            var next = 0
            var failure: ParquetError?
            func start() {
                let unit = next
                let reader = readers[unit]
                group.addTask {
                    do throws(ParquetError) {
                        return (unit, .success(try reader.read(from: file, decompressor: Decompressor())))
                    } catch {
                        return (unit, .failure(error))
                    }
                }
                next += 1
            }
            while next < units.count && next < max(1, threads) { start() }
            while let (unit, outcome) = await group.next() {
                switch outcome {
                case .success(let leaf): decoded[units[unit].0][units[unit].1] = leaf
                case .failure(let error):
                    if failure == nil { failure = error }
                    group.cancelAll()
                }
                if failure == nil, next < units.count { start() }
            }
            return failure
        }
        if let result { throw result }
        var batches: [RecordBatch] = []
        batches.reserveCapacity(rowGroupCount)
        for group in 0..<rowGroupCount {
            batches.append(try assemble(rowGroup: group, roots: roots, leaves: decoded[group]))
        }
        return batches
    }

    private func checkedRoots(_ columns: [Int]?) throws(ParquetError) -> [Int] {
        guard let columns else { return Array(0..<parquetSchema.roots.count) }
        for column in columns where column < 0 || column >= parquetSchema.roots.count {
            throw .invalidRequest(path: path, reason: "column \(column) does not exist (the file has \(parquetSchema.roots.count))")
        }
        return columns
    }

    private func chunkReader(rowGroup: Int, leaf: Int) -> ColumnChunkReader {
        let group = metadata.rowGroups[rowGroup]
        return ColumnChunkReader(
            path: path, descriptor: parquetSchema.columns[leaf], metadata: group.columns[leaf].metaData!,
            rowGroup: rowGroup, rowCount: Int(group.numRows), maxLevels: maxLevelsPerChunk)
    }

    private func assemble(rowGroup: Int, roots: [Int], leaves: [DecodedLeaf?], rowCount: Int? = nil) throws(ParquetError)
        -> RecordBatch
    {
        let rowCount = rowCount ?? Int(metadata.rowGroups[rowGroup].numRows)
        do {
            let columns = try RecordAssembly.assemble(
                schema: parquetSchema, rootIndices: roots, leaves: leaves, rowCount: rowCount)
            let fields = roots.map { parquetSchema.roots[$0].field }
            return RecordBatch(schema: Schema(fields), columns: columns, rowCount: rowCount)
        } catch {
            let column = roots.map { parquetSchema.roots[$0].field.name }.joined(separator: ", ")
            let reason: String
            switch error {
            case .corrupt(let text), .unsupported(let text): reason = text
            }
            throw .corruptColumn(path: path, column: column, rowGroup: rowGroup, offset: nil, reason: reason)
        }
    }
}
