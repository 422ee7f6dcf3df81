import LakeColumnar

/// An aggregate function call as the executor runs it.
public struct AggregateCall: Sendable, CustomStringConvertible {
    public enum Function: String, Sendable {
        case countStar = "count_star", count, countDistinct = "count_distinct", sum, avg, min, max
        // SPEC.md §8.8 (accumulators in MoreAggregates.swift).
        case stddevSamp = "stddev_samp", stddevPop = "stddev_pop", varSamp = "var_samp", varPop = "var_pop"
        case median, quantileCont = "quantile_cont", approxCountDistinct = "approx_count_distinct"
        case stringAgg = "string_agg", boolAnd = "bool_and", boolOr = "bool_or", argMin = "arg_min", argMax = "arg_max"
    }

    public var function: Function
    /// Whether only distinct argument values count (`sum(DISTINCT x)`).
    public var distinct = false
    /// The argument (absent for `count(*)`), already cast to the type the function sums in.
    public var argument: PhysicalExpression?
    /// The result type.
    public var type: DataType
    /// `FILTER (WHERE …)`: only rows where this is true reach the accumulator.
    public var filter: PhysicalExpression?
    /// A second per-row input (`arg_min`'s ordering value, `string_agg`'s ORDER BY key).
    public var secondArgument: PhysicalExpression?
    /// A constant parameter (`quantile_cont`'s fraction, `string_agg`'s separator).
    public var parameter: ScalarValue?
    /// Descending order of `secondArgument` (`string_agg(… ORDER BY k DESC)`).
    public var descending = false

    public init(function: Function, argument: PhysicalExpression?, type: DataType) {
        self.function = function
        self.argument = argument
        self.type = type
    }

    public var description: String { "\(function.rawValue)(\(argument.map(\.description) ?? "*"))" }
}

/// Per-group state of one aggregate, updated one batch at a time.
protocol Accumulator: AnyObject {
    /// Adds the rows of `column` to the groups in `groups` (one id per row).
    func update(_ groups: UnsafeBufferPointer<Int32>, _ column: Column?, groupCount: Int) throws(ExecutionError)
    /// The final values, one per group.
    func finish(groupCount: Int) -> Column
}

/// Hash aggregation: rows are keyed by their normalized group-key bytes (``RowKeys``) in a
/// ``KeyTable`` that hands out dense group ids; accumulators keep typed per-group arrays.
public final class HashAggregator {
    let groups: [PhysicalExpression]
    let aggregates: [AggregateCall]
    let schema: Schema
    private var table = KeyTable()
    /// The fast path for one integer-like group key.
    private var integerTable = IntegerKeyTable()
    private let integerKey: Bool
    /// The fast path for one or two packable key columns (``PairKeyTable``); cleared for good
    /// when a key does not pack (a string longer than 7 bytes).
    private var pairTable = PairKeyTable(capacity: 0)
    private var pairKey: Bool
    private var keyChunks: [[Column]] = []
    private var keyChunkBytes = 0
    private let accumulators: [any Accumulator]

    public init(groups: [PhysicalExpression], aggregates: [AggregateCall], schema: Schema) {
        self.groups = groups
        self.aggregates = aggregates
        self.schema = schema
        self.integerKey = groups.count == 1 && IntegerKeyTable.accepts(groups[0].type)
        self.pairKey = !integerKey && (1...2).contains(groups.count) && groups.allSatisfy { PairKeyTable.accepts($0.type) }
        self.accumulators = aggregates.map { call in
            let accumulator = Self.makeAccumulator(call)
            return call.distinct && call.function != .countDistinct ? DistinctFilter(accumulator) : accumulator
        }
    }

    static func makeAccumulator(_ call: AggregateCall) -> any Accumulator {
        switch call.function {
        case .countStar, .count: return CountAccumulator()
        case .countDistinct: return CountDistinctAccumulator()
        case .sum:
            switch call.type {
            case .float64: return SumDoubleAccumulator()
            case .decimal(let precision, let scale): return SumDecimalAccumulator(precision: precision, scale: scale)
            default: return SumIntegerAccumulator()
            }
        case .avg:
            if case .decimal(_, let scale) = call.argument?.type {
                return AvgDecimalAccumulator(scale: scale)
            }
            if call.argument?.type == .int64 { return AvgDecimalAccumulator(scale: 0) }
            return AvgDoubleAccumulator()
        case .min: return MinMaxAccumulator(isMin: true, type: call.type)
        case .max: return MinMaxAccumulator(isMin: false, type: call.type)
        default: return MoreAggregates.makeAccumulator(call)
        }
    }

