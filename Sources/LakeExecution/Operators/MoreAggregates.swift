import LakeColumnar

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Accumulators for the aggregates of SPEC.md §8.8 and the `FILTER (WHERE …)` / two-input
/// update path. Each keeps typed per-group arrays; holistic ones (`median`, `quantile_cont`,
/// `string_agg`) keep their values and run single-phase.
enum MoreAggregates {
    static func makeAccumulator(_ call: AggregateCall) -> any Accumulator {
        switch call.function {
        case .stddevSamp: return VarianceAccumulator(sample: true, root: true)
        case .stddevPop: return VarianceAccumulator(sample: false, root: true)
        case .varSamp: return VarianceAccumulator(sample: true, root: false)
        case .varPop: return VarianceAccumulator(sample: false, root: false)
        case .median: return QuantileAccumulator(fraction: 0.5)
        case .quantileCont:
            var fraction = 0.5
            switch call.parameter {
            case .float(let value)?: fraction = value
            case .integer(let value)?: fraction = Double(value)
            case .decimal(let unscaled, let scale)?: fraction = Double(unscaled) / Double(Decimal128.powerOfTen(scale))
            default: break
            }
            return QuantileAccumulator(fraction: fraction)
        case .approxCountDistinct: return ApproxCountDistinctAccumulator()
        case .stringAgg:
            var separator = ","
            if case .string(let text)? = call.parameter { separator = text }
            return StringAggAccumulator(separator: Array(separator.utf8), descending: call.descending)
        case .boolAnd: return BoolAccumulator(isAnd: true)
        case .boolOr: return BoolAccumulator(isAnd: false)
        case .argMin: return ArgExtremeAccumulator(isMin: true, type: call.type)
        case .argMax: return ArgExtremeAccumulator(isMin: false, type: call.type)
        default: return CountAccumulator()
        }
    }

    /// Updates `accumulator` with the rows of `batch` that pass `call.filter`, passing
    /// `call.secondArgument` to two-input accumulators.
    static func update(
        _ accumulator: any Accumulator, _ call: AggregateCall, _ batch: RecordBatch, ids: [Int32], groupCount: Int
    ) throws(ExecutionError) {
        var input = batch
        var groupIds = ids
        if let filter = call.filter {
            let rows = try ExpressionEvaluator.select(filter, batch)
            if rows.count != batch.rowCount {
                input = rows.withUnsafeBufferPointer { batch.take($0) }
                groupIds = rows.map { ids[Int($0)] }
            }
        }
        let column = try call.argument.map { (argument) throws(ExecutionError) in
            try ExpressionEvaluator.evaluate(argument, input)
        }
        if let second = call.secondArgument, let pair = accumulator as? PairAccumulator {
            let secondColumn = try ExpressionEvaluator.evaluate(second, input)
            try groupIds.withUnsafeBufferPointer { (ids) throws(ExecutionError) in
                try pair.update(ids, column, secondColumn, groupCount: groupCount)
            }
            return
        }
        try groupIds.withUnsafeBufferPointer { (ids) throws(ExecutionError) in
            try accumulator.update(ids, column, groupCount: groupCount)
        }
    }
}

extension AggregateCall.Function {
    /// Whether partial results combine (two-phase aggregation); the others run single-phase.
    public var hasPartialState: Bool {
        switch self {
        case .countStar, .count, .sum, .avg, .min, .max, .boolAnd, .boolOr: true
        default: false
        }
    }
}

/// An accumulator over two inputs per row (`arg_min(x, y)`, `string_agg(x, sep ORDER BY k)`).
protocol PairAccumulator: Accumulator {
    func update(_ groups: UnsafeBufferPointer<Int32>, _ column: Column?, _ second: Column, groupCount: Int)
        throws(ExecutionError)
}

@inline(__always)
private func grow<T>(_ array: inout ContiguousArray<T>, to count: Int, with value: T) {
    if array.count < count { array.append(contentsOf: repeatElement(value, count: count - array.count)) }
}

