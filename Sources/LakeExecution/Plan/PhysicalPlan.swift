import LakeColumnar
import Synchronization

/// Where a scan's batches come from: a set of independent partitions (files or row groups) that
/// can be read in parallel. Implemented by the engine for Delta tables and Parquet files.
public protocol BatchSource: Sendable {
    /// The columns every batch has.
    var schema: Schema { get }
    /// The number of independently readable parts.
    var partitionCount: Int { get }
    /// The batches of one part.
    func read(partition: Int) async throws -> [RecordBatch]
    /// A one-line description for EXPLAIN.
    var summary: String { get }
    /// At most how many rows the source yields, when known (choosing a join's build side).
    var rowCountBound: Int? { get }
}

extension BatchSource {
    /// Unknown by default.
    public var rowCountBound: Int? { nil }
}

/// The operators the executor runs, as a tree.
public indirect enum PhysicalPlan: Sendable {
    case scan(any BatchSource)
    case values(RecordBatch)
    case filter(PhysicalPlan, PhysicalExpression)
    case project(PhysicalPlan, [PhysicalExpression], Schema)
    case aggregate(PhysicalPlan, groups: [PhysicalExpression], aggregates: [AggregateCall], Schema)
    case hashJoin(
        PhysicalPlan, PhysicalPlan, JoinKind, leftKeys: [PhysicalExpression], rightKeys: [PhysicalExpression],
        residual: PhysicalExpression?, Schema)
    case sort(PhysicalPlan, [SortKey], limit: Int?)
    case limit(PhysicalPlan, limit: Int?, offset: Int)
    case distinct(PhysicalPlan)
    /// `UNION ALL`: every input's batches in turn, relabelled with the schema.
    case union([PhysicalPlan], Schema)
    /// `INTERSECT [ALL]` / `EXCEPT [ALL]` by hashing normalized row keys (``SetOperator``).
    case setOperation(SetOperator.Kind, all: Bool, PhysicalPlan, PhysicalPlan, Schema)
    /// Window functions: the input columns at `passing` (those read above), then one column per
    /// call (SPEC.md §8.6).
    case window(PhysicalPlan, [WindowCall], passing: [Int], Schema)

    /// The output columns.
    public var schema: Schema {
        switch self {
        case .scan(let source): source.schema
        case .values(let batch): batch.schema
        case .filter(let input, _), .sort(let input, _, _), .limit(let input, _, _), .distinct(let input): input.schema
        case .project(_, _, let schema), .aggregate(_, _, _, let schema), .hashJoin(_, _, _, _, _, _, let schema): schema
        case .union(_, let schema), .setOperation(_, _, _, _, let schema): schema
        case .window(_, _, _, let schema): schema
        }
    }

    /// The operator's one-line name for EXPLAIN.
    public var label: String {
        switch self {
        case .scan(let source): "SCAN \(source.summary)"
        case .values(let batch): "VALUES (\(batch.rowCount) row\(batch.rowCount == 1 ? "" : "s"))"
        case .filter(_, let predicate): "FILTER \(predicate)"
        case .project(_, let expressions, let schema):
            "PROJECT " + zip(expressions, schema.fields).map { "\($1.name) := \($0)" }.joined(separator: ", ")
        case .aggregate(_, let groups, let aggregates, _):
            "HASH_AGGREGATE groups=[\(groups.map(\.description).joined(separator: ", "))] aggregates=[\(aggregates.map(\.description).joined(separator: ", "))]"
        case .hashJoin(_, _, let kind, let leftKeys, _, let residual, _) where leftKeys.isEmpty:
            "NESTED_LOOP_JOIN \(kind.rawValue)" + (residual.map { " filter \($0)" } ?? "")
        case .hashJoin(_, _, let kind, let leftKeys, let rightKeys, let residual, _):
            "HASH_JOIN \(kind.rawValue) on [\(zip(leftKeys, rightKeys).map { "\($0) = \($1)" }.joined(separator: ", "))]"
                + (residual.map { " filter \($0)" } ?? "")
        case .sort(_, let keys, let limit):
            (limit == nil ? "SORT " : "TOP_N \(limit!) ")
                + keys.map { "\($0.expression)\($0.descending ? " DESC" : "")\($0.nullsFirst ? " NULLS FIRST" : "")" }
                .joined(separator: ", ")
        case .limit(_, let limit, let offset): "LIMIT \(limit.map(String.init) ?? "ALL") OFFSET \(offset)"
        case .distinct: "DISTINCT"
        case .union: "UNION ALL"
        case .setOperation(let kind, let all, _, _, _): kind.rawValue + (all ? " ALL" : "")
        case .window(_, let calls, let passing, _):
            "WINDOW "
                + calls.enumerated().map { "#\(passing.count + $0.offset) := \($0.element)" }.joined(separator: ", ")
        }
    }

    /// The inputs of this operator.
    public var children: [PhysicalPlan] {
        switch self {
        case .scan, .values: []
        case .filter(let input, _), .project(let input, _, _), .aggregate(let input, _, _, _), .sort(let input, _, _),
            .limit(let input, _, _), .distinct(let input), .window(let input, _, _, _):
            [input]
        case .hashJoin(let left, let right, _, _, _, _, _): [left, right]
        case .union(let inputs, _): inputs
        case .setOperation(_, _, let left, let right, _): [left, right]
        }
    }
}

