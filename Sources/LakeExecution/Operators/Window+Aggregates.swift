import LakeColumnar

/// Aggregates as window functions, computed in sorted order over each row's frame.
enum WindowAggregates {
    static func compute(
        _ call: AggregateCall, argument: Column?, frame: WindowCall.Frame, ordering: WindowOrdering,
        orderKey: (column: Column, descending: Bool, nullsFirst: Bool)?
    ) throws -> Column {
        if frame.coversPartition(hasOrder: ordering.hasOrder) {
            return try perPartition(call, argument: argument, ordering: ordering)
        }
        let frames = try Frames(frame, ordering, orderKey: orderKey)
        let function = call.function
        if !call.distinct {
            if function == .countStar {
                return .int64(PrimitiveColumn(values: frameCounts(frames, validity: nil)))
            }
            if function == .count, let argument {
                return .int64(PrimitiveColumn(values: frameCounts(frames, validity: argument.validity)))
            }
            if function == .sum || function == .avg, let argument {
                let isAverage = function == .avg
                switch argument {
                case .int64(let values):
                    return try integerSum(values, frames, average: isAverage)
                case .float64(let values):
                    return doubleSum(
                        values, frames, ordering, runningFromStart: frame.startsUnbounded, endsBeforeRow: frame.endsPreceding,
                        average: isAverage)
                case .decimal64, .decimal128:
                    guard let values = argument.decimalValues, case .decimal(_, let scale) = argument.dataType else { break }
                    return try decimalSum(values, frames, scale: scale, average: isAverage, resultType: call.type)
                default: break
                }
            }
            if function == .min || function == .max, let argument {
                let best = slidingBest(argument, frames, ordering, isMin: function == .min)
                return WindowOperator.gather(argument, best, fallback: nil)
            }
        }
        return try generic(call, argument: argument, frames: frames, rowCount: ordering.rowCount)
    }

    /// Frames that are whole partitions: one accumulator group per partition, broadcast back.
    static func perPartition(_ call: AggregateCall, argument: Column?, ordering: WindowOrdering) throws -> Column {
        let rowCount = ordering.rowCount
        var groups = [Int32](repeating: 0, count: rowCount)
        for partition in 0..<ordering.partitionCount {
            for row in ordering.partitionStarts[partition]..<ordering.partitionStarts[partition + 1] {
                groups[row] = Int32(truncatingIfNeeded: partition)
            }
        }
        let accumulator = makeAccumulator(call)
        try groups.withUnsafeBufferPointer { (ids) throws(ExecutionError) in
            try accumulator.update(ids, argument, groupCount: ordering.partitionCount)
        }
        let values = accumulator.finish(groupCount: ordering.partitionCount)
        return groups.withUnsafeBufferPointer { values.take($0) }
    }

    static func makeAccumulator(_ call: AggregateCall) -> any Accumulator {
        let accumulator = HashAggregator.makeAccumulator(call)
        return call.distinct && call.function != .countDistinct ? DistinctFilter(accumulator) : accumulator
    }

    /// Any aggregate over any frame: each row's frame rows are fed to an accumulator with the row
    /// as the group, a bounded chunk at a time.
    static func generic(_ call: AggregateCall, argument: Column?, frames: Frames, rowCount: Int) throws -> Column {
        let accumulator = makeAccumulator(call)
        let chunk = 1 << 16
        var groups: [Int32] = []
        var rows: [Int32] = []
        groups.reserveCapacity(chunk)
        rows.reserveCapacity(chunk)
        func flush() throws {
            let column = argument.map { argument in rows.withUnsafeBufferPointer { argument.take($0) } }
            try groups.withUnsafeBufferPointer { (ids) throws(ExecutionError) in
                try accumulator.update(ids, column, groupCount: rowCount)
            }
            groups.removeAll(keepingCapacity: true)
            rows.removeAll(keepingCapacity: true)
        }
        for row in 0..<rowCount {
            let start = Int(frames.starts[row])
            let end = Int(frames.ends[row])
            guard start < end else { continue }
            for source in start..<end {
                groups.append(Int32(truncatingIfNeeded: row))
                rows.append(Int32(truncatingIfNeeded: source))
            }
            if groups.count >= chunk { try flush() }
        }
        try flush()
        return accumulator.finish(groupCount: rowCount)
    }