/// The rows of a numeric column as DOUBLE.
private func doubles(_ column: Column?) throws(ExecutionError) -> PrimitiveColumn<Double>? {
    guard let column else { return nil }
    if case .float64(let values) = column { return values }
    guard case .float64(let values) = try CastKernel.cast(column, to: .float64, isTry: false) else { return nil }
    return values
}

/// `var_samp`, `var_pop`, `stddev_samp`, `stddev_pop`: Welford's running mean and sum of
/// squared deviations per group (numerically stable, one pass).
final class VarianceAccumulator: Accumulator {
    let sample: Bool
    let root: Bool
    var counts = ContiguousArray<Int64>()
    var means = ContiguousArray<Double>()
    var squares = ContiguousArray<Double>()

    init(sample: Bool, root: Bool) {
        self.sample = sample
        self.root = root
    }

    func update(_ groups: UnsafeBufferPointer<Int32>, _ column: Column?, groupCount: Int) throws(ExecutionError) {
        grow(&counts, to: groupCount, with: 0)
        grow(&means, to: groupCount, with: 0)
        grow(&squares, to: groupCount, with: 0)
        guard let values = try doubles(column) else { return }
        let validity = values.validity
        values.values.withUnsafeBufferPointer { input in
            for row in 0..<groups.count where validity?.isValid(row) ?? true {
                let group = Int(groups[row])
                let value = input[row]
                counts[group] &+= 1
                let delta = value - means[group]
                means[group] += delta / Double(counts[group])
                squares[group] += delta * (value - means[group])
            }
        }
    }

    func finish(groupCount: Int) -> Column {
        grow(&counts, to: groupCount, with: 0)
        grow(&means, to: groupCount, with: 0)
        grow(&squares, to: groupCount, with: 0)
        var values = ContiguousArray<Double>(repeating: 0, count: groupCount)
        var valid = ContiguousArray<Bool>(repeating: false, count: groupCount)
        let minimum: Int64 = sample ? 2 : 1
        for group in 0..<groupCount where counts[group] >= minimum {
            let variance = squares[group] / Double(sample ? counts[group] - 1 : counts[group])
            values[group] = root ? variance.squareRoot() : variance
            valid[group] = true
        }
        return .float64(PrimitiveColumn(values: values, validity: valid.contains(false) ? ValidityBitmap(valid) : nil))
    }
}

/// `median` and `quantile_cont(x, q)`: every value is kept per group, then sorted once and
/// interpolated linearly between the two closest ranks (DuckDB's continuous quantile).
final class QuantileAccumulator: Accumulator {
    let fraction: Double
    var groupOf = ContiguousArray<Int32>()
    var values = ContiguousArray<Double>()
    var groupCount = 0

    init(fraction: Double) { self.fraction = fraction }

    func update(_ groups: UnsafeBufferPointer<Int32>, _ column: Column?, groupCount: Int) throws(ExecutionError) {
        self.groupCount = max(self.groupCount, groupCount)
        guard let input = try doubles(column) else { return }
        for row in 0..<groups.count where input.validity?.isValid(row) ?? true {
            groupOf.append(groups[row])
            values.append(input.values[row])
        }
    }

