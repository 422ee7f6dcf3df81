import LakeColumnar
import Synchronization

/// Partial aggregation results that did not fit the memory budget, written to spill files by the
/// hash of their group keys (SPEC.md §8.9). Every spill of every worker sends a group to the same
/// partition, so each partition can then be combined on its own, one at a time, in a fraction of
/// the memory the whole table would need.
final class AggregateSpill: Sendable {
    /// Partitions (spill files). 64 keeps each one near 1/64 of the groups.
    static let partitionCount = 64

    let files: [SpillFile]
    /// The leading group-key columns of the partial batches.
    let keyCount: Int
    /// Which 6 bits of the key hash pick the partition: level 0 uses the top 6, level 1 the next
    /// 6, … (a partition too big to combine is split again one level down).
    let level: Int

    init(budget: MemoryBudget, keyCount: Int, level: Int = 0) throws(ExecutionError) {
        var files: [SpillFile] = []
        for _ in 0..<Self.partitionCount { files.append(try SpillFile(budget: budget)) }
        self.files = files
        self.keyCount = keyCount
        self.level = level
    }

    /// Groups a hash table holds before it first grows: the least memory an aggregation needs.
    static let minimumGroups = 1_024

    /// The deepest level: 9 levels use 54 of the hash's 64 bits.
    static let maxLevel = 8

    /// Combines every partition with `combiner` (a fresh final aggregator per call) and returns
    /// `output` of each combined table. A partition whose table does not fit the budget is split
    /// again by the next 6 hash bits and combined part by part.
    func combine(
        schema: Schema, budget: MemoryBudget, combiner: () -> HashAggregator,
        output: (RecordBatch) throws(ExecutionError) -> RecordBatch
    ) throws(ExecutionError) -> [RecordBatch] {
        var results: [RecordBatch] = []
        for file in files where file.batchCount > 0 {
            let aggregator = combiner()
            var reservation = MemoryReservation(budget)
            var fits = true
            // A table of up to `minimumGroups` groups is the least any aggregation holds: such a
            // partition is combined whatever the limit (splitting it could not make it smaller).
            let small = file.rowCount <= Self.minimumGroups
            for index in 0..<file.batchCount {
                try aggregator.consume(try file.read(index, schema: schema))
                if !reservation.update(to: aggregator.memoryBytes), !small {
                    fits = false
                    break
                }
            }
            if fits {
                results.append(try output(aggregator.finish()))
                continue
            }
            guard level < Self.maxLevel else {
                throw .outOfMemoryBudget(operator: "hash aggregation (one spilled partition)", limit: budget.limit)
            }
            reservation.releaseAll()
            let split = try AggregateSpill(budget: budget, keyCount: keyCount, level: level + 1)
            for index in 0..<file.batchCount { try split.write(try file.read(index, schema: schema)) }
            results += try split.combine(schema: schema, budget: budget, combiner: combiner, output: output)
        }
        return results
    }

    /// Writes partial results already split by ``partition(_:keyCount:level:_:)`` at level 0
    /// (`parts[p]` holds partition `p`'s rows).
    func write(parts: [[RecordBatch]]) throws(ExecutionError) {
        precondition(level == 0 && parts.count <= files.count, "pre-split partials belong to level 0")
        for (partition, batches) in parts.enumerated() {
            for batch in batches { try files[partition].append(batch) }
        }
    }

    /// Writes the rows of a partial result to the partitions of their keys.
    func write(_ partial: RecordBatch) throws(ExecutionError) {
        try Self.partition(partial, keyCount: keyCount, level: level) { (partition, rows) throws(ExecutionError) in
            try files[partition].append(rows)
        }
    }

    /// Splits `batch` by the hash of its first `keyCount` columns into the 64 partitions of
    /// `level`, a slice of rows at a time (so the key bytes stay small), handing each non-empty
    /// piece to `body` with its partition number.
    static func partition(
        _ batch: RecordBatch, keyCount: Int, level: Int,
        _ body: (Int, RecordBatch) throws(ExecutionError) -> Void
    ) throws(ExecutionError) {
        let shift = UInt64(58 - 6 * level)
        // Integer-like keys hash their packed words (the choice depends on the types only, so
        // every batch of a query partitions alike); other keys hash their normalized bytes.
        let packed = PairKeyTable.alwaysPacks(batch.columns.prefix(keyCount).map(\.dataType))
        for start in stride(from: 0, to: batch.rowCount, by: 65_536) {
            let slice = start == 0 && batch.rowCount <= 65_536 ? batch : batch.slice(start..<min(start + 65_536, batch.rowCount))
            let keyColumns = Array(slice.columns.prefix(keyCount))
            // The top bits pick the partition; hash tables use the low bits.
            var partitions: [UInt64]
            if packed {
                partitions = PairKeyTable.hashes(keyColumns, rowCount: slice.rowCount)
                for row in 0..<partitions.count { partitions[row] >>= shift }
            } else {
                let keys = RowKeys.encode(keyColumns, rowCount: slice.rowCount)
                partitions = (0..<slice.rowCount).map { keys.hash($0) >> shift }
            }
            try split(slice, partitions: partitions, count: partitionCount, body)
        }
    }

    /// Hands `body` the rows of `batch` of each partition `0..<count` (row `i` goes to
    /// `partitions[i] % count`), partition by partition; empty ones are skipped.
    static func split(
        _ batch: RecordBatch, partitions: [UInt64], count: Int, _ body: (Int, RecordBatch) throws(ExecutionError) -> Void
    ) throws(ExecutionError) {
        var rows = [[Int32]](repeating: [], count: count)
        let modulus = UInt64(count)
        for row in 0..<batch.rowCount {
            rows[Int(truncatingIfNeeded: partitions[row] % modulus)].append(Int32(truncatingIfNeeded: row))
        }
        for partition in 0..<count where !rows[partition].isEmpty {
            try body(partition, rows[partition].withUnsafeBufferPointer { batch.take($0) })
        }
    }
}

/// The query's ``AggregateSpill``, created by the first worker that needs it.
final class SpillSlot: Sendable {
    private let slot = Mutex<AggregateSpill?>(nil)

    /// The spill, if some worker has spilled.
    var current: AggregateSpill? { slot.withLock { $0 } }

    /// The spill, created now if it does not exist yet.
    func spill(budget: MemoryBudget, keyCount: Int) throws(ExecutionError) -> AggregateSpill {
        try slot.withLock { (value) throws(ExecutionError) -> AggregateSpill in
            if let value { return value }
            let created = try AggregateSpill(budget: budget, keyCount: keyCount)
            value = created
            return created
        }
    }
}
