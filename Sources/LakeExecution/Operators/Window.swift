import LakeColumnar

/// One window function as the executor runs it (SPEC.md §8.6).
public struct WindowCall: Sendable, CustomStringConvertible {
    /// The window functions; aggregates carry an ``AggregateCall``.
    public enum Function: String, Sendable {
        case rowNumber = "row_number", rank, denseRank = "dense_rank", percentRank = "percent_rank"
        case cumeDist = "cume_dist", ntile, lag, lead, firstValue = "first_value", lastValue = "last_value"
        case nthValue = "nth_value", aggregate
    }

    /// `ROWS|RANGE BETWEEN start AND end`.
    public struct Frame: Sendable {
        /// Whether offsets count rows or ORDER BY values.
        public enum Unit: Sendable { case rows, range }
        /// One end of a frame; offsets are non-negative constants (rows: integers; range: values
        /// of the ORDER BY key's type).
        public enum Bound: Sendable {
            case unboundedPreceding
            case preceding(ScalarValue)
            case currentRow
            case following(ScalarValue)
            case unboundedFollowing
        }

        public var unit: Unit
        public var start: Bound
        public var end: Bound

        /// A frame from its parts.
        public init(unit: Unit, start: Bound, end: Bound) {
            self.unit = unit
            self.start = start
            self.end = end
        }

        /// RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW.
        public static let `default` = Frame(unit: .range, start: .unboundedPreceding, end: .currentRow)
    }

    public var function: Function
    /// `lag`/`lead`: value and optional default; value functions: the value.
    public var arguments: [PhysicalExpression]
    /// `lag`/`lead` offset, `ntile` buckets, `nth_value` position.
    public var offset: Int64
    /// The aggregate, for ``Function/aggregate``.
    public var aggregate: AggregateCall?
    public var partitionBy: [PhysicalExpression]
    public var orderBy: [SortKey]
    public var frame: Frame
    /// The result type.
    public var type: DataType

    /// A window call from its parts.
    public init(
        function: Function, arguments: [PhysicalExpression] = [], offset: Int64 = 0, aggregate: AggregateCall? = nil,
        partitionBy: [PhysicalExpression] = [], orderBy: [SortKey] = [], frame: Frame = .default, type: DataType
    ) {
        self.function = function
        self.arguments = arguments
        self.offset = offset
        self.aggregate = aggregate
        self.partitionBy = partitionBy
        self.orderBy = orderBy
        self.frame = frame
        self.type = type
    }

    /// The PARTITION BY and ORDER BY part, as text: calls with equal specifications share a sort.
    var specification: String {
        var parts: [String] = []
        if !partitionBy.isEmpty { parts.append("PARTITION BY " + partitionBy.map(\.description).joined(separator: ", ")) }
        if !orderBy.isEmpty {
            parts.append(
                "ORDER BY "
                    + orderBy.map { "\($0.expression)\($0.descending ? " DESC" : "")\($0.nullsFirst ? " NULLS FIRST" : "")" }
                    .joined(separator: ", "))
        }
        return parts.joined(separator: " ")
    }

    public var description: String {
        let name =
            aggregate.map { "\($0.function.rawValue)(\($0.distinct ? "DISTINCT " : "")\($0.argument?.description ?? "*"))" }
            ?? "\(function.rawValue)(\(arguments.map(\.description).joined(separator: ", ")))"
        return "\(name) OVER (\(specification))"
    }
}

