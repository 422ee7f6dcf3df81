import LakeColumnar

/// Sideways key filtering for joins against a grouped subquery (SPEC.md §8.7).
///
/// When the right input of a join is `[PROJECT] HASH_AGGREGATE` grouped by the join key (a
/// decorrelated scalar subquery such as TPC-H Q17's `(SELECT avg(l_quantity) FROM lineitem WHERE
/// l_partkey = p_partkey)`, or its hand-written join form), the left input runs first and the
/// aggregate only consumes input rows whose key occurs on the left: other groups could never
/// match. Applies to INNER, LEFT, SEMI, ANTI, MARK and SINGLE joins on an integer-like key, when
/// the left side has at most ``keyFilterLimit`` distinct keys.
extension Executor {
    /// The most distinct left keys for which the filter is used.
    static let keyFilterLimit = 1 << 16

    /// The grouped right input of a join and which of its groups is the join key.
    struct KeyFilterTarget {
        var input: PhysicalPlan
        var groups: [PhysicalExpression]
        var aggregates: [AggregateCall]
        var aggregateSchema: Schema
        /// The projection above the aggregate, if any.
        var project: PhysicalPlan?
        /// The group that equals the join key, and the left side's key expression.
        var group: Int
        var leftKey: PhysicalExpression
    }

    static func keyFilterTarget(
        _ kind: JoinKind, leftKeys: [PhysicalExpression], rightKeys: [PhysicalExpression], right: PhysicalPlan
    ) -> KeyFilterTarget? {
        switch kind {
        case .inner, .left, .semi, .anti, .mark, .single: break
        case .right, .full, .nullAwareMark: return nil
        }
        var project: PhysicalPlan?
        var aggregate = right
        if case .project(let input, _, _) = right {
            project = right
            aggregate = input
        }
        guard case .aggregate(let input, let groups, let aggregates, let schema) = aggregate, !groups.isEmpty,
            aggregates.allSatisfy({ $0.function != .countDistinct && !$0.distinct })
        else { return nil }
        for (key, rightKey) in rightKeys.enumerated() {
            guard case .column(var column, _) = rightKey else { continue }
            if case .project(_, let expressions, _) = project {
                guard column < expressions.count, case .column(let inner, _) = expressions[column] else { continue }
                column = inner
            }
            guard column < groups.count, IntegerKeyTable.accepts(groups[column].type),
                IntegerKeyTable.accepts(leftKeys[key].type)
            else { continue }
            return KeyFilterTarget(
                input: input, groups: groups, aggregates: aggregates, aggregateSchema: schema, project: project,
                group: column, leftKey: leftKeys[key])
        }
        return nil
    }

    /// Runs the grouped right input (`right`, at operator `node`), consuming only rows whose key
    /// is among the left batches' keys, or all of them when the left side has too many keys.
    func runKeyFiltered(_ target: KeyFilterTarget, _ right: PhysicalPlan, _ left: [RecordBatch], node: Int)
        async throws -> [RecordBatch]
    {
        var keys = IntegerKeyTable(capacity: 1024)
        for batch in left {
            let column = try ExpressionEvaluator.evaluate(target.leftKey, batch)
            guard let integers = IntegerKeyTable.integers(column) else { return try await run(right, node: node) }
            let validity = integers.validity
            integers.values.withUnsafeBufferPointer { values in
                for row in 0..<values.count where validity?.isValid(row) ?? true { _ = keys.findOrInsert(values[row]) }
            }
            if keys.count > Self.keyFilterLimit { return try await run(right, node: node) }
        }
        let start = DispatchFreeClock.nanoseconds()
        let aggregateNode = target.project == nil ? node : node + 1
        let aggregator = HashAggregator(groups: target.groups, aggregates: target.aggregates, schema: target.aggregateSchema)
        let keyExpression = target.groups[target.group]
        if let (stages, source) = Self.pipeline(target.input) {
            // Streamed: each morsel keeps only its rows with a wanted key inside the parallel scan,
            // so the aggregate's input is never held whole.
            let executor = self
            let wanted = keys
            let inputNode = aggregateNode + 1
            let kept = try await parallel(source, scanNode: inputNode + stages.count) { batch in
                try Self.keepKeys(try executor.runStages(stages, topNode: inputNode, batch), keyExpression, wanted)
            }
            for batch in kept where batch.rowCount > 0 { try aggregator.consume(batch) }
            var result = aggregator.finish()
            if let project = target.project { result = try Self.applyStage(project, result) }
            let end = DispatchFreeClock.nanoseconds()
            metrics?.record(node, rows: result.rowCount, nanoseconds: end >= start ? end - start : 0)
            return [result]
        }
        for batch in try await run(target.input, node: aggregateNode + 1) {
            for morsel in Self.morsels(batch) {
                let column = try ExpressionEvaluator.evaluate(keyExpression, morsel)
                guard let integers = IntegerKeyTable.integers(column) else {
                    try aggregator.consume(morsel)
                    continue
                }
                var rows: [Int32] = []
                let validity = integers.validity
                integers.values.withUnsafeBufferPointer { values in
                    for row in 0..<values.count where (validity?.isValid(row) ?? true) && keys.find(values[row]) != nil {
                        rows.append(Int32(truncatingIfNeeded: row))
                    }
                }
                if rows.count == morsel.rowCount {
                    try aggregator.consume(morsel)
                } else if !rows.isEmpty {
                    try aggregator.consume(rows.withUnsafeBufferPointer { morsel.take($0) })
                }
            }
        }
        var result = aggregator.finish()
        if let project = target.project { result = try Self.applyStage(project, result) }
        let end = DispatchFreeClock.nanoseconds()
        metrics?.record(node, rows: result.rowCount, nanoseconds: end >= start ? end - start : 0)
        return [result]
    }

