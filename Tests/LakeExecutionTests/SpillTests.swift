import LakeColumnar
import Testing

@testable import LakeExecution

/// The memory budget and spilling (SPEC.md §8.9): every operator gives the same answer with a
/// tiny budget (and spills) as without one.
@Suite("Spilling")
struct SpillTests {
    /// `partitions` batches of `rows` rows: k (many distinct values), g (a few), s (text), v (with NULLs).
    static func source(partitions: Int, rows: Int, distinct: Int) -> MemorySource {
        let schema = Schema([Field("k", .int64), Field("g", .int32), Field("s", .string), Field("v", .float64)])
        var batches: [RecordBatch] = []
        for partition in 0..<partitions {
            let base = partition * rows
            let keys = (0..<rows).map { Int64((($0 + base) &* 7919) % distinct) }
            var validity = ValidityBitmap(allValidCount: rows)
            for row in stride(from: 3, to: rows, by: 11) { validity.setNull(at: row) }
            let text = StringColumn((0..<rows).map { row in row % 13 == 0 ? nil : "s\(keys[row] % 97)" })
            batches.append(
                RecordBatch(
                    schema: schema,
                    columns: [
                        .int64(PrimitiveColumn(values: ContiguousArray(keys))),
                        .int32(PrimitiveColumn(values: ContiguousArray((0..<rows).map { Int32(($0 + base) % 5) }))),
                        .string(text),
                        .float64(
                            PrimitiveColumn(values: ContiguousArray((0..<rows).map { Double(($0 + base) % 1000) / 8 }), validity: validity)),
                    ],
                    rowCount: rows))
        }
        return MemorySource(schema: schema, batches: batches)
    }

    static func rows(_ batches: [RecordBatch], sorted: Bool = true) -> [String] {
        let rows = ExecutorTests.rows(batches)
        return sorted ? rows.sorted() : rows
    }

    static let tiny = 64 << 10

    @Test("a spill file gives back every type, NULLs included")
    func roundTrip() throws {
        let budget = MemoryBudget(limit: Self.tiny)
        let file = try SpillFile(budget: budget)
        let source = Self.source(partitions: 2, rows: 1000, distinct: 100)
        let decimals = PrimitiveColumn(values: ContiguousArray((0..<1000).map { Int128($0) * 1_000_000_000_000 }))
        let extra = Schema([Field("d", .decimal(precision: 30, scale: 3)), Field("t", .timestamp), Field("b", .boolean)])
        let extraBatch = RecordBatch(
            schema: extra,
            columns: [
                .decimal128(decimals, precision: 30, scale: 3),
                .timestamp(PrimitiveColumn(values: ContiguousArray((0..<1000).map { Int64($0) * 1_000_000 }))),
                .boolean(PrimitiveColumn(values: ContiguousArray((0..<1000).map { $0 % 3 == 0 }), validity: ValidityBitmap((0..<1000).map { $0 % 7 != 0 }))),
            ],
            rowCount: 1000)
        for batch in source.batches { try file.append(batch) }
        #expect(file.batchCount == 2)
        #expect(file.rowCount == 2000)
        #expect(try file.readAll(schema: source.schema) == source.batches)
        let other = try SpillFile(budget: budget)
        try other.append(extraBatch)
        #expect(try other.read(0, schema: extra) == extraBatch)
        #expect(budget.spilledBytes > 0)
    }

    @Test("the budget refuses what does not fit and gives back what is released")
    func budget() throws {
        let budget = MemoryBudget(limit: 1000)
        #expect(budget.tryReserve(600))
        #expect(!budget.tryReserve(600))
        budget.release(600)
        #expect(budget.tryReserve(1000))
        #expect(throws: ExecutionError.outOfMemoryBudget(operator: "x", limit: 1000)) { try budget.reserve(1, for: "x") }
        budget.release(1000)
        #expect(budget.usedBytes == 0)
        #expect(budget.peakBytes == 1000)
        #expect(ExecutionError.outOfMemoryBudget(operator: "sort", limit: 500 << 20).description.contains("500 MiB"))
    }