    /// Adds one batch.
    public func consume(_ batch: RecordBatch) throws(ExecutionError) {
        let rowCount = batch.rowCount
        guard rowCount > 0 else { return }
        var ids = [Int32](repeating: 0, count: rowCount)
        if integerKey {
            let keyColumn = try ExpressionEvaluator.evaluate(groups[0], batch)
            guard let keys = IntegerKeyTable.integers(keyColumn) else { throw .failed("unexpected group key type") }
            var newRows: [Int32] = []
            var table = IntegerKeyTable(capacity: 0)
            swap(&table, &integerTable)
            let validity = keys.validity
            keys.values.withUnsafeBufferPointer { values in
                ids.withUnsafeMutableBufferPointer { ids in
                    for row in 0..<rowCount {
                        let found: (id: Int, isNew: Bool)
                        if let validity, !validity.isValid(row) {
                            found = table.findOrInsertNull()
                        } else {
                            found = table.findOrInsert(values[row])
                        }
                        ids[row] = Int32(truncatingIfNeeded: found.id)
                        if found.isNew { newRows.append(Int32(truncatingIfNeeded: row)) }
                    }
                }
            }
            swap(&table, &integerTable)
            if !newRows.isEmpty {
                keyChunks.append(newRows.withUnsafeBufferPointer { [keyColumn.take($0)] })
                keyChunkBytes += keyChunks[keyChunks.count - 1].reduce(0) { $0 + $1.memoryBytes }
            }
        } else if !groups.isEmpty {
            let keyColumns = try groups.map { (group) throws(ExecutionError) in try ExpressionEvaluator.evaluate(group, batch) }
            if pairKey, !consumePacked(keyColumns, rowCount: rowCount, ids: &ids) { convertPairToBytes() }
            if !pairKey { consumeBytes(keyColumns, rowCount: rowCount, ids: &ids) }
        }
        let groupCount = self.groupCount
        for (call, accumulator) in zip(aggregates, accumulators) {
            if call.filter != nil || call.secondArgument != nil {
                try MoreAggregates.update(accumulator, call, batch, ids: ids, groupCount: groupCount)
                continue
            }
            let column = try call.argument.map { (argument) throws(ExecutionError) in
                try ExpressionEvaluator.evaluate(argument, batch)
            }
            try ids.withUnsafeBufferPointer { (ids) throws(ExecutionError) in
                try accumulator.update(ids, column, groupCount: groupCount)
            }
        }
    }

    /// Assigns ids through the byte-key ``KeyTable``.
    private func consumeBytes(_ keyColumns: [Column], rowCount: Int, ids: inout [Int32]) {
        let keys = RowKeys.encode(keyColumns, rowCount: rowCount)
        var newRows: [Int32] = []
        // Work on a local table: a class property would pay an exclusivity check per row.
        var table = KeyTable(capacity: 0)
        swap(&table, &self.table)
        defer { swap(&table, &self.table) }
        keys.bytes.withUnsafeBufferPointer { bytes in
            for row in 0..<rowCount {
                let start = keys.offsets[row]
                let key = UnsafeBufferPointer(rebasing: bytes[start..<keys.offsets[row + 1]])
                let (id, isNew) = table.findOrInsert(key, hash: keys.hash(row))
                ids[row] = Int32(truncatingIfNeeded: id)
                if isNew { newRows.append(Int32(truncatingIfNeeded: row)) }
            }
        }
        if !newRows.isEmpty {
            keyChunks.append(newRows.withUnsafeBufferPointer { rows in keyColumns.map { $0.take(rows) } })
            keyChunkBytes += keyChunks[keyChunks.count - 1].reduce(0) { $0 + $1.memoryBytes }
        }
    }

    /// Sizes an empty table for about `groups` groups, so it does not grow while filling.
    func reserve(groups: Int) {
        guard groupCount == 0 || (groupCount == 1 && self.groups.isEmpty) else { return }
        let capacity = min(max(groups, 16), 1 << 22)
        if integerKey {
            integerTable = IntegerKeyTable(capacity: capacity)
        } else if pairKey {
            pairTable = PairKeyTable(capacity: capacity)
        } else if !self.groups.isEmpty {
            table = KeyTable(capacity: capacity)
        }
    }