    /// Non-null rows per frame (all rows when `validity` is nil), by prefix counts.
    static func frameCounts(_ frames: Frames, validity: ValidityBitmap?) -> ContiguousArray<Int64> {
        let rowCount = frames.starts.count
        var counts = ContiguousArray<Int64>(repeating: 0, count: rowCount)
        let prefix = ValidPrefix(validity, rowCount)
        for row in 0..<rowCount {
            counts[row] = Int64(prefix.count(Int(frames.starts[row]), Int(frames.ends[row])))
        }
        return counts
    }

    /// Non-null rows per range: prefix counts, or plain lengths when the column has no NULLs.
    struct ValidPrefix {
        /// `prefix[i]` = non-null rows before `i`; `nil` when every row is valid.
        let prefix: ContiguousArray<Int32>?

        init(_ validity: ValidityBitmap?, _ rowCount: Int) {
            guard let validity else {
                prefix = nil
                return
            }
            var prefix = ContiguousArray<Int32>(repeating: 0, count: rowCount + 1)
            prefix.withUnsafeMutableBufferPointer { prefix in
                for row in 0..<rowCount { prefix[row + 1] = prefix[row] &+ (validity.isValid(row) ? 1 : 0) }
            }
            self.prefix = prefix
        }

        /// Non-null rows in `start..<end` (0 when empty).
        @inline(__always)
        func count(_ start: Int, _ end: Int) -> Int {
            guard start < end else { return 0 }
            guard let prefix else { return end - start }
            return Int(prefix[end] &- prefix[start])
        }
    }

    /// NULL where a frame holds no value, or nil when every frame holds one.
    static func validity(_ prefix: ValidPrefix, _ frames: Frames) -> ValidityBitmap? {
        let rowCount = frames.starts.count
        var bitmap: ValidityBitmap?
        for row in 0..<rowCount {
            if prefix.count(Int(frames.starts[row]), Int(frames.ends[row])) == 0 {
                if bitmap == nil { bitmap = ValidityBitmap(allValidCount: rowCount) }
                bitmap!.setNull(at: row)
            }
        }
        return bitmap
    }

    /// sum / avg of BIGINT by prefix sums: wrapping `Int64` when no frame can overflow (the sum of
    /// magnitudes fits), else exact `Int128` with an overflow check per frame.
    static func integerSum(_ column: PrimitiveColumn<Int64>, _ frames: Frames, average: Bool) throws -> Column {
        let rowCount = column.count
        let counts = ValidPrefix(column.validity, rowCount)
        let validity = Self.validity(counts, frames)
        var magnitude: UInt64 = 0
        var safe = true
        column.values.withUnsafeBufferPointer { values in
            for row in 0..<rowCount {
                let (next, overflow) = magnitude.addingReportingOverflow(values[row].magnitude)
                if overflow || next > UInt64(Int64.max) {
                    safe = false
                    break
                }
                magnitude = next
            }
        }
        var sums = ContiguousArray<Int64>(repeating: 0, count: rowCount)
        var averages = ContiguousArray<Double>(repeating: 0, count: average ? rowCount : 0)
        if safe {
            var prefix = ContiguousArray<Int64>(repeating: 0, count: rowCount + 1)
            column.values.withUnsafeBufferPointer { values in
                for row in 0..<rowCount {
                    let value = column.validity.map { $0.isValid(row) ? values[row] : 0 } ?? values[row]
                    prefix[row + 1] = prefix[row] &+ value
                }
            }
            for row in 0..<rowCount {
                let start = Int(frames.starts[row])
                let end = Int(frames.ends[row])
                guard start < end else { continue }
                let sum = prefix[end] &- prefix[start]
                if average {
                    let count = counts.count(start, end)
                    if count > 0 { averages[row] = Double(sum) / Double(count) }
                } else {
                    sums[row] = sum
                }
            }
        } else {
            var prefix = ContiguousArray<Int128>(repeating: 0, count: rowCount + 1)
            for row in 0..<rowCount {
                let value = column.isValidRow(row) ? Int128(column.values[row]) : 0
                prefix[row + 1] = prefix[row] &+ value
            }
            for row in 0..<rowCount {
                let start = Int(frames.starts[row])
                let end = Int(frames.ends[row])
                guard start < end else { continue }
                let sum = prefix[end] &- prefix[start]
                if average {
                    let count = counts.count(start, end)
                    if count > 0 { averages[row] = Double(sum) / Double(count) }
                } else {
                    guard let narrow = Int64(exactly: sum) else { throw ExecutionError.overflow(operation: "sum", type: .int64) }
                    sums[row] = narrow
                }
            }
        }
        if average { return .float64(PrimitiveColumn(values: averages, validity: validity)) }
        return .int64(PrimitiveColumn(values: sums, validity: validity))
    }