    func execute(_ plan: PhysicalPlan, threads: Int, limit: Int?) async throws -> (batches: [RecordBatch], spilled: Int) {
        let budget = limit.map { MemoryBudget(limit: $0) } ?? .unlimited
        let batches = try await Executor(threads: threads, memory: budget).execute(plan)
        #expect(budget.usedBytes == 0, "every reservation is given back")
        return (batches, budget.spilledBytes)
    }

    @Test("hash aggregation spills by key hash and combines to the same groups", arguments: [1, 3])
    func aggregation(threads: Int) async throws {
        let source = Self.source(partitions: 6, rows: 20_000, distinct: 50_000)
        let k = PhysicalExpression.column(0, .int64)
        let s = PhysicalExpression.column(2, .string)
        let v = PhysicalExpression.column(3, .float64)
        let calls = [
            AggregateCall(function: .countStar, argument: nil, type: .int64),
            AggregateCall(function: .count, argument: v, type: .int64),
            AggregateCall(function: .sum, argument: v, type: .float64),
            AggregateCall(function: .avg, argument: v, type: .float64),
            AggregateCall(function: .min, argument: s, type: .string),
            AggregateCall(function: .max, argument: v, type: .float64),
        ]
        let fields = [Field("k", .int64), Field("s", .string)] + calls.enumerated().map { Field("a\($0.offset)", $0.element.type) }
        let plan = PhysicalPlan.aggregate(.scan(source), groups: [k, s], aggregates: calls, Schema(fields))
        let expected = try await execute(plan, threads: threads, limit: nil)
        let spilled = try await execute(plan, threads: threads, limit: Self.tiny)
        #expect(expected.spilled == 0)
        #expect(spilled.spilled > 0)
        #expect(Self.rows(spilled.batches) == Self.rows(expected.batches))
        #expect(Self.rows(expected.batches).count > 40_000)
    }

    @Test("a worker's table that hardly reduces its rows is set aside past 256k groups and combined by partition")
    func flushedPartials() async throws {
        // 360k rows, every key distinct: the one worker sets its table aside once.
        let source = Self.source(partitions: 6, rows: 60_000, distinct: 10_000_000)
        let calls = [
            AggregateCall(function: .countStar, argument: nil, type: .int64),
            AggregateCall(function: .sum, argument: .column(3, .float64), type: .float64),
        ]
        let plan = PhysicalPlan.aggregate(
            .scan(source), groups: [.column(0, .int64)], aggregates: calls,
            Schema([Field("k", .int64), Field("n", .int64), Field("s", .float64)]))
        let result = try await execute(plan, threads: 1, limit: nil)
        #expect(Executor.flushGroups < 360_000)
        #expect(result.batches.reduce(0) { $0 + $1.rowCount } == 360_000)
        var total = 0.0
        var expected = 0.0
        for batch in result.batches {
            guard case .int64(let counts) = batch.columns[1], case .float64(let sums) = batch.columns[2] else {
                Issue.record("unexpected column types")
                return
            }
            #expect(counts.values.allSatisfy { $0 == 1 })
            for row in 0..<batch.rowCount { total += sums[row] ?? 0 }
        }
        for batch in source.batches {
            guard case .float64(let values) = batch.columns[3] else { continue }
            for row in 0..<batch.rowCount { expected += values[row] ?? 0 }
        }
        #expect(abs(total - expected) <= 1e-6 * max(1, abs(expected)))
    }

    @Test("DISTINCT spills too", arguments: [1, 2])
    func distinct(threads: Int) async throws {
        let source = Self.source(partitions: 4, rows: 20_000, distinct: 30_000)
        let plan = PhysicalPlan.distinct(
            .project(.scan(source), [.column(0, .int64), .column(1, .int32)], Schema([Field("k", .int64), Field("g", .int32)])))
        let expected = try await execute(plan, threads: threads, limit: nil)
        let spilled = try await execute(plan, threads: threads, limit: Self.tiny)
        #expect(spilled.spilled > 0)
        #expect(Self.rows(spilled.batches) == Self.rows(expected.batches))
    }