/// Rows and time per operator, for EXPLAIN ANALYZE. Operators are numbered in pre-order.
public final class ExecutionMetrics: Sendable {
    private let state = Mutex<[Int: (rows: Int, nanoseconds: UInt64)]>([:])

    public init() {}

    func record(_ node: Int, rows: Int, nanoseconds: UInt64) {
        state.withLock { values in
            let old = values[node] ?? (0, 0)
            values[node] = (old.rows + rows, old.nanoseconds + nanoseconds)
        }
    }

    /// Rows produced and time spent by operator `node`.
    public func value(_ node: Int) -> (rows: Int, nanoseconds: UInt64)? { state.withLock { $0[node] } }
}

/// Runs a ``PhysicalPlan``. A chain of filters and projections over a scan runs as one pipeline
/// per partition, in parallel over up to `threads` partitions at a time; aggregation, joins and
/// sorting consume their inputs' batches.
public struct Executor: Sendable {
    public let threads: Int
    public let metrics: ExecutionMetrics?
    /// What blocking operators may hold before they spill (SPEC.md §8.9).
    public let memory: MemoryBudget

    public init(threads: Int, metrics: ExecutionMetrics? = nil, memory: MemoryBudget = .unlimited) {
        self.threads = max(1, threads)
        self.metrics = metrics
        self.memory = memory
    }

    /// All result batches, in order.
    public func execute(_ plan: PhysicalPlan) async throws -> [RecordBatch] {
        try await run(plan, node: 0)
    }

    private func now() -> UInt64 { DispatchFreeClock.nanoseconds() }

    func run(_ plan: PhysicalPlan, node: Int) async throws -> [RecordBatch] {
        // A fused filter/project chain over a scan records its stages itself.
        if Self.pipeline(plan) != nil { return try await runUntimed(plan, node: node) }
        let start = now()
        let result = try await runUntimed(plan, node: node)
        let end = now()
        metrics?.record(node, rows: result.reduce(0) { $0 + $1.rowCount }, nanoseconds: end >= start ? end - start : 0)
        return result
    }

    /// The pre-order number of each child of `plan` at `node`.
    static func childNodes(_ plan: PhysicalPlan, node: Int) -> [Int] {
        var next = node + 1
        var result: [Int] = []
        for child in plan.children {
            result.append(next)
            next += size(child)
        }
        return result
    }

    static func size(_ plan: PhysicalPlan) -> Int { 1 + plan.children.reduce(0) { $0 + size($1) } }