/// The window operator: sorts its input once per distinct (PARTITION BY, ORDER BY), finds
/// partition and peer boundaries in one pass over the sorted keys, and computes each function over
/// typed buffers in sorted order (SPEC.md §8.6).
///
/// Aggregates over frames use prefix sums (count, sum, avg), a monotonic deque (min, max) or, for
/// frames that span whole partitions, the hash aggregate's accumulators with the partition as the
/// group; any other aggregate falls back to feeding each row's frame to an accumulator.
///
/// - Complexity: O(n log n) for the sort (O(n) when the input is already in key order), O(n) per
///   function, except RANGE frames with offsets (O(n log n)) and the generic fallback
///   (O(total frame size)).
enum WindowOperator {
    /// The input columns at `passing`, then one column per call. With a single window
    /// specification the rows come out in its sort order; with several, in input order.
    static func evaluate(_ input: RecordBatch, calls: [WindowCall], passing: [Int], schema: Schema) throws -> RecordBatch {
        let rowCount = input.rowCount
        var groups: [(specification: String, calls: [Int])] = []
        for (index, call) in calls.enumerated() {
            if let position = groups.firstIndex(where: { $0.specification == call.specification }) {
                groups[position].calls.append(index)
            } else {
                groups.append((call.specification, [index]))
            }
        }
        var results = [Column?](repeating: nil, count: calls.count)
        var outputColumns = passing.map { input.columns[$0] }
        for group in groups {
            let first = calls[group.calls[0]]
            let ordering = try WindowOrdering(input, partitionBy: first.partitionBy, orderBy: first.orderBy)
            let permutation = ordering.permutation
            func sorted(_ column: Column) -> Column {
                guard let permutation else { return column }
                return permutation.withUnsafeBufferPointer { column.take($0) }
            }
            for index in group.calls {
                results[index] = try compute(calls[index], input, ordering, sorted)
            }
            guard let permutation else { continue }
            if groups.count == 1 {
                outputColumns = outputColumns.map(sorted)
            } else {
                // Back to input order.
                var inverse = [Int32](repeating: 0, count: rowCount)
                for (position, row) in permutation.enumerated() { inverse[Int(row)] = Int32(truncatingIfNeeded: position) }
                for index in group.calls {
                    results[index] = inverse.withUnsafeBufferPointer { results[index]!.take($0) }
                }
            }
        }
        return RecordBatch(schema: schema, columns: outputColumns + results.map { $0! }, rowCount: rowCount)
    }

    static func compute(
        _ call: WindowCall, _ input: RecordBatch, _ ordering: WindowOrdering, _ sorted: (Column) -> Column
    ) throws -> Column {
        let rowCount = input.rowCount
        let arguments = try call.arguments.map { sorted(try ExpressionEvaluator.evaluate($0, input)) }
        switch call.function {
        case .rowNumber, .rank, .denseRank, .ntile:
            return .int64(PrimitiveColumn(values: ranks(call.function, buckets: call.offset, ordering)))
        case .percentRank, .cumeDist:
            return .float64(PrimitiveColumn(values: distributions(call.function, ordering)))
        case .lag, .lead:
            let offset = call.function == .lag ? call.offset : 0 &- call.offset
            var indices = [Int32](repeating: -1, count: rowCount)
            for partition in 0..<ordering.partitionCount {
                let start = ordering.partitionStarts[partition]
                let end = ordering.partitionStarts[partition + 1]
                for row in start..<end {
                    let (source, overflow) = row.subtractingReportingOverflow(Int(clamping: offset))
                    if !overflow && source >= start && source < end { indices[row] = Int32(truncatingIfNeeded: source) }
                }
            }
            return gather(arguments[0], indices, fallback: arguments.count > 1 ? arguments[1] : nil)
        case .firstValue, .lastValue, .nthValue:
            let frames = try Frames(call.frame, ordering, orderKey: rangeKey(call, input, sorted))
            var indices = [Int32](repeating: -1, count: rowCount)
            for row in 0..<rowCount {
                let start = Int(frames.starts[row])
                let end = Int(frames.ends[row])
                guard start < end else { continue }
                switch call.function {
                case .firstValue: indices[row] = Int32(truncatingIfNeeded: start)
                case .lastValue: indices[row] = Int32(truncatingIfNeeded: end - 1)
                default:
                    if call.offset <= Int64(end - start) { indices[row] = Int32(truncatingIfNeeded: start + Int(call.offset) - 1) }
                }
            }
            return gather(arguments[0], indices, fallback: nil)
        case .aggregate:
            guard let aggregate = call.aggregate else { throw ExecutionError.failed("window aggregate without a call") }
            let argument = try aggregate.argument.map { sorted(try ExpressionEvaluator.evaluate($0, input)) }
            return try WindowAggregates.compute(
                aggregate, argument: argument, frame: call.frame, ordering: ordering,
                orderKey: rangeKey(call, input, sorted))
        }
    }

    /// The sorted ORDER BY key when the frame is RANGE with an offset.
    static func rangeKey(_ call: WindowCall, _ input: RecordBatch, _ sorted: (Column) -> Column) throws -> (
        column: Column, descending: Bool, nullsFirst: Bool
    )? {
        guard call.frame.unit == .range, call.frame.hasOffset, let key = call.orderBy.first else { return nil }
        return (sorted(try ExpressionEvaluator.evaluate(key.expression, input)), key.descending, key.nullsFirst)
    }