    /// The number of groups so far.
    public var groupCount: Int {
        groups.isEmpty ? 1 : (integerKey ? integerTable.count : (pairKey ? pairTable.count : table.count))
    }

    /// Assigns ids through the ``PairKeyTable``; `false` (nothing changed) when a key does not pack.
    private func consumePacked(_ keyColumns: [Column], rowCount: Int, ids: inout [Int32]) -> Bool {
        var first = [UInt64](repeating: 0, count: rowCount)
        var second = [UInt64](repeating: 0, count: rowCount)
        var nulls = [UInt32](repeating: 0, count: rowCount)
        let packed = first.withUnsafeMutableBufferPointer { first in
            second.withUnsafeMutableBufferPointer { second in
                nulls.withUnsafeMutableBufferPointer { nulls in
                    if keyColumns.count == 1, case .string(let strings) = keyColumns[0] {
                        return PairKeyTable.packWide(
                            strings, rowCount: rowCount, first: first.baseAddress!, second: second.baseAddress!,
                            nulls: nulls.baseAddress!)
                    }
                    return PairKeyTable.pack(keyColumns[0], rowCount: rowCount, into: first.baseAddress!, nulls: nulls.baseAddress!, bit: 1)
                        && (keyColumns.count < 2
                            || PairKeyTable.pack(
                                keyColumns[1], rowCount: rowCount, into: second.baseAddress!, nulls: nulls.baseAddress!, bit: 2))
                }
            }
        }
        guard packed else { return false }
        var newRows: [Int32] = []
        // Work on a local table: a class property would pay an exclusivity check per row.
        var table = PairKeyTable(capacity: 0)
        swap(&table, &pairTable)
        first.withUnsafeBufferPointer { first in
            second.withUnsafeBufferPointer { second in
                nulls.withUnsafeBufferPointer { nulls in
                    ids.withUnsafeMutableBufferPointer { ids in
                        table.findOrInsert(
                            first: first.baseAddress!, second: second.baseAddress!, nulls: nulls.baseAddress!, count: rowCount,
                            ids: ids.baseAddress!, newRows: &newRows)
                    }
                }
            }
        }
        swap(&table, &pairTable)
        if !newRows.isEmpty {
            keyChunks.append(newRows.withUnsafeBufferPointer { rows in keyColumns.map { $0.take(rows) } })
            keyChunkBytes += keyChunks[keyChunks.count - 1].reduce(0) { $0 + $1.memoryBytes }
        }
        return true
    }

    /// Leaves the packed-key path for byte keys: the groups so far, in id order, go into the
    /// ``KeyTable`` so every group keeps its id.
    private func convertPairToBytes() {
        var table = KeyTable(capacity: max(1_024, pairTable.count))
        for chunk in keyChunks {
            let keys = RowKeys.encode(chunk, rowCount: chunk[0].count)
            keys.bytes.withUnsafeBufferPointer { bytes in
                for row in 0..<keys.count {
                    let key = UnsafeBufferPointer(rebasing: bytes[keys.offsets[row]..<keys.offsets[row + 1]])
                    _ = table.findOrInsert(key, hash: keys.hash(row))
                }
            }
        }
        self.table = table
        pairTable = PairKeyTable(capacity: 0)
        pairKey = false
    }

    /// The bytes the aggregator holds, approximately (hash table, group keys, and 16 bytes per
    /// group and aggregate for the accumulators), for the memory budget (SPEC.md §8.9).
    public var memoryBytes: Int {
        (integerKey ? integerTable.memoryBytes : (pairKey ? pairTable.memoryBytes : table.memoryBytes)) + keyChunkBytes + groupCount * 16 * aggregates.count
    }

    /// The result: group columns, then aggregate columns, one row per group (one row in all
    /// when there are no groups, even over no input).
    public func finish() -> RecordBatch {
        let groupCount = self.groupCount
        var columns: [Column] = []
        for (index, group) in groups.enumerated() {
            let parts = keyChunks.map { $0[index] }
            columns.append(parts.isEmpty ? .allNull(group.type, count: 0) : (parts.count == 1 ? parts[0] : Column.concatenate(parts)))
        }
        for accumulator in accumulators { columns.append(accumulator.finish(groupCount: groupCount)) }
        return RecordBatch(schema: schema, columns: columns, rowCount: groupCount)
    }
}