    private func runUntimed(_ plan: PhysicalPlan, node: Int) async throws -> [RecordBatch] {
        let childNodes = Self.childNodes(plan, node: node)
        switch plan {
        case .scan(let source):
            return try await parallel(source, scanNode: node) { $0 }
        case .values(let batch):
            return [batch]
        case .filter, .project:
            // Fuse the chain down to a scan into one per-partition pipeline.
            let (stages, current) = Self.peelChain(plan)
            let fused = Array(stages.reversed())
            let executor = self
            let apply: @Sendable (RecordBatch) throws -> RecordBatch = { batch in
                try executor.runStages(fused, topNode: node, batch)
            }
            if case .scan(let source) = current {
                return try await parallel(source, scanNode: node + stages.count, apply)
            }
            if case .hashJoin = current {
                let start = now()
                switch try await prepareJoin(current, node: node + stages.count) {
                case .streamed(let source):
                    // Over a streamed join: the stages run on each probed morsel.
                    let built = now()
                    metrics?.record(node + stages.count, rows: 0, nanoseconds: built >= start ? built - start : 0)
                    return try await parallel(source, scanNode: node + stages.count, apply)
                case .joined(let batches):
                    record(node + stages.count, batches, since: start)
                    return try batches.map(apply)
                }
            }
            // Not over a scan: run() records this node's rows and time as a whole.
            return try await run(current, node: node + stages.count).map { batch in
                var batch = batch
                for stage in fused { batch = try Self.applyStage(stage, batch) }
                return batch
            }
        case .aggregate(let input, let groups, let aggregates, let schema):
            if let result = try await parallelAggregate(
                input, groups: groups, aggregates: aggregates, schema: schema, inputNode: childNodes[0])
            {
                return result
            }
            // DISTINCT and holistic aggregates cannot be combined from partial states, so they cannot spill.
            let aggregator = HashAggregator(groups: groups, aggregates: aggregates, schema: schema)
            var reservation = MemoryReservation(memory)
            for batch in try await run(input, node: childNodes[0]) {
                for morsel in Self.morsels(batch) {
                    try aggregator.consume(morsel)
                    try reservation.require(aggregator.memoryBytes, for: "hash aggregation with DISTINCT or holistic aggregates (median, quantile_cont, string_agg, …)")
                }
            }
            return [aggregator.finish()]
        case .hashJoin:
            return try await runHashJoin(plan, node: node)
        case .sort(let input, let keys, let limit) where limit == nil:
            // Full sort: streamed into an external sorter that spills sorted runs over budget.
            let sorter = ExternalSorter(keys: keys, schema: input.schema, budget: memory)
            try await stream(input, node: childNodes[0]) { (batch) throws(ExecutionError) in try sorter.consume(batch) }
            return try sorter.finish()
        case .sort(let input, let keys, let limit):
            let batches: [RecordBatch]
            if let limit, limit > 0, let (stages, scanSource) = Self.pipeline(input) {
                // Top-N: every morsel keeps only its first `limit` rows inside the parallel scan,
                // and its n-th first key tightens the bound by which the source skips row groups.
                var source = scanSource
                var threshold: TopNThreshold?
                if limit <= TopNThreshold.maxLimit, let prunable = source as? any TopNPrunableSource,
                    let column = Self.sourceColumn(keys[0].expression, stages),
                    let pruned = prunable.pruning(
                        column: column, limit: limit, descending: keys[0].descending, nullsFirst: keys[0].nullsFirst)
                {
                    source = pruned.source
                    threshold = pruned.threshold
                }
                let executor = self
                let inputNode = childNodes[0]
                let firstKey = keys[0].expression
                let bound = threshold
                batches = try await parallel(source, scanNode: inputNode + stages.count) { batch in
                    let top = try Sorter.sort(
                        try executor.runStages(stages, topNode: inputNode, batch), keys: keys, limit: limit)
                    if let bound, top.rowCount > 0 {
                        let column = try ExpressionEvaluator.evaluate(firstKey, top)
                        bound.offer((0..<top.rowCount).map { column.scalar(at: $0) })
                    }
                    return top
                }
            } else {
                batches = try await run(input, node: childNodes[0])
            }
            var pool = RecordBatch.concatenate(batches, schema: input.schema)
            if let limit, limit == 0 { return [pool.slice(0..<0)] }
            pool = try Sorter.sort(pool, keys: keys, limit: limit)
            return [pool]
        case .limit(let input, let limit, let offset):
            let batches = try await run(input, node: childNodes[0])
            var skip = offset
            var remaining = limit ?? Int.max
            var output: [RecordBatch] = []
            for batch in batches where remaining > 0 {
                if skip >= batch.rowCount {
                    skip -= batch.rowCount
                    continue
                }
                let end = remaining >= batch.rowCount - skip ? batch.rowCount : skip + remaining
                output.append(batch.slice(skip..<end))
                remaining -= end - skip
                skip = 0
            }
            if output.isEmpty { output.append(RecordBatch.concatenate([], schema: input.schema)) }
            return output
        case .distinct(let input):
            // A grouping without aggregates: parallel, and spilling when over the budget.
            let schema = input.schema
            let groups = schema.fields.enumerated().map { PhysicalExpression.column($0.offset, $0.element.type) }
            if let result = try await parallelAggregate(
                input, groups: groups, aggregates: [], schema: schema, inputNode: childNodes[0])
            {
                return result
            }
            let aggregator = HashAggregator(groups: groups, aggregates: [], schema: schema)
            for batch in try await run(input, node: childNodes[0]) { try aggregator.consume(batch) }
            return [aggregator.finish()]
        case .union(let inputs, let schema):
            var output: [RecordBatch] = []
            for (index, input) in inputs.enumerated() {
                for batch in try await run(input, node: childNodes[index]) where batch.rowCount > 0 {
                    output.append(RecordBatch(schema: schema, columns: batch.columns, rowCount: batch.rowCount))
                }
            }
            if output.isEmpty { output.append(RecordBatch.concatenate([], schema: schema)) }
            return output
        case .setOperation(let kind, let all, let left, let right, let schema):
            async let leftBatches = run(left, node: childNodes[0])
            let rightBatches = try await run(right, node: childNodes[1])
            return [try SetOperator.run(kind, all: all, left: try await leftBatches, right: rightBatches, schema: schema)]
        case .window(let input, let calls, let passing, let schema):
            let batches = try await run(input, node: childNodes[0])
            // Windows sort their whole input in memory (no spilling yet): it must fit the budget.
            var reservation = MemoryReservation(memory)
            try reservation.require(batches.reduce(0) { $0 + $1.memoryBytes } * 2, for: "window functions")
            return try await WindowOperator.evaluate(
                batches, schema: input.schema, calls: calls, passing: passing, schema: schema, threads: threads)
        }
    }

