import LakeColumnar

/// `INTERSECT [ALL]` and `EXCEPT [ALL]`: rows are keyed by their normalized bytes (``RowKeys``,
/// where NULL equals NULL), the right input is counted per key in a ``KeyTable``, and each left
/// row is kept or dropped by looking its key up (SPEC.md §8.8).
///
/// Without ALL every distinct left row appears at most once; with ALL a row appearing `m` times
/// on the left and `n` times on the right appears `min(m, n)` times (INTERSECT ALL) or
/// `max(m - n, 0)` times (EXCEPT ALL).
public enum SetOperator {
    /// The row-comparing set operations.
    public enum Kind: String, Sendable {
        case intersect = "INTERSECT"
        case except = "EXCEPT"
    }

    /// The result of `left kind [ALL] right`; both sides have `schema`'s column types.
    ///
    /// - Complexity: O(rows of both sides), one key encoding and one table probe per row.
    static func run(_ kind: Kind, all: Bool, left: [RecordBatch], right: [RecordBatch], schema: Schema)
        throws(ExecutionError) -> RecordBatch
    {
        var table = KeyTable()
        var counts = ContiguousArray<Int64>()
        for batch in right where batch.rowCount > 0 {
            let keys = RowKeys.encode(batch.columns, rowCount: batch.rowCount)
            keys.bytes.withUnsafeBufferPointer { bytes in
                for row in 0..<batch.rowCount {
                    let key = UnsafeBufferPointer(rebasing: bytes[keys.offsets[row]..<keys.offsets[row + 1]])
                    let (id, isNew) = table.findOrInsert(key, hash: keys.hash(row))
                    if isNew { counts.append(0) }
                    counts[id] &+= 1
                }
            }
        }
        let rightDistinct = table.count
        // Distinct variants: whether a key was already emitted.
        var emitted = ContiguousArray<Bool>()
        var output: [RecordBatch] = []
        for batch in left where batch.rowCount > 0 {
            let keys = RowKeys.encode(batch.columns, rowCount: batch.rowCount)
            var rows: [Int32] = []
            keys.bytes.withUnsafeBufferPointer { bytes in
                for row in 0..<batch.rowCount {
                    let key = UnsafeBufferPointer(rebasing: bytes[keys.offsets[row]..<keys.offsets[row + 1]])
                    let hash = keys.hash(row)
                    let keep: Bool
                    if all {
                        let id = table.find(key, hash: hash)
                        let available = id.map { counts[$0] > 0 } ?? false
                        if available, let id { counts[id] &-= 1 }
                        keep = kind == .intersect ? available : !available
                    } else {
                        let id = table.findOrInsert(key, hash: hash).id
                        while emitted.count < table.count { emitted.append(false) }
                        let inRight = id < rightDistinct
                        keep = (kind == .intersect ? inRight : !inRight) && !emitted[id]
                        if keep { emitted[id] = true }
                    }
                    if keep { rows.append(Int32(truncatingIfNeeded: row)) }
                }
            }
            if rows.isEmpty { continue }
            let kept: RecordBatch = rows.count == batch.rowCount ? batch : rows.withUnsafeBufferPointer { batch.take($0) }
            output.append(RecordBatch(schema: schema, columns: kept.columns, rowCount: kept.rowCount))
        }
        return RecordBatch.concatenate(output, schema: schema)
    }
}