// MARK: - Accumulators

@inline(__always)
private func grow<T>(_ array: inout ContiguousArray<T>, to count: Int, with value: T) {
    if array.count < count { array.append(contentsOf: repeatElement(value, count: count - array.count)) }
}

/// Rows per batch from which a few groups are summed in ``SmallGroupLanes``.
let smallGroupRows = 256
/// Groups up to which ``SmallGroupLanes`` sums in lanes.
let smallGroupLimit = 16

/// Sums for a handful of groups (TPC-H Q1 has four): consecutive rows mostly hit the same group,
/// so a plain `sums[group] += value` loop waits for the previous addition of that group on every
/// row. Four lanes per group (row `i` adds to lane `i % 4`) keep four additions in flight; the
/// lanes are added up once per batch.
enum SmallGroupLanes {
    /// Per-group totals of `input` over the rows of `groups`, and which groups had a row.
    static func sum(
        _ groups: UnsafeBufferPointer<Int32>, _ input: UnsafeBufferPointer<Double>, groupCount: Int
    ) -> (totals: [Double], touched: [Bool]) {
        var lanes = [Double](repeating: 0, count: groupCount &* 4)
        var touched = [Bool](repeating: false, count: groupCount)
        let rowCount = min(groups.count, input.count)
        lanes.withUnsafeMutableBufferPointer { lanes in
            touched.withUnsafeMutableBufferPointer { touched in
                var row = 0
                while row &+ 4 <= rowCount {
                    for lane in 0..<4 {
                        let group = Int(groups[row &+ lane])
                        lanes[group &* 4 &+ lane] += input[row &+ lane]
                        touched[group] = true
                    }
                    row &+= 4
                }
                while row < rowCount {
                    let group = Int(groups[row])
                    lanes[group &* 4] += input[row]
                    touched[group] = true
                    row &+= 1
                }
            }
        }
        let totals = (0..<groupCount).map { group in
            let base = group &* 4
            return (lanes[base] + lanes[base &+ 1]) + (lanes[base &+ 2] + lanes[base &+ 3])
        }
        return (totals, touched)
    }

    /// Rows per group over `groups`.
    static func count(_ groups: UnsafeBufferPointer<Int32>, groupCount: Int) -> [Int64] {
        var lanes = [Int64](repeating: 0, count: groupCount &* 4)
        let rowCount = groups.count
        lanes.withUnsafeMutableBufferPointer { lanes in
            var row = 0
            while row &+ 4 <= rowCount {
                for lane in 0..<4 { lanes[Int(groups[row &+ lane]) &* 4 &+ lane] &+= 1 }
                row &+= 4
            }
            while row < rowCount {
                lanes[Int(groups[row]) &* 4] &+= 1
                row &+= 1
            }
        }
        return (0..<groupCount).map { group in
            let base = group &* 4
            return (lanes[base] &+ lanes[base &+ 1]) &+ (lanes[base &+ 2] &+ lanes[base &+ 3])
        }
    }
}

final class CountAccumulator: Accumulator {
    var counts = ContiguousArray<Int64>()
    func update(_ groups: UnsafeBufferPointer<Int32>, _ column: Column?, groupCount: Int) {
        grow(&counts, to: groupCount, with: 0)
        if column?.validity == nil, groupCount <= smallGroupLimit, groups.count >= smallGroupRows {
            let totals = SmallGroupLanes.count(groups, groupCount: groupCount)
            for group in 0..<groupCount { counts[group] &+= totals[group] }
            return
        }
        counts.withUnsafeMutableBufferPointer { counts in
            if let validity = column?.validity {
                for row in 0..<groups.count where validity.isValid(row) { counts[Int(groups[row])] &+= 1 }
            } else {
                for row in 0..<groups.count { counts[Int(groups[row])] &+= 1 }
            }
        }
    }
    func finish(groupCount: Int) -> Column {
        grow(&counts, to: groupCount, with: 0)
        return .int64(PrimitiveColumn(values: counts))
    }
}

