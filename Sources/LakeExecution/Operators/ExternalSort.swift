import LakeColumnar

/// ORDER BY over more rows than the memory budget holds (SPEC.md §8.9): input is buffered until
/// sorting it would not fit, then the buffer is sorted and written to a spill file as one sorted
/// run; at the end the runs are merged by their normalized key bytes (``RowKeys``), one chunk of
/// each run in memory at a time. Without a spill it is the plain in-memory sort.
final class ExternalSorter {
    let keys: [SortKey]
    let schema: Schema
    let budget: MemoryBudget
    private var buffer: [RecordBatch] = []
    private var bufferBytes = 0
    private var reservation: MemoryReservation
    private var runs: [SpillFile] = []

    /// Rows per chunk of a run: what the merge holds of each run at a time.
    static let chunkRows = 16_384
    /// Rows per merged output batch.
    static let outputRows = 65_536

    init(keys: [SortKey], schema: Schema, budget: MemoryBudget) {
        self.keys = keys
        self.schema = schema
        self.budget = budget
        self.reservation = MemoryReservation(budget)
    }

    /// Adds one batch; sorts and spills the buffer when sorting it would exceed the budget.
    func consume(_ batch: RecordBatch) throws(ExecutionError) {
        guard batch.rowCount > 0 else { return }
        buffer.append(batch)
        bufferBytes += batch.memoryBytes
        // Sorting holds the rows, a copy while concatenating, the keys and the sorted copy.
        if !reservation.update(to: bufferBytes * 3) { try spillBuffer() }
    }

    private func spillBuffer() throws(ExecutionError) {
        guard !buffer.isEmpty else { return }
        let sorted = try Sorter.sort(RecordBatch.concatenate(buffer, schema: schema), keys: keys, limit: nil)
        buffer = []
        bufferBytes = 0
        let run = try SpillFile(budget: budget)
        for start in stride(from: 0, to: sorted.rowCount, by: Self.chunkRows) {
            try run.append(sorted.slice(start..<min(start + Self.chunkRows, sorted.rowCount)))
        }
        runs.append(run)
        reservation.releaseAll()
    }

    /// The sorted rows.
    func finish() throws(ExecutionError) -> [RecordBatch] {
        if runs.isEmpty {
            let all = RecordBatch.concatenate(buffer, schema: schema)
            buffer = []
            return [try Sorter.sort(all, keys: keys, limit: nil)]
        }
        try spillBuffer()
        return try merge()
    }

    /// One run being merged: its current chunk and that chunk's key bytes.
    private struct Cursor {
        var chunkIndex = 0
        var chunk: RecordBatch
        var keys: RowKeys
        var row = 0
        /// Rows of `chunk` picked for the output batch being assembled.
        var picked: [Int32] = []
    }

    private func load(_ run: Int, chunk: Int) throws(ExecutionError) -> (RecordBatch, RowKeys) {
        let batch = try runs[run].read(chunk, schema: schema)
        let columns = try keys.map { (key) throws(ExecutionError) in try ExpressionEvaluator.evaluate(key.expression, batch) }
        let orders = keys.map { RowKeys.Order(descending: $0.descending, nullsFirst: $0.nullsFirst) }
        return (batch, RowKeys.encode(columns, rowCount: batch.rowCount, orders: orders))
    }

    private func merge() throws(ExecutionError) -> [RecordBatch] {
        var cursors: [Cursor] = []
        for run in runs.indices {
            let (chunk, encoded) = try load(run, chunk: 0)
            cursors.append(Cursor(chunk: chunk, keys: encoded))
        }
        // `a` sorts before `b` (ties by run number, so equal keys keep run order).
        func less(_ a: Int, _ b: Int) -> Bool {
            let x = cursors[a]
            let y = cursors[b]
            let order = x.keys.bytes.withUnsafeBufferPointer { xb in
                y.keys.bytes.withUnsafeBufferPointer { yb in
                    StringKernels.compareBytes(
                        xb, x.keys.offsets[x.row], x.keys.offsets[x.row + 1], yb, y.keys.offsets[y.row],
                        y.keys.offsets[y.row + 1])
                }
            }
            return order < 0 || (order == 0 && a < b)
        }
        // A binary min-heap of run numbers.
        var heap = Array(cursors.indices)
        func siftDown(_ start: Int) {
            var parent = start
            while true {
                let left = 2 * parent + 1
                if left >= heap.count { return }
                var child = left
                if left + 1 < heap.count, less(heap[left + 1], heap[left]) { child = left + 1 }
                if !less(heap[child], heap[parent]) { return }
                heap.swapAt(child, parent)
                parent = child
            }
        }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }

        var output: [RecordBatch] = []
        var order: [(run: Int, index: Int32)] = []
        func flush() {
            guard !order.isEmpty else { return }
            var pieces: [RecordBatch] = []
            var base = [Int](repeating: 0, count: cursors.count)
            var total = 0
            for run in cursors.indices where !cursors[run].picked.isEmpty {
                base[run] = total
                pieces.append(cursors[run].picked.withUnsafeBufferPointer { cursors[run].chunk.take($0) })
                total += cursors[run].picked.count
                cursors[run].picked.removeAll(keepingCapacity: true)
            }
            let gathered = RecordBatch.concatenate(pieces, schema: schema)
            let permutation = order.map { Int32(base[$0.run]) + $0.index }
            output.append(permutation.withUnsafeBufferPointer { gathered.take($0) })
            order.removeAll(keepingCapacity: true)
        }
        while !heap.isEmpty {
            let run = heap[0]
            order.append((run, Int32(cursors[run].picked.count)))
            cursors[run].picked.append(Int32(cursors[run].row))
            cursors[run].row += 1
            if cursors[run].row == cursors[run].chunk.rowCount {
                // The chunk is used up: emit what refers to it, then move to the run's next chunk.
                flush()
                let nextChunk = cursors[run].chunkIndex + 1
                if nextChunk < runs[run].batchCount {
                    let (chunk, encoded) = try load(run, chunk: nextChunk)
                    cursors[run] = Cursor(chunkIndex: nextChunk, chunk: chunk, keys: encoded)
                } else {
                    heap[0] = heap[heap.count - 1]
                    heap.removeLast()
                }
            } else if order.count >= Self.outputRows {
                flush()
            }
            if !heap.isEmpty { siftDown(0) }
        }
        flush()
        return output
    }
}