    /// sum / avg of DECIMAL by exact 128-bit prefix sums.
    static func decimalSum(
        _ column: PrimitiveColumn<Int128>, _ frames: Frames, scale: Int, average: Bool, resultType: DataType
    ) throws -> Column {
        let rowCount = column.count
        let counts = ValidPrefix(column.validity, rowCount)
        let validity = Self.validity(counts, frames)
        var prefix = ContiguousArray<Int128>(repeating: 0, count: rowCount + 1)
        for row in 0..<rowCount {
            prefix[row + 1] = prefix[row] &+ (column.isValidRow(row) ? column.values[row] : 0)
        }
        let limit = Decimal128.powerOfTen(38)
        let divisor = Double(Decimal128.powerOfTen(scale))
        var sums = ContiguousArray<Int128>(repeating: 0, count: average ? 0 : rowCount)
        var averages = ContiguousArray<Double>(repeating: 0, count: average ? rowCount : 0)
        for row in 0..<rowCount {
            let start = Int(frames.starts[row])
            let end = Int(frames.ends[row])
            guard start < end else { continue }
            let sum = prefix[end] &- prefix[start]
            if average {
                let count = counts.count(start, end)
                if count > 0 { averages[row] = Double(sum) / divisor / Double(count) }
            } else {
                guard sum < limit && sum > -limit else {
                    throw ExecutionError.overflow(operation: "sum", type: resultType)
                }
                sums[row] = sum
            }
        }
        if average { return .float64(PrimitiveColumn(values: averages, validity: validity)) }
        guard case .decimal(let precision, let resultScale) = resultType else {
            return .decimal(sums, validity: validity, precision: 38, scale: scale)
        }
        return .decimal(sums, validity: validity, precision: precision, scale: resultScale)
    }

    /// sum / avg of DOUBLE. Frames from the partition start are running sums (added in row
    /// order); other frames query a segment tree of partial sums, so no sum is a difference of two
    /// large prefixes (which would lose precision).
    static func doubleSum(
        _ column: PrimitiveColumn<Double>, _ frames: Frames, _ ordering: WindowOrdering, runningFromStart: Bool,
        endsBeforeRow: Bool, average: Bool
    ) -> Column {
        let rowCount = column.count
        let counts = ValidPrefix(column.validity, rowCount)
        let validity = Self.validity(counts, frames)
        var results = ContiguousArray<Double>(repeating: 0, count: rowCount)
        var values = column.values
        if let validity = column.validity {
            for row in 0..<rowCount where !validity.isValid(row) { values[row] = 0 }
        }
        if runningFromStart {
            // Running sums in place, then each row takes the one at its frame's last row. That
            // row is never before the current one unless the frame ends PRECEDING; those frames
            // read from a copy.
            for partition in 0..<ordering.partitionCount {
                var sum = 0.0
                for row in ordering.partitionStarts[partition]..<ordering.partitionStarts[partition + 1] {
                    sum += values[row]
                    results[row] = sum
                }
            }
            let running = endsBeforeRow ? results : []
            results.withUnsafeMutableBufferPointer { results in
                for row in 0..<rowCount {
                    let start = Int(frames.starts[row])
                    let end = Int(frames.ends[row])
                    if start >= end {
                        results[row] = 0
                    } else {
                        results[row] = endsBeforeRow ? running[end - 1] : results[end - 1]
                    }
                }
            }
        } else {
            // Bottom-up segment tree: leaves at size + i.
            var size = 1
            while size < rowCount { size <<= 1 }
            var tree = ContiguousArray<Double>(repeating: 0, count: 2 * size)
            for row in 0..<rowCount { tree[size + row] = values[row] }
            var node = size - 1
            while node >= 1 {
                tree[node] = tree[2 * node] + tree[2 * node + 1]
                node -= 1
            }
            for row in 0..<rowCount {
                var low = Int(frames.starts[row]) + size
                var high = Int(frames.ends[row]) + size
                guard low < high else { continue }
                var left = 0.0
                var right = 0.0
                while low < high {
                    if low & 1 == 1 {
                        left += tree[low]
                        low += 1
                    }
                    if high & 1 == 1 {
                        high -= 1
                        right = tree[high] + right
                    }
                    low >>= 1
                    high >>= 1
                }
                results[row] = left + right
            }
        }
        if average {
            for row in 0..<rowCount {
                let start = Int(frames.starts[row])
                let end = Int(frames.ends[row])
                guard start < end else { continue }
                let count = counts.count(start, end)
                if count > 0 { results[row] /= Double(count) }
            }
        }
        return .float64(PrimitiveColumn(values: results, validity: validity))
    }