    /// Two-phase aggregation over a scan pipeline: `threads` workers each pull partitions, run the
    /// pipeline and aggregate into their own table (partial state); the partial results are then
    /// combined (counts summed, sums summed, min of mins, avg as sum / count). A worker whose
    /// table does not fit the memory budget writes it to an ``AggregateSpill`` by key hash and
    /// starts afresh; the spilled partitions are then combined one at a time (SPEC.md §8.9).
    /// `nil` when the plan does not allow it (DISTINCT aggregates).
    private func parallelAggregate(
        _ input: PhysicalPlan, groups: [PhysicalExpression], aggregates: [AggregateCall], schema: Schema,
        inputNode: Int
    ) async throws -> [RecordBatch]? {
        guard aggregates.allSatisfy({ $0.function != .countDistinct && !$0.distinct && $0.function.hasPartialState })
        else { return nil }
        // Over a join, the join's probe side streams into the workers (Executor+Join.swift).
        let input = try await preparedChain(input, node: inputNode)
        // Over a scan pipeline, workers pull row groups; over anything else (a join, a subquery),
        // they pull the input's batches.
        let source: any BatchSource
        var stages: [PhysicalPlan] = []
        let recordsScan: Bool
        if let (pipelineStages, scan) = Self.pipeline(input), scan.partitionCount > 1 {
            source = scan
            stages = pipelineStages.reversed()
            recordsScan = true
        } else {
            let batches = try await run(input, node: inputNode).flatMap(Self.morsels)
            guard batches.count > 1 else {
                // Too small to split: aggregate here on one thread (the input already ran).
                let aggregator = HashAggregator(groups: groups, aggregates: aggregates, schema: schema)
                for batch in batches { try aggregator.consume(batch) }
                return [aggregator.finish()]
            }
            source = MemoryBatches(schema: input.schema, batches: batches)
            recordsScan = false
        }
        let g = groups.count
        var partialCalls: [AggregateCall] = []
        var finalCalls: [AggregateCall] = []
        var outputs: [PhysicalExpression] = groups.enumerated().map { .column($0.offset, $0.element.type) }
        func addPair(_ partial: AggregateCall, _ finalFunction: AggregateCall.Function) -> PhysicalExpression {
            partialCalls.append(partial)
            let column = PhysicalExpression.column(g + partialCalls.count - 1, partial.type)
            finalCalls.append(AggregateCall(function: finalFunction, argument: column, type: partial.type))
            return .column(g + finalCalls.count - 1, partial.type)
        }
        for call in aggregates {
            switch call.function {
            case .countStar, .count: outputs.append(addPair(call, .sum))
            case .sum: outputs.append(addPair(call, .sum))
            case .min: outputs.append(addPair(call, .min))
            case .max: outputs.append(addPair(call, .max))
            case .avg:
                guard let argument = call.argument else { return nil }
                var sumArgument = argument
                var sumType = DataType.float64
                switch argument.type {
                case .decimal(_, let scale): sumType = .decimal(precision: 38, scale: scale)
                case .int64:
                    sumType = .decimal(precision: 38, scale: 0)
                    sumArgument = .cast(argument, sumType, isTry: false)
                default: break
                }
                var sumCall = AggregateCall(function: .sum, argument: sumArgument, type: sumType)
                var countCall = AggregateCall(function: .count, argument: argument, type: .int64)
                sumCall.filter = call.filter
                countCall.filter = call.filter
                let sum = addPair(sumCall, .sum)
                let count = addPair(countCall, .sum)
                outputs.append(
                    .call(
                        .divide, [.cast(sum, .float64, isTry: false), .cast(count, .float64, isTry: false)], .float64))
            case .boolAnd: outputs.append(addPair(call, .boolAnd))
            case .boolOr: outputs.append(addPair(call, .boolOr))
            // Holistic or pairwise aggregates run in one phase (SPEC.md §8.8).
            default: return nil
            }
        }
        let partialSchema = Schema(
            groups.enumerated().map { Field("g\($0.offset)", $0.element.type) }
                + partialCalls.enumerated().map { Field("p\($0.offset)", $0.element.type) })
        let fused = Array(stages.reversed())
        let partitionCount = source.partitionCount
        let next = PartitionCounter()
        let workers = min(threads, partitionCount)
        let partialAggregates = partialCalls
        let executor = self
        let scanNode = inputNode + stages.count
        let budget = memory
        let spillBox = SpillSlot()
        let presplit = AggregatePartials()
        let partials = try await withThrowingTaskGroup(of: [RecordBatch].self) { group in
            for _ in 0..<workers {
                group.addTask {
                    var aggregator = HashAggregator(groups: groups, aggregates: partialAggregates, schema: partialSchema)
                    var reservation = MemoryReservation(budget)
                    var flushedParts: [[RecordBatch]] = []
                    var flushedBytes = 0
                    var rowsInTable = 0
                    while true {
                        let partition = next.take()
                        if partition >= partitionCount { break }
                        try Task.checkCancellation()
                        let start = DispatchFreeClock.nanoseconds()
                        let batches = try await source.read(partition: partition)
                        if recordsScan { executor.record(scanNode, batches, since: start) }
                        for batch in batches {
                            // Small morsels while the table reduces its rows; once tables are set
                            // aside (a group per row or so), bigger ones fill each table faster.
                            try executor.forEachAggregationMorsel(
                                batch, stages: fused, topNode: inputNode, small: flushedParts.isEmpty
                            ) { rows in
                                try aggregator.consume(rows)
                                rowsInTable += rows.rowCount
                                // Twice the table: finishing and splitting it for a spill copies it once more.
                                if !reservation.update(to: aggregator.memoryBytes * 2 + flushedBytes) {
                                    // Over budget: this worker's groups go to disk, by key hash.
                                    guard !groups.isEmpty else {
                                        throw ExecutionError.outOfMemoryBudget(operator: "aggregation", limit: budget.limit)
                                    }
                                    let spill = try spillBox.spill(budget: budget, keyCount: g)
                                    try spill.write(parts: flushedParts)
                                    flushedParts = []
                                    flushedBytes = 0
                                    try spill.write(aggregator.finish())
                                    aggregator = HashAggregator(
                                        groups: groups, aggregates: partialAggregates, schema: partialSchema)
                                    reservation.releaseAll()
                                    rowsInTable = 0
                                } else if aggregator.groupCount >= Self.flushGroups, aggregator.groupCount * 2 > rowsInTable {
                                    // A big table that hardly reduces its rows costs a cache miss per
                                    // row: set it aside for the partitioned combine and start a small one.
                                    let partial = aggregator.finish()
                                    try AggregatePartials.split(partial, keyCount: g, into: &flushedParts)
                                    flushedBytes += partial.memoryBytes
                                    aggregator = HashAggregator(
                                        groups: groups, aggregates: partialAggregates, schema: partialSchema)
                                    // The next table likely fills up the same way: size it once.
                                    aggregator.reserve(groups: Self.flushGroups)
                                    _ = reservation.update(to: flushedBytes)
                                    rowsInTable = 0
                                }
                            }
                        }
                    }
                    if !flushedParts.isEmpty { presplit.add(flushedParts) }
                    return [aggregator.finish()]
                }
            }
            var results: [RecordBatch] = []
            for try await batches in group { results += batches }
            return results
        }
        let finalSchema = Schema(
            groups.enumerated().map { Field("g\($0.offset)", $0.element.type) }
                + finalCalls.enumerated().map { Field("f\($0.offset)", $0.element.type) })
        let finalGroups = groups.enumerated().map { PhysicalExpression.column($0.offset, $0.element.type) }
        let outputExpressions = outputs
        let output: @Sendable (RecordBatch) throws(ExecutionError) -> RecordBatch = { combined throws(ExecutionError) in
            let columns = try outputExpressions.map { (expression) throws(ExecutionError) in
                try ExpressionEvaluator.evaluate(expression, combined)
            }
            return RecordBatch(schema: schema, columns: columns, rowCount: combined.rowCount)
        }
        // The combine's table must fit too; if it would not, the partials go to disk as well.
        let partialBytes = partials.reduce(0) { $0 + $1.memoryBytes } + presplit.memoryBytes
        var spill = spillBox.current
        var combineReserved = 0
        if spill == nil, partials.count > 1 || !presplit.isEmpty, !groups.isEmpty {
            if memory.tryReserve(partialBytes * 2) {
                combineReserved = partialBytes * 2
            } else {
                spill = try spillBox.spill(budget: memory, keyCount: g)
            }
        }
        defer { memory.release(combineReserved) }
        guard let spill else {
            // One partial table holds each group once (same layout and types as the combined
            // table): it is already the combined result.
            if presplit.isEmpty {
                if partials.count == 1 { return [try output(partials[0])] }
                let totalRows = partials.reduce(0) { $0 + $1.rowCount }
                if groups.isEmpty || totalRows < 131_072 {
                    let combiner = HashAggregator(groups: finalGroups, aggregates: finalCalls, schema: finalSchema)
                    for partial in partials { try combiner.consume(partial) }
                    return [try output(combiner.finish())]
                }
            }
            // Many groups: split the partials by key hash and combine the parts in parallel; small
            // tables per part also stay in cache.
            let combineCalls = finalCalls
            return try await partitionedCombine(
                partials, presplit: presplit, keyCount: g, combiner: { HashAggregator(groups: finalGroups, aggregates: combineCalls, schema: finalSchema) },
                output: output)
        }
        try spill.write(parts: presplit.takeAll())
        for partial in partials { try spill.write(partial) }
        let results = try spill.combine(
            schema: partialSchema, budget: memory,
            combiner: { HashAggregator(groups: finalGroups, aggregates: finalCalls, schema: finalSchema) }, output: output)
        return results.isEmpty ? [RecordBatch.concatenate([], schema: schema)] : results
    }