    static func ranks(_ function: WindowCall.Function, buckets: Int64, _ ordering: WindowOrdering) -> ContiguousArray<Int64> {
        var values = ContiguousArray<Int64>(repeating: 0, count: ordering.rowCount)
        values.withUnsafeMutableBufferPointer { out in
            for partition in 0..<ordering.partitionCount {
                let start = ordering.partitionStarts[partition]
                let end = ordering.partitionStarts[partition + 1]
                switch function {
                case .rowNumber:
                    for row in start..<end { out[row] = Int64(row - start + 1) }
                case .rank:
                    for row in start..<end { out[row] = Int64(ordering.peerStart(row) - start + 1) }
                case .denseRank:
                    var rank: Int64 = 0
                    for row in start..<end {
                        if ordering.peerStart(row) == row { rank += 1 }
                        out[row] = rank
                    }
                default:
                    // ntile, as DuckDB: the first (size mod buckets) buckets get one row more.
                    let size = Int64(end - start)
                    let perBucket = size / buckets
                    let large = size - buckets * perBucket
                    let smallStart = large * (perBucket + 1)
                    for row in start..<end {
                        let index = Int64(row - start)
                        out[row] =
                            index < smallStart ? 1 + index / (perBucket + 1) : 1 + large + (index - smallStart) / perBucket
                    }
                }
            }
        }
        return values
    }

    static func distributions(_ function: WindowCall.Function, _ ordering: WindowOrdering) -> ContiguousArray<Double> {
        var values = ContiguousArray<Double>(repeating: 0, count: ordering.rowCount)
        for partition in 0..<ordering.partitionCount {
            let start = ordering.partitionStarts[partition]
            let end = ordering.partitionStarts[partition + 1]
            let size = Double(end - start)
            for row in start..<end {
                if function == .percentRank {
                    values[row] = end - start > 1 ? Double(ordering.peerStart(row) - start) / (size - 1) : 0
                } else {
                    values[row] = Double(ordering.peerEnd(row) - start) / size
                }
            }
        }
        return values
    }

    /// `column[indices[i]]`, with -1 meaning NULL, or row `i` of `fallback` when given.
    static func gather(_ column: Column, _ indices: [Int32], fallback: Column?) -> Column {
        let count = column.count
        if !indices.contains(-1) { return indices.withUnsafeBufferPointer { column.take($0) } }
        var rows = indices
        let extended: Column
        if let fallback {
            extended = Column.concatenate([column, fallback])
            for index in rows.indices where rows[index] < 0 { rows[index] = Int32(truncatingIfNeeded: count + index) }
        } else {
            extended = Column.concatenate([column, .allNull(column.dataType, count: 1)])
            for index in rows.indices where rows[index] < 0 { rows[index] = Int32(truncatingIfNeeded: count) }
        }
        return rows.withUnsafeBufferPointer { extended.take($0) }
    }
}

extension WindowCall.Frame {
    /// Whether a bound has a numeric offset.
    var hasOffset: Bool {
        switch (start, end) {
        case (.preceding, _), (.following, _), (_, .preceding), (_, .following): true
        default: false
        }
    }

    /// Whether every row's frame is its whole partition.
    func coversPartition(hasOrder: Bool) -> Bool {
        guard case .unboundedPreceding = start else { return false }
        switch end {
        case .unboundedFollowing: return true
        case .currentRow: return unit == .range && !hasOrder
        default: return false
        }
    }
}

/// Rows in (PARTITION BY, ORDER BY) order, with partition and peer boundaries.
struct WindowOrdering {
    let rowCount: Int
    /// Sorted position → input row; `nil` when the input is already in order.
    var permutation: [Int32]?
    /// The first sorted position of each partition, then `rowCount`.
    var partitionStarts: [Int]
    /// Per sorted position, the start and end of its peer group (rows with equal ORDER BY keys in
    /// the same partition).
    var peerStarts: ContiguousArray<Int32>
    var peerEnds: ContiguousArray<Int32>
    let hasOrder: Bool

    var partitionCount: Int { partitionStarts.count - 1 }

    @inline(__always) func peerStart(_ row: Int) -> Int { Int(peerStarts[row]) }
    @inline(__always) func peerEnd(_ row: Int) -> Int { Int(peerEnds[row]) }

