import LakeColumnar

/// A hash join whose build side does not fit the memory budget (SPEC.md §8.9): both inputs are
/// written to spill files partitioned by the hash of their join keys, then each partition is
/// joined on its own with a ``HashJoiner`` — matching rows always share a partition, so every
/// join kind keeps its meaning. Rows with a NULL key never match and are spread over all partitions.
struct GraceJoin {
    static let partitionCount = 64

    let budget: MemoryBudget

    /// Writes `batches` to one spill file per partition of their `keys`.
    func partition(_ batches: inout [RecordBatch], keys: [PhysicalExpression]) throws(ExecutionError) -> [SpillFile] {
        var files: [SpillFile] = []
        for _ in 0..<Self.partitionCount { files.append(try SpillFile(budget: budget)) }
        for index in batches.indices {
            let batch = batches[index]
            batches[index] = batch.slice(0..<0)
            let hashes = try Self.keyHashes(batch, keys: keys)
            // A NULL key (hash 0) matches nothing, so any partition will do: spread them evenly.
            let partitions = hashes.indices.map { hashes[$0] == 0 ? UInt64($0) : hashes[$0] >> 58 }
            try AggregateSpill.split(batch, partitions: partitions, count: Self.partitionCount) {
                (partition, rows) throws(ExecutionError) in try files[partition].append(rows)
            }
        }
        batches = []
        return files
    }

    /// One hash per row, equal for equal keys whichever side they come from (integer-like keys are
    /// widened to 64 bits first); 0 for keys with a NULL (and, rarely, for a real key: harmless).
    static func keyHashes(_ batch: RecordBatch, keys: [PhysicalExpression]) throws(ExecutionError) -> [UInt64] {
        var columns = try keys.map { (key) throws(ExecutionError) in try ExpressionEvaluator.evaluate(key, batch) }
        for index in columns.indices {
            if IntegerKeyTable.accepts(columns[index].dataType), let integers = IntegerKeyTable.integers(columns[index]) {
                columns[index] = .int64(integers)
            }
        }
        let encoded = RowKeys.encode(columns, rowCount: batch.rowCount)
        return (0..<batch.rowCount).map { encoded.hasNull[$0] ? 0 : encoded.hash($0) }
    }

    /// Joins partition by partition: `joinPartition` joins one partition's build rows with its
    /// probe batches (a joiner and its probe, with the outer rows that partition owes).
    func join(
        build: [SpillFile], probe: [SpillFile], buildSchema: Schema, probeSchema: Schema,
        joinPartition: (RecordBatch, [RecordBatch]) async throws -> [RecordBatch]
    ) async throws -> [RecordBatch] {
        var output: [RecordBatch] = []
        for partition in 0..<Self.partitionCount {
            try Task.checkCancellation()
            let buildRows = RecordBatch.concatenate(try build[partition].readAll(schema: buildSchema), schema: buildSchema)
            var reservation = MemoryReservation(budget)
            try reservation.require(HashJoiner.estimatedBytes(buildRows), for: "hash join (one spilled partition)")
            let probes = try probe[partition].readAll(schema: probeSchema)
            output += try await joinPartition(buildRows, probes).filter { $0.rowCount > 0 }
        }
        return output
    }
}

extension HashJoiner {
    /// What a joiner over `build` holds, approximately: the rows, and per row its chain link, key
    /// bytes and hash-table slots.
    static func estimatedBytes(_ build: RecordBatch) -> Int { build.memoryBytes + build.rowCount * 40 }
}
