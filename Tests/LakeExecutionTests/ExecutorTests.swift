import LakeColumnar
import Testing

@testable import LakeExecution

/// An in-memory source: one partition per batch.
struct MemorySource: BatchSource {
    let schema: Schema
    let batches: [RecordBatch]
    var partitionCount: Int { batches.count }
    func read(partition: Int) async throws -> [RecordBatch] { [batches[partition]] }
    var summary: String { "memory" }
}

@Suite("Executor")
struct ExecutorTests {
    static func source(partitions: Int, rows: Int) -> MemorySource {
        let schema = Schema([Field("k", .int64), Field("v", .int64), Field("d", .decimal(precision: 10, scale: 2))])
        var batches: [RecordBatch] = []
        for partition in 0..<partitions {
            let base = partition * rows
            let keys = PrimitiveColumn(values: ContiguousArray((0..<rows).map { Int64(($0 + base) % 7) }))
            var validity = ValidityBitmap(allValidCount: rows)
            for row in stride(from: 0, to: rows, by: 5) { validity.setNull(at: row) }
            let values = PrimitiveColumn(values: ContiguousArray((0..<rows).map { Int64($0 + base) }), validity: validity)
            let decimals = PrimitiveColumn(values: ContiguousArray((0..<rows).map { Int64(($0 + base) * 3) }))
            batches.append(
                RecordBatch(
                    schema: schema, columns: [.int64(keys), .int64(values), .decimal64(decimals, precision: 10, scale: 2)],
                    rowCount: rows))
        }
        return MemorySource(schema: schema, batches: batches)
    }

    static func plan(_ source: MemorySource, grouped: Bool) -> PhysicalPlan {
        let k = PhysicalExpression.column(0, .int64)
        let v = PhysicalExpression.column(1, .int64)
        let d = PhysicalExpression.column(2, .decimal(precision: 10, scale: 2))
        let filtered = PhysicalPlan.filter(
            .scan(source), .call(.greater, [k, .literal(.integer(0), .int64)], .boolean))
        let calls = [
            AggregateCall(function: .countStar, argument: nil, type: .int64),
            AggregateCall(function: .count, argument: v, type: .int64),
            AggregateCall(function: .sum, argument: v, type: .int64),
            AggregateCall(function: .avg, argument: v, type: .float64),
            AggregateCall(function: .avg, argument: d, type: .float64),
            AggregateCall(function: .sum, argument: d, type: .decimal(precision: 38, scale: 2)),
            AggregateCall(function: .min, argument: v, type: .int64),
            AggregateCall(function: .max, argument: d, type: .decimal(precision: 10, scale: 2)),
        ]
        let groups = grouped ? [k] : []
        let fields = (grouped ? [Field("k", .int64)] : []) + calls.enumerated().map { Field("a\($0.offset)", $0.element.type) }
        let aggregate = PhysicalPlan.aggregate(filtered, groups: groups, aggregates: calls, Schema(fields))
        return .sort(aggregate, [SortKey(expression: .column(0, fields[0].type), descending: false, nullsFirst: false)], limit: nil)
    }

    static func rows(_ batches: [RecordBatch]) -> [String] {
        batches.flatMap { batch in
            (0..<batch.rowCount).map { row in
                batch.columns.map { $0.isValid(row) ? "\($0.scalar(at: row))" : "NULL" }.joined(separator: "|")
            }
        }
    }

    @Test("parallel two-phase aggregation equals the one-thread result", arguments: [false, true])
    func parallelAggregation(grouped: Bool) async throws {
        for (partitions, rows) in [(1, 10), (3, 100), (8, 1000), (5, 0), (2, 150_000), (1, 150_000)] {
            let source = Self.source(partitions: partitions, rows: rows)
            let one = try await Executor(threads: 1).execute(Self.plan(source, grouped: grouped))
            let four = try await Executor(threads: 4).execute(Self.plan(source, grouped: grouped))
            #expect(Self.rows(one) == Self.rows(four), "partitions \(partitions), rows \(rows)")
        }
    }

    @Test("top-N keeps the first rows of a full sort")
    func topN() async throws {
        let source = Self.source(partitions: 4, rows: 500)
        let key = SortKey(expression: .column(1, .int64), descending: true, nullsFirst: false)
        let full = try await Executor(threads: 2).execute(.sort(.scan(source), [key], limit: nil))
        let top = try await Executor(threads: 2).execute(.limit(.sort(.scan(source), [key], limit: 10), limit: 10, offset: 0))
        #expect(Self.rows(top) == Array(Self.rows(full).prefix(10)))
    }
}
