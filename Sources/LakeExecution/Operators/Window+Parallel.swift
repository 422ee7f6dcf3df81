import LakeColumnar

extension WindowOperator {
    /// Rows below which the window runs on one thread.
    static let parallelThreshold = 131_072

    /// Runs the window over `batches`, in parallel when every call has the same non-empty
    /// PARTITION BY and the input is large: rows are hash-partitioned on the partition keys into
    /// `threads` buckets (a partition never spans two buckets) and each bucket is evaluated on
    /// its own task. One output batch per bucket; rows leave in no particular order.
    static func evaluate(
        _ batches: [RecordBatch], schema inputSchema: Schema, calls: [WindowCall], passing: [Int], schema: Schema,
        threads: Int,
        minimumRows: Int = parallelThreshold
    ) async throws -> [RecordBatch] {
        let rowCount = batches.reduce(0) { $0 + $1.rowCount }
        let keys = calls.first?.partitionBy ?? []
        let specification = keys.map(\.description)
        guard threads > 1, rowCount >= minimumRows, !keys.isEmpty,
            calls.allSatisfy({ $0.partitionBy.map(\.description) == specification })
        else {
            let pool = RecordBatch.concatenate(batches, schema: inputSchema)
            return [try evaluate(pool, calls: calls, passing: passing, schema: schema)]
        }
        var buckets: [RecordBatch]
        let pool = RecordBatch.concatenate(batches, schema: inputSchema)
        if let ranges = try contiguousRanges(pool, keys: keys, parts: threads) {
            // Already grouped by the partition key (e.g. a table stored in key order): cut at
            // partition boundaries instead of hashing.
            buckets = ranges.map { pool.slice($0) }
        } else {
            // Each task splits a contiguous share of the input batches; the pieces are joined per
            // bucket in input order (so ties keep their input order, as on one thread).
            let shareSize = (batches.count + threads - 1) / threads
            let shares = stride(from: 0, to: batches.count, by: max(1, shareSize)).map {
                Array(batches[$0..<min($0 + shareSize, batches.count)])
            }
            let parts = try await withThrowingTaskGroup(of: (Int, [[RecordBatch]]).self) { group in
                for (index, share) in shares.enumerated() {
                    group.addTask { (index, try split(share, keys: keys, buckets: threads)) }
                }
                var parts = [[[RecordBatch]]](repeating: [], count: shares.count)
                for try await (index, split) in group { parts[index] = split }
                return parts
            }
            buckets = (0..<threads).map { bucket in
                RecordBatch.concatenate(parts.flatMap { $0[bucket] }, schema: inputSchema)
            }
        }
        return try await withThrowingTaskGroup(of: RecordBatch.self) { group in
            for bucket in buckets where bucket.rowCount > 0 {
                group.addTask { try evaluate(bucket, calls: calls, passing: passing, schema: schema) }
            }
            var output: [RecordBatch] = []
            for try await batch in group { output.append(batch) }
            if output.isEmpty { output.append(RecordBatch.concatenate([], schema: schema)) }
            return output
        }
    }

    /// When one integer-like partition key without NULLs never decreases, `parts` row ranges of
    /// about equal size that end at partition boundaries; else `nil`.
    static func contiguousRanges(_ batch: RecordBatch, keys: [PhysicalExpression], parts: Int) throws -> [Range<Int>]? {
        guard keys.count == 1 else { return nil }
        let column = try ExpressionEvaluator.evaluate(keys[0], batch)
        guard column.validity == nil, let values = PackedKeys.integers(column) else { return nil }
        let rowCount = batch.rowCount
        var ordered = true
        values.withUnsafeBufferPointer { values in
            for row in stride(from: 1, to: rowCount, by: 1) where values[row - 1] > values[row] {
                ordered = false
                break
            }
        }
        guard ordered else { return nil }
        var ranges: [Range<Int>] = []
        var start = 0
        for part in 1...parts {
            var end = part == parts ? rowCount : max(start, rowCount * part / parts)
            while end > 0 && end < rowCount && values[end - 1] == values[end] { end += 1 }
            if end > start {
                ranges.append(start..<end)
                start = end
            }
        }
        return ranges
    }

    /// Splits rows into `buckets` lists of batches by a hash of the partition keys.
    static func split(_ batches: [RecordBatch], keys: [PhysicalExpression], buckets: Int) throws -> [[RecordBatch]] {
        var parts = [[RecordBatch]](repeating: [], count: buckets)
        var lists = [[Int32]](repeating: [], count: buckets)
        for batch in batches where batch.rowCount > 0 {
            let rowCount = batch.rowCount
            let columns = try keys.map { (key) throws(ExecutionError) in try ExpressionEvaluator.evaluate(key, batch) }
            var hashes = [UInt64](repeating: 0, count: rowCount)
            if columns.count == 1, let values = PackedKeys.integers(columns[0]) {
                let validity = columns[0].validity
                values.withUnsafeBufferPointer { values in
                    for row in 0..<rowCount {
                        let value = validity.map { $0.isValid(row) ? values[row] : Int64.min } ?? values[row]
                        var h = UInt64(bitPattern: value) &* 0x9E37_79B9_7F4A_7C15
                        h ^= h >> 29
                        hashes[row] = h &* 0xBF58_476D_1CE4_E5B9
                    }
                }
            } else {
                let encoded = RowKeys.encode(columns, rowCount: rowCount)
                for row in 0..<rowCount { hashes[row] = encoded.hash(row) }
            }
            for index in 0..<buckets { lists[index].removeAll(keepingCapacity: true) }
            let count = UInt64(buckets)
            for row in 0..<rowCount {
                lists[Int((hashes[row] >> 32) % count)].append(Int32(truncatingIfNeeded: row))
            }
            for index in 0..<buckets where !lists[index].isEmpty {
                parts[index].append(lists[index].withUnsafeBufferPointer { batch.take($0) })
            }
        }
        return parts
    }
}