    /// The row holding each frame's min (or max), -1 for frames without values: a monotonic
    /// deque per partition (frame starts and ends only move forward), over order-preserving
    /// `UInt64` codes of the values.
    static func slidingBest(_ column: Column, _ frames: Frames, _ ordering: WindowOrdering, isMin: Bool) -> [Int32] {
        let rowCount = ordering.rowCount
        let codes = orderCodes(column)
        let validity = column.validity
        var best = [Int32](repeating: -1, count: rowCount)
        var deque = [Int32](repeating: 0, count: rowCount)
        codes.withUnsafeBufferPointer { codes in
            deque.withUnsafeMutableBufferPointer { deque in
                for partition in 0..<ordering.partitionCount {
                    let first = ordering.partitionStarts[partition]
                    let last = ordering.partitionStarts[partition + 1]
                    var head = first
                    var tail = first
                    var next = first
                    for row in first..<last {
                        let start = Int(frames.starts[row])
                        let end = Int(frames.ends[row])
                        while next < end && next < last {
                            if validity?.isValid(next) ?? true {
                                let code = codes[next]
                                while tail > head {
                                    let back = codes[Int(deque[tail - 1])]
                                    if isMin ? back >= code : back <= code { tail -= 1 } else { break }
                                }
                                deque[tail] = Int32(truncatingIfNeeded: next)
                                tail += 1
                            }
                            next += 1
                        }
                        while head < tail && Int(deque[head]) < start { head += 1 }
                        if head < tail && start < end { best[row] = deque[head] }
                    }
                }
            }
        }
        return best
    }

    /// Codes whose unsigned order is the values' SQL order: integers with the sign bit flipped,
    /// floats as ordered bits; other types by rank of their normalized key bytes.
    static func orderCodes(_ column: Column) -> [UInt64] {
        func signed<T: BinaryInteger>(_ values: ContiguousArray<T>) -> [UInt64] {
            values.map { UInt64(bitPattern: Int64($0)) ^ 0x8000_0000_0000_0000 }
        }
        switch column {
        case .int8(let c): return signed(c.values)
        case .int16(let c): return signed(c.values)
        case .int32(let c), .date(let c): return signed(c.values)
        case .int64(let c), .timestamp(let c), .timestampNTZ(let c), .time(let c), .decimal64(let c, _, _):
            return signed(c.values)
        case .boolean(let c): return c.values.map { $0 ? 1 : 0 }
        case .float32(let c): return c.values.map { RowKeys.orderedBits(Double($0)) }
        case .float64(let c): return c.values.map { RowKeys.orderedBits($0) }
        default:
            // Dense ranks of the normalized key bytes.
            let rowCount = column.count
            let keys = RowKeys.encode([column], rowCount: rowCount)
            var rows = (0..<rowCount).map { Int32(truncatingIfNeeded: $0) }
            var codes = [UInt64](repeating: 0, count: rowCount)
            keys.bytes.withUnsafeBufferPointer { bytes in
                let offsets = keys.offsets
                func compare(_ a: Int, _ b: Int) -> Int {
                    StringKernels.compareBytes(bytes, offsets[a], offsets[a + 1], bytes, offsets[b], offsets[b + 1])
                }
                rows.sort { compare(Int($0), Int($1)) < 0 }
                var rank: UInt64 = 0
                for position in 0..<rowCount {
                    if position > 0 && compare(Int(rows[position - 1]), Int(rows[position])) != 0 { rank += 1 }
                    codes[Int(rows[position])] = rank
                }
            }
            return codes
        }
    }
}

extension WindowCall.Frame {
    /// Whether the frame ends before the current row (`n PRECEDING`).
    var endsPreceding: Bool {
        if case .preceding = end { return true }
        return false
    }

    /// Whether every frame starts at its partition's first row.
    var startsUnbounded: Bool {
        if case .unboundedPreceding = start { return true }
        return false
    }
}

extension PrimitiveColumn {
    @inline(__always)
    func isValidRow(_ row: Int) -> Bool { validity?.isValid(row) ?? true }
}
