import LakeColumnar

/// Greedy join ordering for chains of inner joins (SPEC.md §8.7).
///
/// A tree of three or more inner joins is flattened into its inputs and conditions, then rebuilt
/// left-deep: first the input with the fewest estimated rows, then again and again the connected
/// input (one sharing an equality) that gives the smallest estimated result, so intermediate
/// results stay small; a projection restores the original column order. Estimates come from the
/// engine (rows of a table from its statistics) and fixed selectivities for filters. The executor
/// still builds each hash join on whichever side turns out smaller.
public enum JoinOrder {
    /// Estimated rows of a table, from the engine (`nil` when unknown).
    public typealias TableRows = (CatalogTable) -> Double?

    /// `plan` with every chain of three or more inner joins reordered.
    public static func reorder(_ plan: LogicalPlan, rows: TableRows) -> LogicalPlan {
        switch plan {
        case .scan, .singleRow: return plan
        case .filter(let input, let predicate): return .filter(reorder(input, rows: rows), predicate)
        case .project(let input, let expressions, let schema): return .project(reorder(input, rows: rows), expressions, schema)
        case .aggregate(let input, let groups, let aggregates, let schema):
            return .aggregate(reorder(input, rows: rows), groups: groups, aggregates: aggregates, schema)
        case .sort(let input, let keys): return .sort(reorder(input, rows: rows), keys)
        case .limit(let input, let limit, let offset): return .limit(reorder(input, rows: rows), limit: limit, offset: offset)
        case .distinct(let input): return .distinct(reorder(input, rows: rows))
        case .union(let inputs, let schema): return .union(inputs.map { reorder($0, rows: rows) }, schema)
        case .setOperation(let kind, let all, let left, let right, let schema):
            return .setOperation(kind, all: all, reorder(left, rows: rows), reorder(right, rows: rows), schema)
        case .window(let input, let windows, let schema): return .window(reorder(input, rows: rows), windows, schema)
        case .extendedJoin(let left, let right, let kind, let leftKeys, let rightKeys, let residual, let schema):
            return .extendedJoin(
                reorder(left, rows: rows), reorder(right, rows: rows), kind, leftKeys: leftKeys, rightKeys: rightKeys,
                residual: residual, schema)
        case .join(let left, let right, let inner, let leftKeys, let rightKeys, let residual, let schema):
            guard inner else {
                return .join(
                    reorder(left, rows: rows), reorder(right, rows: rows), inner: false, leftKeys: leftKeys,
                    rightKeys: rightKeys, residual: residual, schema)
            }
            var inputs: [LogicalPlan] = []
            var conditions: [BoundExpression] = []
            flatten(plan, offset: 0, into: &inputs, &conditions)
            let reordered = inputs.map { reorder($0, rows: rows) }
            guard reordered.count >= 3 else {
                return .join(
                    reordered[0], reordered[1], inner: true, leftKeys: leftKeys, rightKeys: rightKeys, residual: residual,
                    schema)
            }
            return greedy(reordered, conditions, schema: schema, rows: rows)
        }
    }

    /// The inputs of an inner-join tree and its conditions over their concatenated columns.
    static func flatten(_ plan: LogicalPlan, offset: Int, into inputs: inout [LogicalPlan], _ conditions: inout [BoundExpression]) {
        guard case .join(let left, let right, true, let leftKeys, let rightKeys, let residual, _) = plan else {
            inputs.append(plan)
            return
        }
        let leftCount = left.schema.count
        flatten(left, offset: offset, into: &inputs, &conditions)
        flatten(right, offset: offset + leftCount, into: &inputs, &conditions)
        for (l, r) in zip(leftKeys, rightKeys) {
            conditions.append(
                .call(.equal, [l.remapped { $0 + offset }, r.remapped { $0 + offset + leftCount }], .boolean))
        }
        if let residual {
            conditions.append(contentsOf: Optimizer.conjuncts(residual).map { $0.remapped { $0 + offset } })
        }
    }