    /// The keys of `left` (evaluated with `key`) as a table, or `nil` when the left side has more
    /// than `limit` rows or distinct keys, or its keys are not integer-like.
    func leftKeyTable(_ left: [RecordBatch], _ key: PhysicalExpression, limit: Int) throws -> IntegerKeyTable? {
        guard left.reduce(0, { $0 + $1.rowCount }) <= limit else { return nil }
        var keys = IntegerKeyTable(capacity: 1024)
        for batch in left {
            let column = try ExpressionEvaluator.evaluate(key, batch)
            guard let integers = IntegerKeyTable.integers(column) else { return nil }
            let validity = integers.validity
            integers.values.withUnsafeBufferPointer { values in
                for row in 0..<values.count where validity?.isValid(row) ?? true { _ = keys.findOrInsert(values[row]) }
            }
        }
        return keys
    }

    /// The most left rows for which a filtered scan on the right is key-filtered.
    static let scanKeyFilterLimit = 1 << 20

    /// A right input that is filters over a scan, and the key to filter its rows by.
    struct ScanKeyFilterTarget {
        var stages: [PhysicalPlan]
        var source: any BatchSource
        var rightKey: PhysicalExpression
        var leftKey: PhysicalExpression
    }

    static func scanKeyFilterTarget(
        _ kind: JoinKind, leftKeys: [PhysicalExpression], rightKeys: [PhysicalExpression], right: PhysicalPlan
    ) -> ScanKeyFilterTarget? {
        switch kind {
        case .inner, .left, .semi, .anti, .mark, .single: break
        case .right, .full, .nullAwareMark: return nil
        }
        guard let (stages, source) = pipeline(right), !stages.isEmpty,
            stages.allSatisfy({ if case .filter = $0 { true } else { false } })
        else { return nil }
        for (leftKey, rightKey) in zip(leftKeys, rightKeys)
        where IntegerKeyTable.accepts(leftKey.type) && IntegerKeyTable.accepts(rightKey.type) {
            return ScanKeyFilterTarget(stages: stages, source: source, rightKey: rightKey, leftKey: leftKey)
        }
        return nil
    }

    /// Runs a filtered scan, first dropping the rows of each morsel whose key the left side lacks.
    func runScanKeyFiltered(_ target: ScanKeyFilterTarget, _ right: PhysicalPlan, _ left: [RecordBatch], node: Int)
        async throws -> [RecordBatch]
    {
        guard let keys = try leftKeyTable(left, target.leftKey, limit: Self.scanKeyFilterLimit) else {
            return try await run(right, node: node)
        }
        let executor = self
        let stages = target.stages
        let key = target.rightKey
        return try await parallel(target.source, scanNode: node + stages.count) { batch in
            try executor.runStages(stages, topNode: node, try Self.keepKeys(batch, key, keys))
        }
    }

    /// The rows of `batch` whose `key` is in `keys` (NULL keys never are).
    static func keepKeys(_ batch: RecordBatch, _ key: PhysicalExpression, _ keys: IntegerKeyTable) throws -> RecordBatch {
        let column = try ExpressionEvaluator.evaluate(key, batch)
        guard let integers = IntegerKeyTable.integers(column) else { return batch }
        var rows: [Int32] = []
        let validity = integers.validity
        integers.values.withUnsafeBufferPointer { values in
            for row in 0..<values.count where (validity?.isValid(row) ?? true) && keys.find(values[row]) != nil {
                rows.append(Int32(truncatingIfNeeded: row))
            }
        }
        if rows.count == batch.rowCount { return batch }
        return rows.withUnsafeBufferPointer { batch.take($0) }
    }
}