    func finish(groupCount: Int) -> Column {
        // Bucket the values by group (counting sort), then sort each bucket.
        var starts = [Int](repeating: 0, count: groupCount + 1)
        for group in groupOf { starts[Int(group) + 1] += 1 }
        for group in 0..<groupCount { starts[group + 1] += starts[group] }
        var cursor = Array(starts.dropLast())
        var sorted = ContiguousArray<Double>(repeating: 0, count: values.count)
        for (index, group) in groupOf.enumerated() {
            sorted[cursor[Int(group)]] = values[index]
            cursor[Int(group)] += 1
        }
        var result = ContiguousArray<Double>(repeating: 0, count: groupCount)
        var valid = ContiguousArray<Bool>(repeating: false, count: groupCount)
        for group in 0..<groupCount where starts[group + 1] > starts[group] {
            let lower = starts[group]
            let upper = starts[group + 1]
            sorted[lower..<upper].sort { TotalDouble($0) < TotalDouble($1) }
            let position = fraction * Double(upper - lower - 1)
            let below = position.rounded(.down)
            let above = position.rounded(.up)
            let low = sorted[lower + Int(below)]
            let high = sorted[lower + Int(above)]
            result[group] = below == above ? low : low + (high - low) * (position - below)
            valid[group] = true
        }
        return .float64(PrimitiveColumn(values: result, validity: valid.contains(false) ? ValidityBitmap(valid) : nil))
    }
}

/// `approx_count_distinct`: per group, the distinct 64-bit hashes of the values up to
/// ``exactLimit`` (an exact count), then a HyperLogLog sketch with 2^12 registers (about 1.6%
/// standard error). Memory per group is bounded by 4 KiB.
final class ApproxCountDistinctAccumulator: Accumulator {
    static let exactLimit = 256
    static let precision = 12
    var exact: [[UInt64]] = []
    var registers: [[UInt8]?] = []

    func update(_ groups: UnsafeBufferPointer<Int32>, _ column: Column?, groupCount: Int) {
        while exact.count < groupCount {
            exact.append([])
            registers.append(nil)
        }
        guard let column else { return }
        let keys = RowKeys.encode([column], rowCount: column.count)
        for row in 0..<groups.count where !keys.hasNull[row] {
            let group = Int(groups[row])
            let hash = keys.hash(row)
            if registers[group] != nil {
                add(hash, toSketchOf: group)
            } else if !exact[group].contains(hash) {
                exact[group].append(hash)
                if exact[group].count > Self.exactLimit {
                    registers[group] = [UInt8](repeating: 0, count: 1 << Self.precision)
                    for value in exact[group] { add(value, toSketchOf: group) }
                    exact[group] = []
                }
            }
        }
    }

    private func add(_ hash: UInt64, toSketchOf group: Int) {
        let mixed = (hash ^ (hash >> 31)) &* 0x9E37_79B9_7F4A_7C15
        let index = Int(mixed >> UInt64(64 - Self.precision))
        let rest = (mixed << UInt64(Self.precision)) | (1 << UInt64(Self.precision - 1))
        let rank = UInt8(rest.leadingZeroBitCount + 1)
        if rank > registers[group]![index] { registers[group]![index] = rank }
    }

    func finish(groupCount: Int) -> Column {
        var counts = ContiguousArray<Int64>(repeating: 0, count: groupCount)
        for group in 0..<min(groupCount, exact.count) {
            guard let sketch = registers[group] else {
                counts[group] = Int64(exact[group].count)
                continue
            }
            let m = Double(sketch.count)
            var sum = 0.0
            var zeros = 0
            for register in sketch {
                sum += 1 / Double(UInt64(1) << UInt64(register))
                if register == 0 { zeros += 1 }
            }
            var estimate = 0.7213 / (1 + 1.079 / m) * m * m / sum
            if estimate <= 2.5 * m, zeros > 0 { estimate = m * log(m / Double(zeros)) }
            counts[group] = Int64(estimate.rounded())
        }
        return .int64(PrimitiveColumn(values: counts))
    }
}

/// `string_agg(x, sep [ORDER BY k [DESC]])`: the non-NULL values in input order (or by `k`),
/// joined by `sep`. Values and keys go into flat byte buffers, nothing is allocated per row.
final class StringAggAccumulator: PairAccumulator {
    let separator: [UInt8]
    let descending: Bool
    var groupOf = ContiguousArray<Int32>()
    var valueOffsets = ContiguousArray<Int>([0])
    var valueBytes = ContiguousArray<UInt8>()
    var keyOffsets = ContiguousArray<Int>([0])
    var keyBytes = ContiguousArray<UInt8>()
    var ordered = false