    /// Estimated output rows of a plan.
    static func estimate(_ plan: LogicalPlan, _ rows: TableRows) -> Double {
        switch plan {
        case .scan(let table): return rows(table) ?? 1_000_000
        case .singleRow: return 1
        case .filter(let input, let predicate):
            var estimate = estimate(input, rows)
            for conjunct in Optimizer.conjuncts(predicate) {
                if case .call(.equal, _, _) = conjunct { estimate *= 0.1 } else { estimate *= 0.5 }
            }
            return max(1, estimate)
        case .project(let input, _, _), .sort(let input, _), .distinct(let input), .window(let input, _, _):
            return estimate(input, rows)
        case .union(let inputs, _): return inputs.reduce(0) { $0 + estimate($1, rows) }
        case .setOperation(let kind, _, let left, let right, _):
            return kind == .intersect ? min(estimate(left, rows), estimate(right, rows)) : estimate(left, rows)
        case .aggregate(let input, let groups, _, _): return groups.isEmpty ? 1 : max(1, estimate(input, rows) / 2)
        case .limit(let input, let limit, _): return min(estimate(input, rows), Double(limit ?? Int.max))
        case .join(let left, let right, _, let leftKeys, _, _, _):
            let l = estimate(left, rows)
            let r = estimate(right, rows)
            return leftKeys.isEmpty ? l * r : max(l, r)
        case .extendedJoin(let left, let right, let kind, _, _, _, _):
            let l = estimate(left, rows)
            switch kind {
            case .semi, .anti: return max(1, l / 2)
            case .mark, .nullAwareMark, .single: return l
            case .right: return max(l, estimate(right, rows))
            case .full: return l + estimate(right, rows)
            }
        }
    }

    static func greedy(_ inputs: [LogicalPlan], _ conditions: [BoundExpression], schema: Schema, rows: TableRows) -> LogicalPlan {
        // Global column ranges of each input.
        var starts: [Int] = []
        var total = 0
        for input in inputs {
            starts.append(total)
            total += input.schema.count
        }
        func owner(_ column: Int) -> Int { starts.lastIndex { $0 <= column } ?? 0 }
        let inputsOf = conditions.map { Set($0.columns.map(owner)) }
        let sizes = inputs.map { estimate($0, rows) }

        var order = [sizes.indices.min { sizes[$0] < sizes[$1] } ?? 0]
        var current = sizes[order[0]]
        while order.count < inputs.count {
            let chosen = Set(order)
            var best: (index: Int, size: Double, connected: Bool)?
            for candidate in inputs.indices where !chosen.contains(candidate) {
                let connected = inputsOf.contains { uses in
                    uses.contains(candidate) && !uses.isDisjoint(with: chosen) && uses.isSubset(of: chosen.union([candidate]))
                }
                let size = connected ? max(current, sizes[candidate]) : current * sizes[candidate]
                if let b = best, (b.connected && !connected) || (b.connected == connected && b.size <= size) { continue }
                best = (candidate, size, connected)
            }
            guard let best else { break }
            order.append(best.index)
            current = best.size
        }
        // Rebuild left-deep; `position` maps a global column to its place in the new tree.
        var position: [Int: Int] = [:]
        var width = 0
        func place(_ input: Int) {
            for column in 0..<inputs[input].schema.count { position[starts[input] + column] = width + column }
            width += inputs[input].schema.count
        }
        var plan = inputs[order[0]]
        place(order[0])
        var placed: Set<Int> = [order[0]]
        var used = [Bool](repeating: false, count: conditions.count)
        for next in order.dropFirst() {
            let leftWidth = width
            place(next)
            placed.insert(next)
            var leftKeys: [BoundExpression] = []
            var rightKeys: [BoundExpression] = []
            var residual: [BoundExpression] = []
            for (index, condition) in conditions.enumerated() where !used[index] && inputsOf[index].isSubset(of: placed) {
                used[index] = true
                let mapped = condition.remapped { position[$0] ?? $0 }
                if case .call(.equal, let sides, _) = mapped {
                    let a = sides[0].columns
                    let b = sides[1].columns
                    if !a.isEmpty, !b.isEmpty, a.allSatisfy({ $0 < leftWidth }), b.allSatisfy({ $0 >= leftWidth }) {
                        leftKeys.append(sides[0])
                        rightKeys.append(sides[1].remapped { $0 - leftWidth })
                        continue
                    }
                    if !a.isEmpty, !b.isEmpty, b.allSatisfy({ $0 < leftWidth }), a.allSatisfy({ $0 >= leftWidth }) {
                        leftKeys.append(sides[1])
                        rightKeys.append(sides[0].remapped { $0 - leftWidth })
                        continue
                    }
                }
                residual.append(mapped)
            }
            let fields = plan.schema.fields + inputs[next].schema.fields
            plan = .join(
                plan, inputs[next], inner: true, leftKeys: leftKeys, rightKeys: rightKeys,
                residual: Optimizer.and(residual), Schema(fields))
        }
        if order == Array(inputs.indices) { return plan }
        let expressions = (0..<total).map { column in
            BoundExpression.column(position[column] ?? column, schema.fields[column].type)
        }
        return .project(plan, expressions, schema)
    }
}