final class SumIntegerAccumulator: Accumulator {
    var sums = ContiguousArray<Int64>()
    var seen = ContiguousArray<Bool>()
    func update(_ groups: UnsafeBufferPointer<Int32>, _ column: Column?, groupCount: Int) throws(ExecutionError) {
        grow(&sums, to: groupCount, with: 0)
        grow(&seen, to: groupCount, with: false)
        guard let column else { return }
        let values: PrimitiveColumn<Int64>
        switch column {
        case .int64(let c): values = c
        case .int32(let c): values = Kernels.map1(c) { Int64($0) }
        case .int16(let c): values = Kernels.map1(c) { Int64($0) }
        case .int8(let c): values = Kernels.map1(c) { Int64($0) }
        default: return
        }
        let validity = values.validity
        var overflow = false
        sums.withUnsafeMutableBufferPointer { sums in
            seen.withUnsafeMutableBufferPointer { seen in
                values.values.withUnsafeBufferPointer { input in
                    for row in 0..<groups.count where validity?.isValid(row) ?? true {
                        let group = Int(groups[row])
                        let (sum, o) = sums[group].addingReportingOverflow(input[row])
                        sums[group] = sum
                        seen[group] = true
                        overflow = overflow || o
                    }
                }
            }
        }
        if overflow { throw .overflow(operation: "sum", type: .int64) }
    }
    func finish(groupCount: Int) -> Column {
        grow(&sums, to: groupCount, with: 0)
        grow(&seen, to: groupCount, with: false)
        return .int64(PrimitiveColumn(values: sums, validity: seen.contains(false) ? ValidityBitmap(seen) : nil))
    }
}

final class SumDoubleAccumulator: Accumulator {
    var sums = ContiguousArray<Double>()
    var seen = ContiguousArray<Bool>()
    func update(_ groups: UnsafeBufferPointer<Int32>, _ column: Column?, groupCount: Int) {
        grow(&sums, to: groupCount, with: 0)
        grow(&seen, to: groupCount, with: false)
        guard case .float64(let values) = column else { return }
        let validity = values.validity
        if validity == nil, groupCount <= smallGroupLimit, groups.count >= smallGroupRows {
            let (totals, touched) = values.values.withUnsafeBufferPointer { input in
                SmallGroupLanes.sum(groups, input, groupCount: groupCount)
            }
            for group in 0..<groupCount where touched[group] {
                sums[group] += totals[group]
                seen[group] = true
            }
            return
        }
        sums.withUnsafeMutableBufferPointer { sums in
            seen.withUnsafeMutableBufferPointer { seen in
                values.values.withUnsafeBufferPointer { input in
                    if validity == nil {
                        for row in 0..<groups.count {
                            let group = Int(groups[row])
                            sums[group] += input[row]
                            seen[group] = true
                        }
                    } else {
                        for row in 0..<groups.count where validity!.isValid(row) {
                            let group = Int(groups[row])
                            sums[group] += input[row]
                            seen[group] = true
                        }
                    }
                }
            }
        }
    }
    func finish(groupCount: Int) -> Column {
        grow(&sums, to: groupCount, with: 0)
        grow(&seen, to: groupCount, with: false)
        return .float64(PrimitiveColumn(values: sums, validity: seen.contains(false) ? ValidityBitmap(seen) : nil))
    }
}

final class SumDecimalAccumulator: Accumulator {
    let precision: Int
    let scale: Int
    var sums = ContiguousArray<Int128>()
    var seen = ContiguousArray<Bool>()
    init(precision: Int, scale: Int) {
        self.precision = precision
        self.scale = scale
    }
    func update(_ groups: UnsafeBufferPointer<Int32>, _ column: Column?, groupCount: Int) throws(ExecutionError) {
        grow(&sums, to: groupCount, with: 0)
        grow(&seen, to: groupCount, with: false)
        guard let values = column?.decimalValues else { return }
        var overflow = false
        for row in 0..<groups.count where values.validity?.isValid(row) ?? true {
            let group = Int(groups[row])
            let (sum, o) = sums[group].addingReportingOverflow(values.values[row])
            sums[group] = sum
            seen[group] = true
            overflow = overflow || o
        }
        let limit = Decimal128.powerOfTen(precision)
        if overflow || sums.contains(where: { $0 >= limit || $0 <= -limit }) {
            throw .overflow(operation: "sum", type: .decimal(precision: precision, scale: scale))
        }
    }
    func finish(groupCount: Int) -> Column {
        grow(&sums, to: groupCount, with: 0)
        grow(&seen, to: groupCount, with: false)
        return .decimal(sums, validity: seen.contains(false) ? ValidityBitmap(seen) : nil, precision: precision, scale: scale)
    }
}