    /// Groups past which a worker's partial table is set aside for the combine when it holds more
    /// than half as many groups as rows (poor reduction; measured at SF1: 6M groups 1.56 → 1.25 s
    /// CPU, 800k groups 1.69 → 1.07 s; 200k groups never reach it). 32k groups keep a packed-key
    /// table near 1.5 MB, in cache (6M groups: 2^18 → 2^15 took 734 → 615 ms CPU, 277 → 244 MB).
    static let flushGroups = 1 << 15

    /// Combines partial aggregation results in the 64 partitions of their key hash, `threads`
    /// partitions at a time (each group lives in exactly one partition). `presplit` holds
    /// partials the workers split already; each partition's partials are freed once combined.
    private func partitionedCombine(
        _ partials: [RecordBatch], presplit: AggregatePartials, keyCount: Int, combiner: @escaping @Sendable () -> HashAggregator,
        output: @escaping @Sendable (RecordBatch) throws(ExecutionError) -> RecordBatch
    ) async throws -> [RecordBatch] {
        let count = AggregateSpill.partitionCount
        // Split each partial on its own task.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for partial in partials {
                group.addTask { try presplit.add(partial, keyCount: keyCount) }
            }
            try await group.waitForAll()
        }
        let next = PartitionCounter()
        let workers = min(threads, count)
        var results = [RecordBatch?](repeating: nil, count: count)
        try await withThrowingTaskGroup(of: [(Int, RecordBatch)].self) { group in
            for _ in 0..<workers {
                group.addTask {
                    var done: [(Int, RecordBatch)] = []
                    while true {
                        let partition = next.take()
                        if partition >= count { break }
                        let aggregator = combiner()
                        var batches = presplit.take(partition)
                        aggregator.reserve(groups: batches.reduce(0) { $0 + $1.rowCount })
                        for batch in batches { try aggregator.consume(batch) }
                        batches = []
                        if aggregator.groupCount > 0 { done.append((partition, try output(aggregator.finish()))) }
                    }
                    return done
                }
            }
            for try await done in group {
                for (partition, batch) in done { results[partition] = batch }
            }
        }
        let batches = results.compactMap { $0 }
        return batches.isEmpty ? [try output(combiner().finish())] : batches
    }

    /// Applies fused filter/project stages (in execution order); with EXPLAIN ANALYZE, records each
    /// stage's rows and time under its own operator number (`topNode` is the last stage's).
    func runStages(_ stages: [PhysicalPlan], topNode: Int, _ batch: RecordBatch) throws -> RecordBatch {
        var batch = batch
        for (index, stage) in stages.enumerated() {
            let start = metrics == nil ? 0 : DispatchFreeClock.nanoseconds()
            batch = try Self.applyStage(stage, batch)
            if let metrics {
                let end = DispatchFreeClock.nanoseconds()
                metrics.record(
                    topNode + stages.count - 1 - index, rows: batch.rowCount, nanoseconds: end >= start ? end - start : 0)
            }
        }
        return batch
    }

    func record(_ node: Int, _ batches: [RecordBatch], since start: UInt64) {
        guard let metrics else { return }
        let end = DispatchFreeClock.nanoseconds()
        metrics.record(node, rows: batches.reduce(0) { $0 + $1.rowCount }, nanoseconds: end >= start ? end - start : 0)
    }

    /// The filter/project stages (in execution order) over a scan, when `plan` is such a chain.
    static func pipeline(_ plan: PhysicalPlan) -> (stages: [PhysicalPlan], source: any BatchSource)? {
        let (stages, bottom) = peelChain(plan)
        guard case .scan(let source) = bottom else { return nil }
        return (stages.reversed(), source)
    }

    /// Rows per unit of pipeline work: large decoded row groups are cut into morsels so that
    /// every intermediate column stays in cache and allocations are reused.
    static let morselRows = 65_536

    /// Rows per morsel of an aggregation's scan pipeline: a morsel's copies (slice, filter,
    /// expression results) stay in the core's L2 cache and each worker holds less at once.
    static let aggregationMorselRows = 16_384

    /// `batch` cut into morsels of ``aggregationMorselRows`` rows.
    static func aggregationMorsels(_ batch: RecordBatch) -> [RecordBatch] {
        if batch.rowCount <= aggregationMorselRows * 3 / 2 { return [batch] }
        return stride(from: 0, to: batch.rowCount, by: aggregationMorselRows).map {
            batch.slice($0..<min($0 + aggregationMorselRows, batch.rowCount))
        }
    }

    static func morsels(_ batch: RecordBatch) -> [RecordBatch] {
        if batch.rowCount <= morselRows * 3 / 2 { return [batch] }
        return stride(from: 0, to: batch.rowCount, by: morselRows).map {
            batch.slice($0..<min($0 + morselRows, batch.rowCount))
        }
    }

    static func applyStage(_ stage: PhysicalPlan, _ batch: RecordBatch) throws -> RecordBatch {
        switch stage {
        case .filter(_, let predicate):
            // Conjunct by conjunct, compacting after each, so later conjuncts see fewer rows.
            var current = batch
            let conjuncts: [PhysicalExpression]
            if case .call(.and, let arguments, _) = predicate {
                conjuncts = Self.cheapConjunctsFirst(arguments)
            } else {
                conjuncts = [predicate]
            }
            for conjunct in conjuncts {
                if current.rowCount == 0 { break }
                let rows = try Self.selectRows(conjunct, current)
                if rows.count == current.rowCount { continue }
                current = rows.withUnsafeBufferPointer { current.take($0) }
            }
            return current
        case .project(_, let expressions, let schema):
            let columns = try expressions.map { (expression) throws(ExecutionError) in
                try ExpressionEvaluator.evaluate(expression, batch)
            }
            return RecordBatch(schema: schema, columns: columns, rowCount: batch.rowCount)
        default:
            return batch
        }
    }

    /// Hands the batches of `plan` to `body` in order without holding them all: a filter/project
    /// chain over a scan is read `threads` partitions at a time; anything else runs first.
    func stream(
        _ plan: PhysicalPlan, node: Int, _ body: (RecordBatch) throws(ExecutionError) -> Void
    ) async throws {
        guard let (stages, source) = Self.pipeline(plan), source.partitionCount > 1 else {
            for batch in try await run(plan, node: node) { try body(batch) }
            return
        }
        let executor = self
        let scanNode = node + stages.count
        let count = source.partitionCount
        var first = 0
        while first < count {
            try Task.checkCancellation()
            let end = min(count, first + threads)
            var window = [[RecordBatch]](repeating: [], count: end - first)
            try await withThrowingTaskGroup(of: (Int, [RecordBatch]).self) { group in
                for partition in first..<end {
                    group.addTask {
                        let start = DispatchFreeClock.nanoseconds()
                        let batches = try await source.read(partition: partition)
                        executor.record(scanNode, batches, since: start)
                        return (partition, try batches.flatMap(Self.morsels).map { try executor.runStages(stages, topNode: node, $0) })
                    }
                }
                while let (partition, batches) = try await group.next() { window[partition - first] = batches }
            }
            for batches in window {
                for batch in batches { try body(batch) }
            }
            first = end
        }
    }

    /// Reads every partition of `source` through `transform`, up to `threads` at a time, in order;
    /// `wholeBatches` hands `transform` the source's batches uncut instead of morsels.
    func parallel(
        _ source: any BatchSource, scanNode: Int?, wholeBatches: Bool = false,
        _ transform: @escaping @Sendable (RecordBatch) throws -> RecordBatch
    ) async throws -> [RecordBatch] {
        let executor = self
        let count = source.partitionCount
        if count <= 1 || threads <= 1 {
            var output: [RecordBatch] = []
            for partition in 0..<count {
                try Task.checkCancellation()
                let start = DispatchFreeClock.nanoseconds()
                let batches = try await source.read(partition: partition)
                if let scanNode { record(scanNode, batches, since: start) }
                for batch in batches {
                    for morsel in wholeBatches ? [batch] : Self.morsels(batch) { output.append(try transform(morsel)) }
                }
            }
            return output
        }
        var results = [[RecordBatch]](repeating: [], count: count)
        try await withThrowingTaskGroup(of: (Int, [RecordBatch]).self) { group in
            var next = 0
            func start() {
                let partition = next
                group.addTask {
                    let start = DispatchFreeClock.nanoseconds()
                    let batches = try await source.read(partition: partition)
                    if let scanNode { executor.record(scanNode, batches, since: start) }
                    return (partition, try (wholeBatches ? batches : batches.flatMap(Self.morsels)).map(transform))
                }
                next += 1
            }
            while next < count && next < threads { start() }
            while let (partition, batches) = try await group.next() {
                results[partition] = batches
                if next < count { start() }
            }
        }
        return results.flatMap { $0 }
    }
}

/// A monotonic clock without Foundation.
enum DispatchFreeClock {
    static func nanoseconds() -> UInt64 {
        let reference = ContinuousClock.Instant.zeroReference
        let components = (ContinuousClock.now - reference).components
        let value = components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
        return UInt64(max(0, value))
    }
}

extension ContinuousClock.Instant {
    fileprivate static let zeroReference = ContinuousClock.now
}

/// Batches already in memory as a source, one partition per batch.
struct MemoryBatches: BatchSource {
    let schema: Schema
    let batches: [RecordBatch]
    var partitionCount: Int { batches.count }
    func read(partition: Int) async throws -> [RecordBatch] { [batches[partition]] }
    var summary: String { "batches in memory" }
    var rowCountBound: Int? { batches.reduce(0) { $0 + $1.rowCount } }
}

/// Hands out partition numbers to workers, each exactly once.
final class PartitionCounter: Sendable {
    private let next = Mutex(0)

    func take() -> Int {
        next.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}