    @Test("DISTINCT aggregates cannot spill: a clear out-of-budget error")
    func distinctAggregateError() async throws {
        let source = Self.source(partitions: 4, rows: 20_000, distinct: 30_000)
        var call = AggregateCall(function: .sum, argument: .column(3, .float64), type: .float64)
        call.distinct = true
        let plan = PhysicalPlan.aggregate(
            .scan(source), groups: [.column(0, .int64)], aggregates: [call], Schema([Field("k", .int64), Field("s", .float64)]))
        await #expect(throws: ExecutionError.outOfMemoryBudget(operator: "hash aggregation with DISTINCT or holistic aggregates (median, quantile_cont, string_agg, …)", limit: Self.tiny)) {
            _ = try await self.execute(plan, threads: 2, limit: Self.tiny)
        }
    }

    @Test("ORDER BY merges sorted runs from disk into the same order", arguments: [1, 2])
    func sort(threads: Int) async throws {
        let source = Self.source(partitions: 5, rows: 10_000, distinct: 4_000)
        let keys = [
            SortKey(expression: .column(2, .string), descending: true, nullsFirst: true),
            SortKey(expression: .column(3, .float64), descending: false, nullsFirst: false),
            SortKey(expression: .column(0, .int64), descending: false, nullsFirst: false),
            SortKey(expression: .column(1, .int32), descending: false, nullsFirst: false),
        ]
        let plan = PhysicalPlan.sort(.scan(source), keys, limit: nil)
        let expected = try await execute(plan, threads: threads, limit: nil)
        let spilled = try await execute(plan, threads: threads, limit: Self.tiny)
        #expect(spilled.spilled > 0)
        // Rows equal in every key may come in either order: compare the key columns in order, and
        // the whole rows as a multiset.
        func keyRows(_ batches: [RecordBatch]) -> [String] {
            batches.flatMap { batch in
                (0..<batch.rowCount).map { row in
                    [2, 3, 0, 1].map { batch.columns[$0].isValid(row) ? "\(batch.columns[$0].scalar(at: row))" : "NULL" }
                        .joined(separator: "|")
                }
            }
        }
        #expect(keyRows(spilled.batches) == keyRows(expected.batches))
        #expect(Self.rows(spilled.batches) == Self.rows(expected.batches))
        #expect(keyRows(expected.batches).count == 50_000)
    }

    @Test("a hash join over budget runs partition by partition with the same rows", arguments: [JoinKind.inner, .left, .right, .full])
    func join(kind: JoinKind) async throws {
        let left = Self.source(partitions: 4, rows: 10_000, distinct: 20_000)
        let right = Self.source(partitions: 2, rows: 10_000, distinct: 30_000)
        let schema = Schema(left.schema.fields + right.schema.fields)
        // Matching keys here have equal v on both sides; the residual keeps some pairs (for LEFT
        // JOIN it decides which left rows found a match).
        let residual = PhysicalExpression.call(
            .less, [.column(3, .float64), .literal(.float(60), .float64)], .boolean)
        let plan = PhysicalPlan.hashJoin(
            .scan(left), .scan(right), kind, leftKeys: [.column(0, .int64), .column(2, .string)],
            rightKeys: [.column(0, .int64), .column(2, .string)], residual: residual, schema)
        let expected = try await execute(plan, threads: 2, limit: nil)
        let spilled = try await execute(plan, threads: 2, limit: Self.tiny)
        #expect(spilled.spilled > 0)
        #expect(Self.rows(spilled.batches) == Self.rows(expected.batches))
        #expect(Self.rows(expected.batches).count > 1000)
    }

    @Test("a join without equality keys over budget stops with a clear error")
    func crossJoinError() async throws {
        let left = Self.source(partitions: 2, rows: 10_000, distinct: 100)
        let schema = Schema(left.schema.fields + left.schema.fields)
        let plan = PhysicalPlan.hashJoin(.scan(left), .scan(left), .inner, leftKeys: [], rightKeys: [], residual: nil, schema)
        await #expect(throws: ExecutionError.outOfMemoryBudget(operator: "join without equality keys", limit: Self.tiny)) {
            _ = try await self.execute(plan, threads: 1, limit: Self.tiny)
        }
    }
}