final class AvgDoubleAccumulator: Accumulator {
    let sum = SumDoubleAccumulator()
    let count = CountAccumulator()
    func update(_ groups: UnsafeBufferPointer<Int32>, _ column: Column?, groupCount: Int) throws(ExecutionError) {
        var input = column
        if let column, column.dataType != .float64 { input = try CastKernel.cast(column, to: .float64, isTry: false) }
        sum.update(groups, input, groupCount: groupCount)
        count.update(groups, input, groupCount: groupCount)
    }
    func finish(groupCount: Int) -> Column {
        guard case .float64(let sums) = sum.finish(groupCount: groupCount),
            case .int64(let counts) = count.finish(groupCount: groupCount)
        else { return .allNull(.float64, count: groupCount) }
        return .float64(Kernels.map2(sums, counts) { $1 == 0 ? 0 : $0 / Double($1) })
    }
}

final class AvgDecimalAccumulator: Accumulator {
    let sum: SumDecimalAccumulator
    let count = CountAccumulator()
    let scale: Int
    init(scale: Int) {
        self.scale = scale
        sum = SumDecimalAccumulator(precision: 38, scale: scale)
    }
    func update(_ groups: UnsafeBufferPointer<Int32>, _ column: Column?, groupCount: Int) throws(ExecutionError) {
        var input = column
        if case .int64(let integers)? = column {
            input = .decimal128(Kernels.map1(integers) { Int128($0) }, precision: 38, scale: 0)
        }
        try sum.update(groups, input, groupCount: groupCount)
        count.update(groups, input, groupCount: groupCount)
    }
    func finish(groupCount: Int) -> Column {
        _ = sum.finish(groupCount: groupCount)
        _ = count.finish(groupCount: groupCount)
        let divisor = Double(Decimal128.powerOfTen(scale))
        var values = ContiguousArray<Double>(repeating: 0, count: groupCount)
        for group in 0..<groupCount where count.counts[group] > 0 {
            values[group] = Double(sum.sums[group]) / divisor / Double(count.counts[group])
        }
        let valid = (0..<groupCount).map { count.counts[$0] > 0 }
        return .float64(PrimitiveColumn(values: values, validity: valid.contains(false) ? ValidityBitmap(valid) : nil))
    }
}

/// min / max over any orderable type, comparing normalized key bytes for strings and through
/// typed arrays for fixed-width values.
final class MinMaxAccumulator: Accumulator {
    let isMin: Bool
    let type: DataType
    /// The best row so far per group, kept as a one-row column chunk index and row.
    var best: [Column] = []
    var bestKeys: [[UInt8]?] = []

    init(isMin: Bool, type: DataType) {
        self.isMin = isMin
        self.type = type
    }

    func update(_ groups: UnsafeBufferPointer<Int32>, _ column: Column?, groupCount: Int) {
        while bestKeys.count < groupCount { bestKeys.append(nil) }
        guard let column else { return }
        // Per batch: the candidate row per group, then one comparison per candidate.
        let keys = RowKeys.encode([column], rowCount: column.count)
        var candidate = [Int32](repeating: -1, count: groupCount)
        keys.bytes.withUnsafeBufferPointer { bytes in
            for row in 0..<groups.count where !keys.hasNull[row] {
                let group = Int(groups[row])
                let current = Int(candidate[group])
                if current < 0 || better(bytes, row, than: current, keys) { candidate[group] = Int32(row) }
            }
        }
        var rows: [Int32] = []
        var targets: [Int] = []
        for group in 0..<groupCount where candidate[group] >= 0 {
            let row = Int(candidate[group])
            let key = Array(keys.bytes[keys.offsets[row]..<keys.offsets[row + 1]])
            if let existing = bestKeys[group] {
                let order = key.lexicographicallyPrecedes(existing) ? -1 : (key == existing ? 0 : 1)
                if isMin ? order >= 0 : order <= 0 { continue }
            }
            bestKeys[group] = key
            rows.append(Int32(row))
            targets.append(group)
        }
        guard !rows.isEmpty else { return }
        let chunk = rows.withUnsafeBufferPointer { column.take($0) }
        best.append(chunk)
        chunkTargets.append(targets)
    }

    var chunkTargets: [[Int]] = []