    init(_ input: RecordBatch, partitionBy: [PhysicalExpression], orderBy: [SortKey]) throws {
        let rowCount = input.rowCount
        self.rowCount = rowCount
        hasOrder = !orderBy.isEmpty
        let partitionColumns = try partitionBy.map { (e) throws(ExecutionError) in try ExpressionEvaluator.evaluate(e, input) }
        let orderColumns = try orderBy.map { (k) throws(ExecutionError) in try ExpressionEvaluator.evaluate(k.expression, input) }
        // Partition keys: ascending, NULLs last (any consistent order groups them).
        let columns = partitionColumns + orderColumns
        let orders =
            partitionColumns.map { _ in RowKeys.Order() }
            + orderBy.map { RowKeys.Order(descending: $0.descending, nullsFirst: $0.nullsFirst) }
        // Break flags in sorted order: 1 = new peer group, 2 = new partition (and peer group).
        var breaks: [UInt8]
        if columns.isEmpty {
            permutation = nil
            breaks = [UInt8](repeating: 0, count: rowCount)
        } else if let packed = PackedKeys(columns, orders: orders, rowCount: rowCount, partitionFields: partitionColumns.count) {
            (permutation, breaks) = packed.sort()
        } else {
            (permutation, breaks) = Self.sortByBytes(
                partitionColumns, orderColumns, orders: Array(orders.dropFirst(partitionColumns.count)), rowCount: rowCount)
        }
        if rowCount > 0 { breaks[0] = 2 }
        var starts: [Int] = []
        var peerStarts = ContiguousArray<Int32>(repeating: 0, count: rowCount)
        var peerEnds = ContiguousArray<Int32>(repeating: 0, count: rowCount)
        var peerStart = 0
        for row in 0..<rowCount {
            if breaks[row] == 2 { starts.append(row) }
            if breaks[row] != 0 || !hasOrder && breaks[row] == 2 { peerStart = row }
            peerStarts[row] = Int32(truncatingIfNeeded: hasOrder ? peerStart : starts[starts.count - 1])
        }
        starts.append(rowCount)
        var peerEnd = rowCount
        var partition = starts.count - 2
        for row in stride(from: rowCount - 1, through: 0, by: -1) {
            while partition > 0 && starts[partition] > row { partition -= 1 }
            if hasOrder {
                if row + 1 == rowCount || breaks[row + 1] != 0 { peerEnd = row + 1 }
            } else {
                peerEnd = starts[partition + 1]
            }
            peerEnds[row] = Int32(truncatingIfNeeded: peerEnd)
        }
        partitionStarts = starts
        self.peerStarts = peerStarts
        self.peerEnds = peerEnds
    }

    /// The general path: normalized key bytes, compared partition keys first.
    static func sortByBytes(_ partitionColumns: [Column], _ orderColumns: [Column], orders: [RowKeys.Order], rowCount: Int)
        -> ([Int32]?, [UInt8])
    {
        let partitionKeys = RowKeys.encode(partitionColumns, rowCount: rowCount)
        let orderKeys = RowKeys.encode(orderColumns, rowCount: rowCount, orders: orders)
        var permutation: [Int32]?
        var breaks = [UInt8](repeating: 0, count: rowCount)
        partitionKeys.bytes.withUnsafeBufferPointer { pb in
            orderKeys.bytes.withUnsafeBufferPointer { ob in
                let po = partitionKeys.offsets
                let oo = orderKeys.offsets
                func compare(_ a: Int, _ b: Int) -> (partition: Int, order: Int) {
                    let p = StringKernels.compareBytes(pb, po[a], po[a + 1], pb, po[b], po[b + 1])
                    if p != 0 { return (p, 0) }
                    return (0, StringKernels.compareBytes(ob, oo[a], oo[a + 1], ob, oo[b], oo[b + 1]))
                }
                var inOrder = true
                for row in stride(from: 1, to: rowCount, by: 1) {
                    let c = compare(row - 1, row)
                    if c.partition > 0 || (c.partition == 0 && c.order > 0) {
                        inOrder = false
                        break
                    }
                }
                var rows: [Int32]
                if inOrder {
                    rows = []
                } else {
                    rows = (0..<rowCount).map { Int32(truncatingIfNeeded: $0) }
                    rows.sort { a, b in
                        let c = compare(Int(a), Int(b))
                        if c.partition != 0 { return c.partition < 0 }
                        if c.order != 0 { return c.order < 0 }
                        return a < b
                    }
                    permutation = rows
                }
                for position in stride(from: 1, to: rowCount, by: 1) {
                    let previous = inOrder ? position - 1 : Int(rows[position - 1])
                    let current = inOrder ? position : Int(rows[position])
                    let c = compare(previous, current)
                    breaks[position] = c.partition != 0 ? 2 : (c.order != 0 ? 1 : 0)
                }
            }
        }
        return (permutation, breaks)
    }
}

