import LakeColumnar
import Synchronization

/// A hash join whose build side does not fit the memory budget (SPEC.md §8.9): both inputs are
/// written to spill files partitioned by the hash of their join keys, then each partition is
/// joined on its own with a ``HashJoiner`` — matching rows always share a partition, so every
/// join kind keeps its meaning. Rows with a NULL key never match and are spread over all partitions.
struct GraceJoin {
    static let partitionCount = 64

    let budget: MemoryBudget

    /// Writes `batches` to one spill file per partition of their `keys`, dropping each batch
    /// from memory once it is written.
    func partition(_ batches: inout [RecordBatch], keys: [PhysicalExpression]) throws(ExecutionError) -> [SpillFile] {
        let files = try makeFiles()
        for index in batches.indices {
            let batch = batches[index]
            batches[index] = batch.slice(0..<0)
            try append(batch, keys: keys, to: files)
        }
        batches = []
        return files
    }

    /// One empty spill file per partition.
    func makeFiles() throws(ExecutionError) -> [SpillFile] {
        var files: [SpillFile] = []
        for _ in 0..<Self.partitionCount { files.append(try SpillFile(budget: budget)) }
        return files
    }

    /// Writes the rows of `batch` to the files of the partitions of their `keys`.
    func append(_ batch: RecordBatch, keys: [PhysicalExpression], to files: [SpillFile]) throws(ExecutionError) {
        let hashes = try Self.keyHashes(batch, keys: keys)
        // A NULL key (hash 0) matches nothing, so any partition will do: spread them evenly.
        let partitions = hashes.indices.map { hashes[$0] == 0 ? UInt64($0) : hashes[$0] >> 58 }
        try AggregateSpill.split(batch, partitions: partitions, count: Self.partitionCount) {
            (partition, rows) throws(ExecutionError) in try files[partition].append(rows)
        }
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

/// The partitions of a grace hash join as a source: reading partition `p` joins the build and
/// probe rows spilled for `p` (with the outer rows that partition owes), so what reads the join
/// consumes it a partition at a time, in parallel, instead of holding its whole output.
struct GraceJoinSource: BatchSource {
    let grace: GraceJoin
    let build: [SpillFile]
    let probe: [SpillFile]
    let buildSchema: Schema
    let probeSchema: Schema
    let schema: Schema
    /// Joins one partition's build rows with its probe batches.
    let joinPartition: @Sendable (RecordBatch, [RecordBatch]) async throws -> [RecordBatch]
    /// The partitions being joined and the memory they reserved.
    let gate = PartitionGate()

    var partitionCount: Int { GraceJoin.partitionCount }

    func read(partition: Int) async throws -> [RecordBatch] {
        let buildRows = RecordBatch.concatenate(try build[partition].readAll(schema: buildSchema), schema: buildSchema)
        let bytes = HashJoiner.estimatedBytes(buildRows)
        // Partitions read in parallel wait for each other's memory. One that does not fit while no
        // other partition is being joined is joined anyway when it alone fits the limit (what
        // reads the join holds the rest, and spills or fails by itself), else it cannot be joined.
        var reserved = bytes
        while true {
            guard let entered = gate.enter(bytes, grace.budget) else {
                guard bytes <= grace.budget.limit else {
                    throw ExecutionError.outOfMemoryBudget(
                        operator: "hash join (one spilled partition)", limit: grace.budget.limit)
                }
                reserved = 0
                gate.enterUnreserved()
                break
            }
            if entered { break }
            try await Task.sleep(for: .milliseconds(1))
        }
        defer { gate.leave(reserved, grace.budget) }
        let probes = try probe[partition].readAll(schema: probeSchema)
        return try await joinPartition(buildRows, probes).filter { $0.rowCount > 0 }
    }

    var summary: String { "grace hash join partitions" }
}

/// Admits spilled join partitions to be joined at the same time while their tables fit the budget.
final class PartitionGate: Sendable {
    private let active = Mutex(0)

    /// Reserves `bytes` and counts one more active partition: `true` when done, `false` when they
    /// do not fit while other partitions are active (wait for them), `nil` when no partition is
    /// active and they still do not fit.
    func enter(_ bytes: Int, _ budget: MemoryBudget) -> Bool? {
        active.withLock { count in
            guard budget.tryReserve(bytes) else { return count > 0 ? false : nil }
            count += 1
            return true
        }
    }

    /// Counts one more active partition without reserving its memory.
    func enterUnreserved() { active.withLock { $0 += 1 } }

    /// Releases what ``enter(_:_:)`` reserved.
    func leave(_ bytes: Int, _ budget: MemoryBudget) {
        active.withLock { count in
            budget.release(bytes)
            count -= 1
        }
    }
}