    private func better(_ bytes: UnsafeBufferPointer<UInt8>, _ row: Int, than other: Int, _ keys: RowKeys) -> Bool {
        let order = StringKernels.compareBytes(
            bytes, keys.offsets[row], keys.offsets[row + 1], bytes, keys.offsets[other], keys.offsets[other + 1])
        return isMin ? order < 0 : order > 0
    }

    func finish(groupCount: Int) -> Column {
        // The last chunk that set a group holds its value.
        var source = [(chunk: Int32, row: Int32)](repeating: (-1, -1), count: groupCount)
        for (chunk, targets) in chunkTargets.enumerated() {
            for (row, group) in targets.enumerated() { source[group] = (Int32(chunk), Int32(row)) }
        }
        guard !best.isEmpty else { return .allNull(type, count: groupCount) }
        let all = best.count == 1 ? best[0] : Column.concatenate(best)
        var starts: [Int32] = [0]
        for chunk in best { starts.append(starts.last! + Int32(chunk.count)) }
        let nullRow = Int32(all.count)
        let withNull = Column.concatenate([all, .allNull(type, count: 1)])
        let rows = source.map { $0.chunk < 0 ? nullRow : starts[Int($0.chunk)] + $0.row }
        return rows.withUnsafeBufferPointer { withNull.take($0) }
    }
}

/// Passes only the first occurrence of each (group, value) to another accumulator.
final class DistinctFilter: Accumulator {
    let inner: any Accumulator
    var seen = KeyTable()

    init(_ inner: any Accumulator) { self.inner = inner }

    func update(_ groups: UnsafeBufferPointer<Int32>, _ column: Column?, groupCount: Int) throws(ExecutionError) {
        guard let column else { return try inner.update(groups, nil, groupCount: groupCount) }
        let keys = RowKeys.encode([column], rowCount: column.count)
        var scratch: [UInt8] = []
        var rows: [Int32] = []
        var keptGroups: [Int32] = []
        var seen = KeyTable(capacity: 0)
        swap(&seen, &self.seen)
        defer { swap(&seen, &self.seen) }
        for row in 0..<groups.count where !keys.hasNull[row] {
            scratch.removeAll(keepingCapacity: true)
            var group = groups[row]
            withUnsafeBytes(of: &group) { scratch.append(contentsOf: $0) }
            scratch.append(contentsOf: keys.bytes[keys.offsets[row]..<keys.offsets[row + 1]])
            let isNew = scratch.withUnsafeBufferPointer { key in
                seen.findOrInsert(key, hash: KeyHash.hash(key.baseAddress!, key.count)).isNew
            }
            if isNew {
                rows.append(Int32(row))
                keptGroups.append(group)
            }
        }
        let kept = rows.withUnsafeBufferPointer { column.take($0) }
        try keptGroups.withUnsafeBufferPointer { (ids) throws(ExecutionError) in
            try inner.update(ids, kept, groupCount: groupCount)
        }
    }

    func finish(groupCount: Int) -> Column { inner.finish(groupCount: groupCount) }
}

final class CountDistinctAccumulator: Accumulator {
    var seen = KeyTable()
    var counts = ContiguousArray<Int64>()
    func update(_ groups: UnsafeBufferPointer<Int32>, _ column: Column?, groupCount: Int) {
        grow(&counts, to: groupCount, with: 0)
        guard let column else { return }
        let keys = RowKeys.encode([column], rowCount: column.count)
        var scratch: [UInt8] = []
        var seen = KeyTable(capacity: 0)
        swap(&seen, &self.seen)
        defer { swap(&seen, &self.seen) }
        for row in 0..<groups.count where !keys.hasNull[row] {
            scratch.removeAll(keepingCapacity: true)
            var group = groups[row]
            withUnsafeBytes(of: &group) { scratch.append(contentsOf: $0) }
            scratch.append(contentsOf: keys.bytes[keys.offsets[row]..<keys.offsets[row + 1]])
            let isNew = scratch.withUnsafeBufferPointer { key in
                seen.findOrInsert(key, hash: KeyHash.hash(key.baseAddress!, key.count)).isNew
            }
            if isNew { counts[Int(group)] += 1 }
        }
    }
    func finish(groupCount: Int) -> Column {
        grow(&counts, to: groupCount, with: 0)
        return .int64(PrimitiveColumn(values: counts))
    }
}