/// All sort keys of a window packed into one `UInt64` per row, when they are integer-like and
/// their value ranges fit in 64 bits together: each field is `value - min` (or `max - value` when
/// descending) plus a slot for NULL, partition fields in the high bits. Sorting and boundary
/// detection then compare plain integers.
struct PackedKeys {
    var keys: [UInt64]
    /// Bits taken by the ORDER BY fields (the low bits).
    let orderBits: Int
    let totalBits: Int

    init?(_ columns: [Column], orders: [RowKeys.Order], rowCount: Int, partitionFields: Int) {
        var fields: [(values: ContiguousArray<Int64>, validity: ValidityBitmap?)] = []
        for column in columns {
            guard let values = Self.integers(column) else { return nil }
            fields.append((values, column.validity))
        }
        var keys = [UInt64](repeating: 0, count: rowCount)
        var total = 0
        var orderBits = 0
        for (index, field) in fields.enumerated() {
            let order = orders[index]
            var low = Int64.max
            var high = Int64.min
            field.values.withUnsafeBufferPointer { values in
                for row in 0..<rowCount where field.validity?.isValid(row) ?? true {
                    low = min(low, values[row])
                    high = max(high, values[row])
                }
            }
            if low > high {
                low = 0
                high = 0
            }
            let range = UInt64(bitPattern: high &- low)
            guard range < UInt64.max else { return nil }
            let bits = 64 - (range + 1).leadingZeroBitCount
            total += bits
            if index >= partitionFields { orderBits += bits }
            guard total <= 64 else { return nil }
            if bits == 0 { continue }
            let nullCode: UInt64 = order.nullsFirst ? 0 : range + 1
            let shiftValues: UInt64 = order.nullsFirst ? 1 : 0
            keys.withUnsafeMutableBufferPointer { keys in
                field.values.withUnsafeBufferPointer { values in
                    for row in 0..<rowCount {
                        let value = values[row]
                        var code =
                            order.descending
                            ? UInt64(bitPattern: high &- value) : UInt64(bitPattern: value &- low)
                        code &+= shiftValues
                        if let validity = field.validity, !validity.isValid(row) { code = nullCode }
                        keys[row] = (bits == 64 ? 0 : keys[row] &<< UInt64(bits)) | code
                    }
                }
            }
        }
        self.keys = keys
        self.orderBits = orderBits
        self.totalBits = total
    }

    /// A column's values as `Int64`, for the integer-like types.
    static func integers(_ column: Column) -> ContiguousArray<Int64>? {
        func widen<T: BinaryInteger>(_ values: ContiguousArray<T>) -> ContiguousArray<Int64> {
            ContiguousArray<Int64>(unsafeUninitializedCapacity: values.count) { target, initialized in
                values.withUnsafeBufferPointer { source in
                    for index in 0..<source.count { target[index] = Int64(truncatingIfNeeded: source[index]) }
                }
                initialized = values.count
            }
        }
        switch column {
        case .int64(let c), .timestamp(let c), .timestampNTZ(let c), .time(let c), .decimal64(let c, _, _): return c.values
        case .int32(let c), .date(let c): return widen(c.values)
        case .int16(let c): return widen(c.values)
        case .int8(let c): return widen(c.values)
        case .boolean(let c): return ContiguousArray(c.values.map { $0 ? 1 : 0 })
        default: return nil
        }
    }

