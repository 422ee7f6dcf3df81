import LakeColumnar
import Testing

@testable import LakeExecution

/// The window operator against a scalar reference: every frame computed row by row.
@Suite("Window operator")
struct WindowTests {
    static let rowCounts = [0, 1, 2, 63, 64, 65, 300]

    /// Rows: id (input position), p (partition key, some NULL), o (order key with ties and NULLs),
    /// v (BIGINT with NULLs), s (p as text, to take the byte-key path).
    static func input(rows: Int, seed: UInt64) -> RecordBatch {
        var state = seed
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        var p: [Int64?] = []
        var o: [Int64?] = []
        var v: [Int64?] = []
        for _ in 0..<rows {
            let a = next()
            p.append(a % 11 == 0 ? nil : Int64(a % 4))
            let b = next()
            o.append(b % 9 == 0 ? nil : Int64(b % 7) - 3)
            let c = next()
            v.append(c % 6 == 0 ? nil : Int64(c % 1000) - 500)
        }
        func column(_ values: [Int64?]) -> Column {
            let validity = ValidityBitmap(values.map { $0 != nil })
            return .int64(
                PrimitiveColumn(values: ContiguousArray(values.map { $0 ?? 0 }), validity: validity.nullCount == 0 ? nil : validity))
        }
        let ids = Column.int64(PrimitiveColumn(values: ContiguousArray((0..<rows).map(Int64.init))))
        let text = Column.string(StringColumn(p.map { $0.map { "k\($0)" } }))
        let schema = Schema([Field("id", .int64), Field("p", .int64), Field("o", .int64), Field("v", .int64), Field("s", .string)])
        return RecordBatch(schema: schema, columns: [ids, column(p), column(o), column(v), text], rowCount: rows)
    }

    static let frames: [(WindowCall.Frame, String)] = [
        (.default, "default"),
        (WindowCall.Frame(unit: .rows, start: .preceding(.integer(2)), end: .following(.integer(1))), "rows 2p 1f"),
        (WindowCall.Frame(unit: .rows, start: .unboundedPreceding, end: .currentRow), "rows running"),
        (WindowCall.Frame(unit: .rows, start: .following(.integer(1)), end: .following(.integer(3))), "rows 1f 3f"),
        (WindowCall.Frame(unit: .rows, start: .preceding(.integer(3)), end: .preceding(.integer(1))), "rows 3p 1p"),
        (WindowCall.Frame(unit: .range, start: .preceding(.integer(2)), end: .following(.integer(1))), "range 2p 1f"),
        (WindowCall.Frame(unit: .range, start: .currentRow, end: .unboundedFollowing), "range current to end"),
        (WindowCall.Frame(unit: .rows, start: .unboundedPreceding, end: .preceding(.integer(1))), "rows to 1p"),
        (WindowCall.Frame(unit: .range, start: .unboundedPreceding, end: .following(.integer(2))), "range to 2f"),
    ]