    init(separator: [UInt8], descending: Bool) {
        self.separator = separator
        self.descending = descending
    }

    func update(_ groups: UnsafeBufferPointer<Int32>, _ column: Column?, groupCount: Int) {
        append(groups, column, keys: nil)
    }

    func update(_ groups: UnsafeBufferPointer<Int32>, _ column: Column?, _ second: Column, groupCount: Int) {
        ordered = true
        let keys = RowKeys.encode([second], rowCount: second.count, orders: [RowKeys.Order(descending: descending)])
        append(groups, column, keys: keys)
    }

    private func append(_ groups: UnsafeBufferPointer<Int32>, _ column: Column?, keys: RowKeys?) {
        guard case .string(let strings)? = column else { return }
        for row in 0..<groups.count where strings.isValid(row) {
            groupOf.append(groups[row])
            valueBytes.append(contentsOf: strings.bytes[strings.byteRange(row)])
            valueOffsets.append(valueBytes.count)
            if let keys {
                keyBytes.append(contentsOf: keys.bytes[keys.offsets[row]..<keys.offsets[row + 1]])
            }
            keyOffsets.append(keyBytes.count)
        }
    }

    func finish(groupCount: Int) -> Column {
        var starts = [Int](repeating: 0, count: groupCount + 1)
        for group in groupOf { starts[Int(group) + 1] += 1 }
        for group in 0..<groupCount { starts[group + 1] += starts[group] }
        var cursor = Array(starts.dropLast())
        var entries = [Int](repeating: 0, count: groupOf.count)
        for (index, group) in groupOf.enumerated() {
            entries[cursor[Int(group)]] = index
            cursor[Int(group)] += 1
        }
        var builder = StringColumnBuilder(capacity: groupCount, byteCapacity: valueBytes.count)
        var scratch: [UInt8] = []
        for group in 0..<groupCount {
            let lower = starts[group]
            let upper = starts[group + 1]
            guard upper > lower else {
                builder.appendNull()
                continue
            }
            if ordered {
                // Stable: equal keys keep input order.
                let keyBytes = self.keyBytes
                let keyOffsets = self.keyOffsets
                let sorted = entries[lower..<upper].enumerated().sorted { a, b in
                    let order = keyBytes.withUnsafeBufferPointer { bytes in
                        StringKernels.compareBytes(
                            bytes, keyOffsets[a.element], keyOffsets[a.element + 1], bytes, keyOffsets[b.element],
                            keyOffsets[b.element + 1])
                    }
                    return order != 0 ? order < 0 : a.offset < b.offset
                }
                for (offset, element) in sorted.enumerated() { entries[lower + offset] = element.element }
            }
            scratch.removeAll(keepingCapacity: true)
            for position in lower..<upper {
                if position > lower { scratch.append(contentsOf: separator) }
                let entry = entries[position]
                scratch.append(contentsOf: valueBytes[valueOffsets[entry]..<valueOffsets[entry + 1]])
            }
            builder.append(contentsOf: scratch)
        }
        return .string(builder.finish())
    }
}

/// `bool_and` / `bool_or`: per group -1 (no value yet), 0 or 1.
final class BoolAccumulator: Accumulator {
    let isAnd: Bool
    var states = ContiguousArray<Int8>()

    init(isAnd: Bool) { self.isAnd = isAnd }

    func update(_ groups: UnsafeBufferPointer<Int32>, _ column: Column?, groupCount: Int) {
        grow(&states, to: groupCount, with: -1)
        guard case .boolean(let flags)? = column else { return }
        let validity = flags.validity
        for row in 0..<groups.count where validity?.isValid(row) ?? true {
            let group = Int(groups[row])
            let value: Int8 = flags.values[row] ? 1 : 0
            if states[group] < 0 {
                states[group] = value
            } else if isAnd {
                states[group] = min(states[group], value)
            } else {
                states[group] = max(states[group], value)
            }
        }
    }