    /// The permutation (nil when already sorted) and the break flags in sorted order.
    func sort() -> ([Int32]?, [UInt8]) {
        let rowCount = keys.count
        var permutation: [Int32]?
        var sortedKeys = keys
        var inOrder = true
        keys.withUnsafeBufferPointer { keys in
            for row in stride(from: 1, to: rowCount, by: 1) where keys[row - 1] > keys[row] {
                inOrder = false
                break
            }
        }
        if !inOrder {
            let indexBits = 64 - UInt64(max(rowCount, 1)).leadingZeroBitCount
            if totalBits + indexBits <= 64 {
                // Key and row in one integer: a plain integer sort, stable by construction.
                var combined = [UInt64](repeating: 0, count: rowCount)
                keys.withUnsafeBufferPointer { keys in
                    for row in 0..<rowCount { combined[row] = keys[row] &<< UInt64(indexBits) | UInt64(row) }
                }
                RadixSort.sort(&combined, bits: totalBits + indexBits)
                let mask = (UInt64(1) &<< UInt64(indexBits)) &- 1
                var rows = [Int32](repeating: 0, count: rowCount)
                for position in 0..<rowCount {
                    rows[position] = Int32(truncatingIfNeeded: combined[position] & mask)
                    sortedKeys[position] = combined[position] &>> UInt64(indexBits)
                }
                permutation = rows
            } else {
                // Keys and rows side by side; the radix sort is stable, so ties keep row order.
                var rows = (0..<rowCount).map { Int32(truncatingIfNeeded: $0) }
                RadixSort.sort(&sortedKeys, carrying: &rows, bits: totalBits)
                permutation = rows
            }
        }
        var breaks = [UInt8](repeating: 0, count: rowCount)
        let shift = UInt64(orderBits)
        sortedKeys.withUnsafeBufferPointer { keys in
            for position in stride(from: 1, to: rowCount, by: 1) {
                let a = keys[position - 1]
                let b = keys[position]
                if a == b { continue }
                let samePartition = orderBits >= 64 || (a &>> shift) == (b &>> shift)
                breaks[position] = samePartition ? 1 : 2
            }
        }
        return (permutation, breaks)
    }
}

