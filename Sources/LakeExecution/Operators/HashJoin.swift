import LakeColumnar

/// The joins the executor runs.
public enum JoinKind: String, Sendable {
    case inner = "INNER"
    case left = "LEFT"
}

/// Hash join on equality keys: the build side's rows go into a ``KeyTable`` with a chain per
/// key; each probe batch looks its keys up and gathers the matching pairs with `take`. Rows whose
/// key has a NULL never match. A residual condition is applied to the candidate pairs before
/// LEFT JOIN decides which probe rows found no match.
final class HashJoiner: Sendable {
    let build: RecordBatch
    let buildKeys: [PhysicalExpression]
    let probeKeys: [PhysicalExpression]
    let residual: PhysicalExpression?
    let kind: JoinKind
    /// Whether the build side is the right input (then output is probe ++ build).
    let buildIsRight: Bool
    let schema: Schema
    private let table: KeyTable
    /// The fast path for one integer-like key.
    private let integerTable: IntegerKeyTable?
    private let first: [Int32]
    private let next: [Int32]

    init(
        build: RecordBatch, buildKeys: [PhysicalExpression], probeKeys: [PhysicalExpression],
        residual: PhysicalExpression?, kind: JoinKind, buildIsRight: Bool, schema: Schema
    ) throws(ExecutionError) {
        self.build = build
        self.buildKeys = buildKeys
        self.probeKeys = probeKeys
        self.residual = residual
        self.kind = kind
        self.buildIsRight = buildIsRight
        self.schema = schema
        let columns = try buildKeys.map { (key) throws(ExecutionError) in try ExpressionEvaluator.evaluate(key, build) }
        var first: [Int32] = []
        var next = [Int32](repeating: -1, count: build.rowCount)
        if columns.count == 1, IntegerKeyTable.accepts(columns[0].dataType), let integers = IntegerKeyTable.integers(columns[0]) {
            var integerTable = IntegerKeyTable(capacity: build.rowCount)
            let validity = integers.validity
            integers.values.withUnsafeBufferPointer { values in
                for row in 0..<build.rowCount where validity?.isValid(row) ?? true {
                    let (id, isNew) = integerTable.findOrInsert(values[row])
                    if isNew {
                        first.append(Int32(row))
                    } else {
                        next[row] = first[id]
                        first[id] = Int32(row)
                    }
                }
            }
            self.integerTable = integerTable
            self.table = KeyTable(capacity: 0)
            self.first = first
            self.next = next
            return
        }
        self.integerTable = nil
        let keys = RowKeys.encode(columns, rowCount: build.rowCount)
        var table = KeyTable(capacity: build.rowCount)
        keys.bytes.withUnsafeBufferPointer { bytes in
            for row in 0..<build.rowCount where !keys.hasNull[row] {
                let key = UnsafeBufferPointer(rebasing: bytes[keys.offsets[row]..<keys.offsets[row + 1]])
                let (id, isNew) = table.findOrInsert(key, hash: keys.hash(row))
                if isNew {
                    first.append(Int32(row))
                } else {
                    next[row] = first[id]
                    first[id] = Int32(row)
                }
            }
        }
        self.table = table
        self.first = first
        self.next = next
    }

    func probe(_ batch: RecordBatch) throws(ExecutionError) -> RecordBatch {
        let columns = try probeKeys.map { (key) throws(ExecutionError) in try ExpressionEvaluator.evaluate(key, batch) }
        var probeRows: [Int32] = []
        var buildRows: [Int32] = []
        if let integerTable, let integers = IntegerKeyTable.integers(columns[0]) {
            let validity = integers.validity
            integers.values.withUnsafeBufferPointer { values in
                for row in 0..<batch.rowCount where validity?.isValid(row) ?? true {
                    guard let id = integerTable.find(values[row]) else { continue }
                    var match = first[id]
                    while match >= 0 {
                        probeRows.append(Int32(row))
                        buildRows.append(match)
                        match = next[Int(match)]
                    }
                }
            }
            return try finishProbe(batch, probeRows, buildRows)
        }
        let keys = RowKeys.encode(columns, rowCount: batch.rowCount)
        keys.bytes.withUnsafeBufferPointer { bytes in
            for row in 0..<batch.rowCount where !keys.hasNull[row] {
                let key = UnsafeBufferPointer(rebasing: bytes[keys.offsets[row]..<keys.offsets[row + 1]])
                guard let id = table.find(key, hash: keys.hash(row)) else { continue }
                var match = first[id]
                while match >= 0 {
                    probeRows.append(Int32(row))
                    buildRows.append(match)
                    match = next[Int(match)]
                }
            }
        }
        return try finishProbe(batch, probeRows, buildRows)
    }