    /// The reference: per row, the sorted partition, its frame, and the function over it.
    static func reference(
        _ batch: RecordBatch, _ function: String, frame: WindowCall.Frame, descending: Bool
    ) -> [Int64?] {
        let rows = batch.rowCount
        let columns = (0..<4).map { column in
            (0..<rows).map { row -> Int64? in
                guard batch.columns[column].isValid(row), case .integer(let n) = batch.columns[column].scalar(at: row) else {
                    return nil
                }
                return n
            }
        }
        func value(_ column: Int, _ row: Int) -> Int64? { columns[column][row] }
        // ORDER BY o [DESC], NULLs last, ties by input position (the operator's sort is stable).
        func before(_ a: Int, _ b: Int) -> Bool {
            let x = value(2, a)
            let y = value(2, b)
            if x == y { return a < b }
            guard let x else { return false }
            guard let y else { return true }
            return descending ? x > y : x < y
        }
        var result = [Int64?](repeating: nil, count: rows)
        var partitions: [Int64?: [Int]] = [:]
        for row in 0..<rows { partitions[value(1, row), default: []].append(row) }
        for key in partitions.keys { partitions[key]!.sort(by: before) }
        for row in 0..<rows {
            let partition = partitions[value(1, row)]!
            let i = partition.firstIndex(of: row)!
            let n = partition.count
            let key = value(2, row)
            let peers = partition.indices.filter { value(2, partition[$0]) == key }
            func position(_ bound: WindowCall.Frame.Bound, isStart: Bool) -> Int {
                switch bound {
                case .unboundedPreceding: return 0
                case .unboundedFollowing: return n
                case .currentRow:
                    if frame.unit == .rows { return isStart ? i : i + 1 }
                    return isStart ? peers.first! : peers.last! + 1
                case .preceding(.integer(let k)), .following(.integer(let k)):
                    var isPreceding = false
                    if case .preceding = bound { isPreceding = true }
                    if frame.unit == .rows {
                        let target = isPreceding ? i - Int(k) : i + Int(k)
                        return min(max(isStart ? target : target + 1, 0), n)
                    }
                    guard let key else { return isStart ? peers.first! : peers.last! + 1 }
                    // Values in the direction of the bound, by the sort direction.
                    let up = isPreceding == descending
                    let limit = up ? key + k : key - k
                    let inside = partition.indices.filter { index in
                        guard let other = value(2, partition[index]) else { return false }
                        if isStart { return descending ? other <= limit : other >= limit }
                        return descending ? other < limit : other > limit
                    }
                    return inside.first ?? partition.indices.filter { value(2, partition[$0]) != nil }.last.map { $0 + 1 } ?? 0
                default: return 0
                }
            }
            switch function {
            case "row_number": result[row] = Int64(i + 1)
            case "rank": result[row] = Int64(peers.first! + 1)
            default:
                let start = position(frame.start, isStart: true)
                let end = position(frame.end, isStart: false)
                let values = start < end ? partition[start..<end].map { value(3, $0) } : []
                let present = values.compactMap { $0 }
                switch function {
                case "count_star": result[row] = Int64(values.count)
                case "count": result[row] = Int64(present.count)
                case "sum": result[row] = present.isEmpty ? nil : present.reduce(0, +)
                case "min": result[row] = present.min()
                case "max": result[row] = present.max()
                default: break
                }
            }
        }
        return result
    }

    static func run(_ batch: RecordBatch, _ call: WindowCall) throws -> [Int64?] {
        let schema = Schema(batch.schema.fields + [Field("w", call.type)])
        let output = try WindowOperator.evaluate(batch, calls: [call], passing: Array(0..<batch.columns.count), schema: schema)
        var result = [Int64?](repeating: nil, count: batch.rowCount)
        for position in 0..<output.rowCount {
            guard case .integer(let id) = output.columns[0].scalar(at: position) else { continue }
            let column = output.columns[5]
            guard column.isValid(position) else { continue }
            switch column.scalar(at: position) {
            case .integer(let n): result[Int(id)] = n
            case .float(let d): result[Int(id)] = Int64(exactly: d)
            default: break
            }
        }
        return result
    }

    @Test("aggregates over frames match the reference", arguments: rowCounts)
    func aggregatesMatchReference(rows: Int) throws {
        let batch = Self.input(rows: rows, seed: UInt64(rows) + 7)
        let v = PhysicalExpression.column(3, .int64)
        for byText in [false, true] {
            let partition: PhysicalExpression = byText ? .column(4, .string) : .column(1, .int64)
            for descending in [false, true] {
                let order = [SortKey(expression: .column(2, .int64), descending: descending, nullsFirst: false)]
                for (frame, name) in Self.frames {
                    let functions: [(String, AggregateCall)] = [
                        ("count_star", AggregateCall(function: .countStar, argument: nil, type: .int64)),
                        ("count", AggregateCall(function: .count, argument: v, type: .int64)),
                        ("sum", AggregateCall(function: .sum, argument: v, type: .int64)),
                        ("min", AggregateCall(function: .min, argument: v, type: .int64)),
                        ("max", AggregateCall(function: .max, argument: v, type: .int64)),
                        ("sum", AggregateCall(function: .sum, argument: .cast(v, .float64, isTry: false), type: .float64)),
                        ("max", AggregateCall(function: .max, argument: .cast(v, .float64, isTry: false), type: .float64)),
                    ]
                    for (label, aggregate) in functions {
                        let call = WindowCall(
                            function: .aggregate, aggregate: aggregate, partitionBy: [partition], orderBy: order, frame: frame,
                            type: aggregate.type)
                        let expected = Self.reference(batch, label, frame: frame, descending: descending)
                        let actual = try Self.run(batch, call)
                        #expect(actual == expected, "\(label) \(name) desc=\(descending) text=\(byText) rows=\(rows)")
                    }
                }
                for function in [WindowCall.Function.rowNumber, .rank] {
                    let call = WindowCall(function: function, partitionBy: [partition], orderBy: order, type: .int64)
                    let expected = Self.reference(batch, function.rawValue, frame: .default, descending: descending)
                    #expect(try Self.run(batch, call) == expected, "\(function) desc=\(descending) rows=\(rows)")
                }
            }
        }
    }

