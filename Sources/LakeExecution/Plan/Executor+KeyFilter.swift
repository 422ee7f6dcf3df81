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
}