    private func finishProbe(_ batch: RecordBatch, _ probeRowsIn: [Int32], _ buildRowsIn: [Int32]) throws(ExecutionError)
        -> RecordBatch
    {
        var probeRows = probeRowsIn
        var buildRows = buildRowsIn
        var joined = assemble(batch, probeRows, buildRows)
        if let residual {
            let keep = try ExpressionEvaluator.select(residual, joined)
            if keep.count != joined.rowCount {
                probeRows = keep.map { probeRows[Int($0)] }
                buildRows = keep.map { buildRows[Int($0)] }
                joined = assemble(batch, probeRows, buildRows)
            }
        }
        guard kind == .left else { return joined }
        var matched = [Bool](repeating: false, count: batch.rowCount)
        for row in probeRows { matched[Int(row)] = true }
        let unmatched = (0..<batch.rowCount).filter { !matched[$0] }.map { Int32($0) }
        guard !unmatched.isEmpty else { return joined }
        let probePart = unmatched.withUnsafeBufferPointer { batch.take($0) }
        let nullColumns = build.schema.fields.map { Column.allNull($0.type, count: unmatched.count) }
        let extra = RecordBatch(schema: schema, columns: probePart.columns + nullColumns, rowCount: unmatched.count)
        return RecordBatch.concatenate([joined, extra], schema: schema)
    }

    private func assemble(_ batch: RecordBatch, _ probeRows: [Int32], _ buildRows: [Int32]) -> RecordBatch {
        let probeColumns = probeRows.withUnsafeBufferPointer { rows in batch.columns.map { $0.take(rows) } }
        let buildColumns = buildRows.withUnsafeBufferPointer { rows in build.columns.map { $0.take(rows) } }
        let columns = buildIsRight ? probeColumns + buildColumns : buildColumns + probeColumns
        return RecordBatch(schema: schema, columns: columns, rowCount: probeRows.count)
    }
}

extension RecordBatch {
    /// One batch holding the rows of `batches` in order.
    public static func concatenate(_ batches: [RecordBatch], schema: Schema) -> RecordBatch {
        let nonEmpty = batches.filter { $0.rowCount > 0 }
        if nonEmpty.count == 1 { return RecordBatch(schema: schema, columns: nonEmpty[0].columns, rowCount: nonEmpty[0].rowCount) }
        if nonEmpty.isEmpty {
            return RecordBatch(schema: schema, columns: schema.fields.map { Column.allNull($0.type, count: 0) }, rowCount: 0)
        }
        let columns = (0..<schema.count).map { index in Column.concatenate(nonEmpty.map { $0.columns[index] }) }
        return RecordBatch(schema: schema, columns: columns, rowCount: nonEmpty.reduce(0) { $0 + $1.rowCount })
    }
}

/// One ORDER BY key.
public struct SortKey: Sendable {
    public var expression: PhysicalExpression
    public var descending: Bool
    public var nullsFirst: Bool

    public init(expression: PhysicalExpression, descending: Bool, nullsFirst: Bool) {
        self.expression = expression
        self.descending = descending
        self.nullsFirst = nullsFirst
    }
}

/// Sorting by normalized key bytes; with a limit, only the first `limit` rows are kept (top-N).
enum Sorter {
    static func sort(_ batch: RecordBatch, keys: [SortKey], limit: Int?) throws(ExecutionError) -> RecordBatch {
        let columns = try keys.map { (key) throws(ExecutionError) in try ExpressionEvaluator.evaluate(key.expression, batch) }
        let orders = keys.map { RowKeys.Order(descending: $0.descending, nullsFirst: $0.nullsFirst) }
        let encoded = RowKeys.encode(columns, rowCount: batch.rowCount, orders: orders)
        var rows = (0..<batch.rowCount).map { Int32($0) }
        encoded.bytes.withUnsafeBufferPointer { bytes in
            let offsets = encoded.offsets
            let less = { (a: Int32, b: Int32) -> Bool in
                let order = StringKernels.compareBytes(
                    bytes, offsets[Int(a)], offsets[Int(a) + 1], bytes, offsets[Int(b)], offsets[Int(b) + 1])
                return order < 0 || (order == 0 && a < b)
            }
            if let limit, limit < rows.count / 4 {
                // Top-N: keep a sorted prefix of `limit` rows.
                var top: [Int32] = []
                top.reserveCapacity(limit + 1)
                for row in rows {
                    if top.count == limit, let last = top.last, !less(row, last) { continue }
                    var low = 0
                    var high = top.count
                    while low < high {
                        let mid = (low + high) / 2
                        if less(top[mid], row) { low = mid + 1 } else { high = mid }
                    }
                    top.insert(row, at: low)
                    if top.count > limit { top.removeLast() }
                }
                rows = top
            } else {
                rows.sort(by: less)
                if let limit, rows.count > limit { rows.removeLast(rows.count - limit) }
            }
        }
        return rows.withUnsafeBufferPointer { batch.take($0) }
    }
}
