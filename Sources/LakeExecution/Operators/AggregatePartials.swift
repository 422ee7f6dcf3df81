import LakeColumnar
import Synchronization

/// Partial aggregation results split by key hash into the ``AggregateSpill/partitionCount``
/// partitions of level 0, shared by the workers of one aggregation: workers add the tables they
/// set aside, already split, and the partitioned combine takes each partition out when it
/// combines it, so a partition's partials are freed as soon as its groups are combined.
final class AggregatePartials: Sendable {
    private let parts = Mutex<[[RecordBatch]]>(
        [[RecordBatch]](repeating: [], count: AggregateSpill.partitionCount))
    private let byteCount = Mutex(0)

    /// Splits a worker's partials by hash (``AggregateSpill/partition(_:keyCount:level:_:)``).
    static func split(_ partial: RecordBatch, keyCount: Int, into parts: inout [[RecordBatch]]) throws(ExecutionError) {
        if parts.isEmpty { parts = [[RecordBatch]](repeating: [], count: AggregateSpill.partitionCount) }
        try AggregateSpill.partition(partial, keyCount: keyCount, level: 0) { (partition, rows) throws(ExecutionError) in
            parts[partition].append(rows)
        }
    }

    /// Adds already split partials (`parts[p]` holds partition `p`'s rows).
    func add(_ parts: [[RecordBatch]]) {
        var bytes = 0
        for batches in parts { for batch in batches { bytes += batch.memoryBytes } }
        self.parts.withLock { all in
            for (partition, batches) in parts.enumerated() { all[partition] += batches }
        }
        byteCount.withLock { $0 += bytes }
    }

    /// Splits one partial result by hash and adds its parts.
    func add(_ partial: RecordBatch, keyCount: Int) throws(ExecutionError) {
        var parts: [[RecordBatch]] = []
        try Self.split(partial, keyCount: keyCount, into: &parts)
        add(parts)
    }

    /// The bytes of the partials added so far.
    var memoryBytes: Int { byteCount.withLock { $0 } }

    /// Whether no partial was added.
    var isEmpty: Bool { parts.withLock { all in all.allSatisfy(\.isEmpty) } }

    /// Removes and returns the partials of `partition`.
    func take(_ partition: Int) -> [RecordBatch] {
        parts.withLock { all in
            let batches = all[partition]
            all[partition] = []
            return batches
        }
    }

    /// Removes and returns every partition's partials.
    func takeAll() -> [[RecordBatch]] {
        parts.withLock { all in
            let taken = all
            all = [[RecordBatch]](repeating: [], count: AggregateSpill.partitionCount)
            return taken
        }
    }
}