/// LSD radix sort of unsigned integers, 11 bits per pass over the `bits` low bits.
enum RadixSort {
    /// Sorts `keys` and moves `rows` along with them, stably.
    static func sort(_ keys: inout [UInt64], carrying rows: inout [Int32], bits: Int) {
        let count = keys.count
        let digitBits = 11
        let buckets = 1 << digitBits
        var keyScratch = [UInt64](repeating: 0, count: count)
        var rowScratch = [Int32](repeating: 0, count: count)
        var histogram = [Int](repeating: 0, count: buckets)
        var shift = 0
        while shift < bits {
            let s = UInt64(shift)
            let mask = UInt64(buckets - 1)
            for index in 0..<buckets { histogram[index] = 0 }
            keys.withUnsafeBufferPointer { source in
                histogram.withUnsafeMutableBufferPointer { histogram in
                    for value in source { histogram[Int((value &>> s) & mask)] &+= 1 }
                }
            }
            if histogram.contains(count) {
                shift += digitBits
                continue
            }
            var total = 0
            for index in 0..<buckets {
                let c = histogram[index]
                histogram[index] = total
                total += c
            }
            keys.withUnsafeBufferPointer { source in
                rows.withUnsafeBufferPointer { sourceRows in
                    keyScratch.withUnsafeMutableBufferPointer { target in
                        rowScratch.withUnsafeMutableBufferPointer { targetRows in
                            histogram.withUnsafeMutableBufferPointer { offsets in
                                for index in 0..<count {
                                    let value = source[index]
                                    let digit = Int((value &>> s) & mask)
                                    let position = offsets[digit]
                                    target[position] = value
                                    targetRows[position] = sourceRows[index]
                                    offsets[digit] = position &+ 1
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &keyScratch)
            swap(&rows, &rowScratch)
            shift += digitBits
        }
    }

    static func sort(_ values: inout [UInt64], bits: Int) {
        let count = values.count
        if count < 256 {
            values.sort()
            return
        }
        let digitBits = 11
        let buckets = 1 << digitBits
        var scratch = [UInt64](repeating: 0, count: count)
        var histogram = [Int](repeating: 0, count: buckets)
        var shift = 0
        while shift < bits {
            let s = UInt64(shift)
            let mask = UInt64(buckets - 1)
            for index in 0..<buckets { histogram[index] = 0 }
            values.withUnsafeBufferPointer { source in
                histogram.withUnsafeMutableBufferPointer { histogram in
                    for value in source { histogram[Int((value &>> s) & mask)] &+= 1 }
                }
            }
            // A digit that is the same everywhere needs no pass.
            if histogram.contains(count) {
                shift += digitBits
                continue
            }
            var total = 0
            for index in 0..<buckets {
                let c = histogram[index]
                histogram[index] = total
                total += c
            }
            values.withUnsafeBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { target in
                    histogram.withUnsafeMutableBufferPointer { offsets in
                        for value in source {
                            let digit = Int((value &>> s) & mask)
                            target[offsets[digit]] = value
                            offsets[digit] &+= 1
                        }
                    }
                }
            }
            swap(&values, &scratch)
            shift += digitBits
        }
    }
}

/// Each row's frame as sorted positions `starts[i]..<ends[i]` (empty when `ends[i] <= starts[i]`).
struct Frames {
    var starts: ContiguousArray<Int32>
    var ends: ContiguousArray<Int32>

    /// How a bound is computed, decoded once.
    private enum Kind {
        case unbounded, current, preceding(Int64), following(Int64)
    }

    init(
        _ frame: WindowCall.Frame, _ ordering: WindowOrdering,
        orderKey: (column: Column, descending: Bool, nullsFirst: Bool)?
    ) throws {
        let rowCount = ordering.rowCount
        if frame.unit == .range, frame.hasOffset, let orderKey {
            var starts = ContiguousArray<Int32>(repeating: 0, count: rowCount)
            var ends = ContiguousArray<Int32>(repeating: 0, count: rowCount)
            try Self.rangeFrames(frame, ordering, orderKey, &starts, &ends)
            self.starts = starts
            self.ends = ends
            return
        }
        func kind(_ bound: WindowCall.Frame.Bound) -> Kind {
            switch bound {
            case .unboundedPreceding, .unboundedFollowing: .unbounded
            case .currentRow: .current
            case .preceding(let value): .preceding(Self.rows(value))
            case .following(let value): .following(Self.rows(value))
            }
        }
        let byRows = frame.unit == .rows
        // RANGE … CURRENT ROW bounds are the peer boundaries, shared rather than copied.
        if !byRows, case .currentRow = frame.start {
            starts = ordering.peerStarts
        } else {
            starts = Self.positions(kind(frame.start), ordering, isStart: true, byRows: byRows)
        }
        if !byRows, case .currentRow = frame.end {
            ends = ordering.peerEnds
        } else {
            ends = Self.positions(kind(frame.end), ordering, isStart: false, byRows: byRows)
        }
    }

    /// One end of every row's frame (`isStart`: first row; else one past the last).
    private static func positions(_ kind: Kind, _ ordering: WindowOrdering, isStart: Bool, byRows: Bool)
        -> ContiguousArray<Int32>
    {
        var result = ContiguousArray<Int32>(repeating: 0, count: ordering.rowCount)
        result.withUnsafeMutableBufferPointer { out in
            for partition in 0..<ordering.partitionCount {
                let first = ordering.partitionStarts[partition]
                let last = ordering.partitionStarts[partition + 1]
                switch kind {
                case .unbounded:
                    let value = Int32(truncatingIfNeeded: isStart ? first : last)
                    for row in first..<last { out[row] = value }
                case .current:
                    // ROWS (RANGE takes the peer arrays).
                    for row in first..<last { out[row] = Int32(truncatingIfNeeded: isStart ? row : row + 1) }
                case .preceding(let k):
                    let reach = isStart ? 0 : 1
                    for row in first..<last {
                        out[row] = Int32(truncatingIfNeeded: row + reach - Int(min(k, Int64(row + reach - first))))
                    }
                case .following(let k):
                    let reach = isStart ? 0 : 1
                    for row in first..<last {
                        out[row] = Int32(truncatingIfNeeded: row + reach + Int(min(k, Int64(last - row - reach))))
                    }
                }
            }
        }
        return result
    }

    static func rows(_ value: ScalarValue) -> Int64 {
        if case .integer(let n) = value { return max(0, n) }
        return 0
    }

    /// RANGE frames with offsets over one numeric ORDER BY key. A NULL key's offset bounds are
    /// its peer group (the other NULLs), as in DuckDB.
    private static func rangeFrames(
        _ frame: WindowCall.Frame, _ ordering: WindowOrdering,
        _ orderKey: (column: Column, descending: Bool, nullsFirst: Bool),
        _ starts: inout ContiguousArray<Int32>, _ ends: inout ContiguousArray<Int32>
    ) throws {
        switch orderKey.column {
        case .float32(let c):
            let values = ContiguousArray(c.values.map { Double($0) })
            try rangeFrames(frame, ordering, values, c.validity, orderKey.descending, &starts, &ends) { Self.double($0) }
        case .float64(let c):
            try rangeFrames(frame, ordering, c.values, c.validity, orderKey.descending, &starts, &ends) { Self.double($0) }
        case .decimal64, .decimal128:
            guard let c = orderKey.column.decimalValues else { return }
            try rangeFrames(frame, ordering, c.values, c.validity, orderKey.descending, &starts, &ends) { value in
                if case .decimal(let n, _) = value { return n }
                return 0
            }
        default:
            guard let values = PackedKeys.integers(orderKey.column) else {
                throw ExecutionError.failed("RANGE frame offsets need a numeric ORDER BY key")
            }
            let wide = ContiguousArray(values.map { Int128($0) })
            try rangeFrames(frame, ordering, wide, orderKey.column.validity, orderKey.descending, &starts, &ends) { value in
                if case .integer(let n) = value { return Int128(n) }
                return 0
            }
        }
    }

    static func double(_ value: ScalarValue) -> Double {
        switch value {
        case .float(let d): d
        case .integer(let n): Double(n)
        default: 0
        }
    }

    private static func rangeFrames<T: RangeKey>(
        _ frame: WindowCall.Frame, _ ordering: WindowOrdering, _ values: ContiguousArray<T>, _ validity: ValidityBitmap?,
        _ descending: Bool, _ starts: inout ContiguousArray<Int32>, _ ends: inout ContiguousArray<Int32>,
        _ convert: (ScalarValue) -> T
    ) throws {
        // Bound kinds: 0 unbounded, 1 current row, 2 preceding, 3 following.
        func decode(_ bound: WindowCall.Frame.Bound) -> (Int, T) {
            switch bound {
            case .unboundedPreceding, .unboundedFollowing: (0, T.zero)
            case .currentRow: (1, T.zero)
            case .preceding(let v): (2, convert(v))
            case .following(let v): (3, convert(v))
            }
        }
        let (startKind, startOffset) = decode(frame.start)
        let (endKind, endOffset) = decode(frame.end)
        values.withUnsafeBufferPointer { keys in
            for partition in 0..<ordering.partitionCount {
                let first = ordering.partitionStarts[partition]
                let last = ordering.partitionStarts[partition + 1]
                // The non-null rows are one run inside the partition.
                var low = first
                var high = last
                if let validity {
                    while low < high && !validity.isValid(low) { low += 1 }
                    while high > low && !validity.isValid(high - 1) { high -= 1 }
                }
                for row in first..<last {
                    let isNull = validity.map { !$0.isValid(row) } ?? false
                    var start: Int
                    var end: Int
                    switch startKind {
                    case 0: start = first
                    case 1: start = ordering.peerStart(row)
                    default:
                        if isNull {
                            start = ordering.peerStart(row)
                        } else {
                            // preceding: values within `offset` before; following: after.
                            let towardsStart = startKind == 2
                            let bound = T.shifted(keys[row], by: startOffset, up: towardsStart == descending)
                            start = firstIndex(keys, low, high, bound, descending: descending, strict: false)
                        }
                    }
                    switch endKind {
                    case 0: end = last
                    case 1: end = ordering.peerEnd(row)
                    default:
                        if isNull {
                            end = ordering.peerEnd(row)
                        } else {
                            let towardsStart = endKind == 2
                            let bound = T.shifted(keys[row], by: endOffset, up: towardsStart == descending)
                            end = firstIndex(keys, low, high, bound, descending: descending, strict: true)
                        }
                    }
                    starts[row] = Int32(truncatingIfNeeded: start)
                    ends[row] = Int32(truncatingIfNeeded: end)
                }
            }
        }
    }

    /// The first position in `low..<high` whose key is past `bound` in the sort direction: at
    /// or past it (`strict` false) or strictly past it.
    @inline(__always)
    private static func firstIndex<T: RangeKey>(
        _ keys: UnsafeBufferPointer<T>, _ low: Int, _ high: Int, _ bound: T, descending: Bool, strict: Bool
    ) -> Int {
        var lo = low
        var hi = high
        while lo < hi {
            let mid = (lo + hi) / 2
            let key = keys[mid]
            let before: Bool
            if descending {
                before = strict ? !(key < bound) : key > bound
            } else {
                before = strict ? !(key > bound) : key < bound
            }
            if before { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

/// An ORDER BY key type that RANGE offsets apply to.
protocol RangeKey: Comparable {
    static var zero: Self { get }
    /// `value + offset` (`up`) or `value - offset`, saturating.
    static func shifted(_ value: Self, by offset: Self, up: Bool) -> Self
}

extension Double: RangeKey {
    static func shifted(_ value: Double, by offset: Double, up: Bool) -> Double { up ? value + offset : value - offset }
}

extension Int128: RangeKey {
    static func shifted(_ value: Int128, by offset: Int128, up: Bool) -> Int128 {
        let (result, overflow) = up ? value.addingReportingOverflow(offset) : value.subtractingReportingOverflow(offset)
        if overflow { return up ? Int128.max : Int128.min }
        return result
    }
}