    @Test("hash-partitioned parallel evaluation gives the same rows", arguments: [false, true])
    func parallelMatchesSerial(byText: Bool) async throws {
        let batch = Self.input(rows: 500, seed: 3)
        let partition: PhysicalExpression = byText ? .column(4, .string) : .column(1, .int64)
        let order = [SortKey(expression: .column(2, .int64), descending: false, nullsFirst: true)]
        let calls = [
            WindowCall(function: .rowNumber, partitionBy: [partition], orderBy: order, type: .int64),
            WindowCall(
                function: .aggregate, aggregate: AggregateCall(function: .sum, argument: .column(3, .int64), type: .int64),
                partitionBy: [partition], orderBy: order,
                frame: WindowCall.Frame(unit: .rows, start: .preceding(.integer(1)), end: .currentRow), type: .int64),
        ]
        let schema = Schema(batch.schema.fields + [Field("rn", .int64), Field("s", .int64)])
        let pieces = [batch.slice(0..<100), batch.slice(100..<350), batch.slice(350..<500)]
        func rows(_ batches: [RecordBatch]) -> [String] {
            batches.flatMap { b in (0..<b.rowCount).map { r in b.columns.map { "\($0.scalar(at: r))" }.joined(separator: "|") } }
                .sorted()
        }
        let passing = Array(0..<batch.columns.count)
        let serial = try await WindowOperator.evaluate(
            pieces, schema: batch.schema, calls: calls, passing: passing, schema: schema, threads: 1)
        let parallel = try await WindowOperator.evaluate(
            pieces, schema: batch.schema, calls: calls, passing: passing, schema: schema, threads: 3, minimumRows: 0)
        #expect(parallel.count > 1)
        #expect(rows(parallel) == rows(serial))
    }

    @Test("an input grouped by its partition key is cut at partition boundaries")
    func contiguousRanges() throws {
        let keys = Column.int64(PrimitiveColumn(values: [1, 1, 1, 2, 2, 3, 3, 3, 3, 4]))
        let batch = RecordBatch(schema: Schema([Field("k", .int64)]), columns: [keys], rowCount: 10)
        let ranges = try #require(try WindowOperator.contiguousRanges(batch, keys: [.column(0, .int64)], parts: 3))
        #expect(ranges == [0..<3, 3..<9, 9..<10])
        let unordered = Column.int64(PrimitiveColumn(values: [2, 1]))
        let other = RecordBatch(schema: batch.schema, columns: [unordered], rowCount: 2)
        #expect(try WindowOperator.contiguousRanges(other, keys: [.column(0, .int64)], parts: 2) == nil)
    }

    @Test("an input already in key order is not permuted")
    func sortedInputKeepsOrder() throws {
        let rows = 1000
        let keys = Column.int64(PrimitiveColumn(values: ContiguousArray((0..<rows).map { Int64($0 / 4) })))
        let lines = Column.int32(PrimitiveColumn(values: ContiguousArray((0..<rows).map { Int32($0 % 4) })))
        let batch = RecordBatch(schema: Schema([Field("k", .int64), Field("l", .int32)]), columns: [keys, lines], rowCount: rows)
        let ordering = try WindowOrdering(
            batch, partitionBy: [.column(0, .int64)],
            orderBy: [SortKey(expression: .column(1, .int32), descending: false, nullsFirst: false)])
        #expect(ordering.permutation == nil)
        #expect(ordering.partitionCount == rows / 4)
        #expect(ordering.peerEnd(5) == 6)
    }

    @Test("radix sort matches the standard sort", arguments: [0, 1, 255, 256, 5000])
    func radixSort(count: Int) {
        var state: UInt64 = 42
        var values = (0..<count).map { _ -> UInt64 in
            state = state &* 6_364_136_223_846_793_005 &+ 1
            return state >> 20
        }
        let expected = values.sorted()
        var keys = values.map { $0 & 0xFFF }
        var rows = (0..<count).map { Int32($0) }
        let pairs = zip(keys, rows).sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        RadixSort.sort(&values, bits: 44)
        #expect(values == expected)
        RadixSort.sort(&keys, carrying: &rows, bits: 12)
        #expect(keys == pairs.map(\.0))
        #expect(rows == pairs.map(\.1), "stable: ties keep row order")
    }
}