    func finish(groupCount: Int) -> Column {
        grow(&states, to: groupCount, with: -1)
        let values = ContiguousArray(states.map { $0 == 1 })
        let valid = states.map { $0 >= 0 }
        return .boolean(PrimitiveColumn(values: values, validity: valid.contains(false) ? ValidityBitmap(valid) : nil))
    }
}

/// `arg_min(x, y)` / `arg_max(x, y)`: the `x` of the row with the smallest (largest) `y`,
/// skipping rows where either is NULL; ties keep the first row seen. `y` is compared by its
/// normalized key bytes, `x` is kept as one-row takes of its column (as in `MinMaxAccumulator`).
final class ArgExtremeAccumulator: PairAccumulator {
    let isMin: Bool
    let type: DataType
    var bestKeys: [[UInt8]?] = []
    var chunks: [Column] = []
    var chunkTargets: [[Int]] = []

    init(isMin: Bool, type: DataType) {
        self.isMin = isMin
        self.type = type
    }

    func update(_ groups: UnsafeBufferPointer<Int32>, _ column: Column?, groupCount: Int) {
        while bestKeys.count < groupCount { bestKeys.append(nil) }
    }

    func update(_ groups: UnsafeBufferPointer<Int32>, _ column: Column?, _ second: Column, groupCount: Int) {
        while bestKeys.count < groupCount { bestKeys.append(nil) }
        guard let column else { return }
        let keys = RowKeys.encode([second], rowCount: second.count)
        var candidate = [Int32](repeating: -1, count: groupCount)
        keys.bytes.withUnsafeBufferPointer { bytes in
            for row in 0..<groups.count where !keys.hasNull[row] && column.isValid(row) {
                let group = Int(groups[row])
                let current = Int(candidate[group])
                if current < 0 {
                    candidate[group] = Int32(row)
                    continue
                }
                let order = StringKernels.compareBytes(
                    bytes, keys.offsets[row], keys.offsets[row + 1], bytes, keys.offsets[current], keys.offsets[current + 1])
                if isMin ? order < 0 : order > 0 { candidate[group] = Int32(row) }
            }
        }
        var rows: [Int32] = []
        var targets: [Int] = []
        for group in 0..<groupCount where candidate[group] >= 0 {
            let row = Int(candidate[group])
            let key = Array(keys.bytes[keys.offsets[row]..<keys.offsets[row + 1]])
            if let existing = bestKeys[group] {
                let better = isMin ? key.lexicographicallyPrecedes(existing) : existing.lexicographicallyPrecedes(key)
                if !better { continue }
            }
            bestKeys[group] = key
            rows.append(Int32(row))
            targets.append(group)
        }
        guard !rows.isEmpty else { return }
        chunks.append(rows.withUnsafeBufferPointer { column.take($0) })
        chunkTargets.append(targets)
    }

    func finish(groupCount: Int) -> Column {
        var source = [(chunk: Int32, row: Int32)](repeating: (-1, -1), count: groupCount)
        for (chunk, targets) in chunkTargets.enumerated() {
            for (row, group) in targets.enumerated() { source[group] = (Int32(chunk), Int32(row)) }
        }
        guard !chunks.isEmpty else { return .allNull(type, count: groupCount) }
        var starts: [Int32] = [0]
        for chunk in chunks { starts.append(starts[starts.count - 1] + Int32(chunk.count)) }
        let withNull = Column.concatenate(chunks + [.allNull(type, count: 1)])
        let nullRow = starts[starts.count - 1]
        let rows = source.map { $0.chunk < 0 ? nullRow : starts[Int($0.chunk)] + $0.row }
        return rows.withUnsafeBufferPointer { withNull.take($0) }
    }
}
