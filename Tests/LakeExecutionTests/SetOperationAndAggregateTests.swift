import LakeColumnar
import Testing

@testable import LakeExecution

/// Set operations and the aggregates of SPEC.md §8.8 against scalar reference computations.
@Suite("Set operations and more aggregates")
struct SetOperationAndAggregateTests {
    static let rowCounts = [0, 1, 63, 64, 65, 1000]

    static func batch(_ values: [Int64?]) -> RecordBatch {
        let schema = Schema([Field("x", .int64)])
        let column = PrimitiveColumn(
            values: ContiguousArray(values.map { $0 ?? 0 }), validity: ValidityBitmap(values.map { $0 != nil }))
        return RecordBatch(schema: schema, columns: [.int64(column)], rowCount: values.count)
    }

    static func values(_ batch: RecordBatch) -> [Int64?] {
        guard case .int64(let column) = batch.columns[0] else { return [] }
        return (0..<batch.rowCount).map { column[$0] }
    }

    /// A multiset reference: `min(m, n)` (INTERSECT ALL) or `max(m - n, 0)` (EXCEPT ALL) copies.
    static func reference(_ kind: SetOperator.Kind, all: Bool, _ left: [Int64?], _ right: [Int64?]) -> [String] {
        var counts: [String: Int] = [:]
        for value in right { counts["\(String(describing: value))", default: 0] += 1 }
        var emitted = Set<String>()
        var result: [String] = []
        for value in left {
            let key = "\(String(describing: value))"
            let inRight = (counts[key] ?? 0) > 0
            if all {
                if inRight { counts[key]! -= 1 }
                if inRight == (kind == .intersect) { result.append(key) }
            } else if inRight == (kind == .intersect), emitted.insert(key).inserted {
                result.append(key)
            }
        }
        return result.sorted()
    }

    @Test("INTERSECT/EXCEPT [ALL] match a multiset reference, NULLs equal", arguments: rowCounts)
    func setOperations(rows: Int) throws {
        var left: [Int64?] = []
        var right: [Int64?] = []
        for row in 0..<rows { left.append(row % 9 == 0 ? nil : Int64(row % 5)) }
        for row in 0..<(rows / 2) { right.append(row % 7 == 0 ? nil : Int64(row % 3)) }
        let schema = Schema([Field("x", .int64)])
        for kind in [SetOperator.Kind.intersect, .except] {
            for all in [false, true] {
                let result = try SetOperator.run(
                    kind, all: all, left: [Self.batch(left)], right: [Self.batch(right)], schema: schema)
                let got = Self.values(result).map { "\(String(describing: $0))" }.sorted()
                #expect(got == Self.reference(kind, all: all, left, right), "\(kind) all=\(all)")
            }
        }
    }

    @Test("variance, median and bool_and over one group", arguments: rowCounts)
    func aggregates(rows: Int) throws {
        var values: [Int64?] = []
        for row in 0..<rows { values.append(row % 4 == 3 ? nil : Int64(row * 7 % 11)) }
        let input = Self.batch(values)
        let x = PhysicalExpression.column(0, .int64)
        let calls = [
            AggregateCall(function: .varSamp, argument: .cast(x, .float64, isTry: false), type: .float64),
            AggregateCall(function: .median, argument: .cast(x, .float64, isTry: false), type: .float64),
            AggregateCall(
                function: .boolAnd, argument: .call(.greater, [x, .literal(.integer(0), .int64)], .boolean), type: .boolean),
        ]
        let schema = Schema([Field("v", .float64), Field("m", .float64), Field("b", .boolean)])
        let aggregator = HashAggregator(groups: [], aggregates: calls, schema: schema)
        try aggregator.consume(input)
        let result = aggregator.finish()
        let present = values.compactMap { $0 }.map(Double.init)
        guard case .float64(let variance) = result.columns[0], case .float64(let median) = result.columns[1],
            case .boolean(let all) = result.columns[2]
        else {
            Issue.record("unexpected result types")
            return
        }
        if present.count < 2 {
            #expect(variance[0] == nil)
        } else {
            let mean = present.reduce(0, +) / Double(present.count)
            let expected = present.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(present.count - 1)
            #expect(abs((variance[0] ?? .nan) - expected) <= 1e-9 * max(1, expected))
        }
        let sorted = present.sorted()
        if sorted.isEmpty {
            #expect(median[0] == nil)
            #expect(all[0] == nil)
        } else {
            let middle = Double(sorted.count - 1) / 2
            let expected = (sorted[Int(middle.rounded(.down))] + sorted[Int(middle.rounded(.up))]) / 2
            #expect(median[0] == expected)
            #expect(all[0] == present.allSatisfy { $0 > 0 })
        }
    }
}
