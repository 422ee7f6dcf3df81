import LakeColumnar

extension Binder {
    /// `left [INNER|LEFT|RIGHT|FULL|CROSS] JOIN right [ON …|USING (…)]` (SPEC.md §8.7).
    ///
    /// Equalities between the two sides become hash keys, the rest of the condition a residual
    /// that decides which pairs match (for outer joins it does not filter). `USING (k)` joins on
    /// `left.k = right.k` and leaves one visible `k`: the left copy for INNER and LEFT, the right
    /// copy for RIGHT and `COALESCE(left.k, right.k)` for FULL, placed where the left copy was;
    /// the qualified copies stay reachable as `t.k` and through `t.*`.
    func bindJoin(
        _ left: SQLTableReference, _ kind: SQLJoinKind, _ right: SQLTableReference, _ condition: SQLJoinCondition,
        _ position: SourcePosition
    ) throws -> (LogicalPlan, Scope) {
        let (leftPlan, leftScope) = try bindTableReference(left)
        let (rightPlan, rightScope) = try bindTableReference(right)
        var merged = Scope(columns: leftScope.columns + rightScope.columns)
        let leftCount = leftScope.columns.count
        var conjuncts: [BoundExpression] = []
        // USING columns: left index, right index (in the merged scope), the merged value.
        var usingColumns: [(left: Int, right: Int, value: BoundExpression)] = []
        switch condition {
        case .on(let expression):
            if kind == .cross { throw SQLError("CROSS JOIN takes no ON condition", at: position) }
            conjuncts = splitAnd(try bindPredicate(expression, Context(scope: merged), clause: "ON"))
        case .using(let names):
            if kind == .cross { throw SQLError("CROSS JOIN takes no USING clause", at: position) }
            for name in names {
                guard !usingColumns.contains(where: { leftScope.columns[$0.left].name.lowercased() == name.text.lowercased() }) else {
                    throw SQLError("column \"\(name.text)\" appears twice in USING", at: position)
                }
                let l = try resolve(SQLName([name]), leftScope, position: position)
                let r = try resolve(SQLName([name]), rightScope, position: position)
                let (lc, rc) = try coercePair(.column(l.index, l.type), .column(leftCount + r.index, r.type), position)
                conjuncts.append(.call(.equal, [lc, rc], .boolean))
                let value: BoundExpression
                switch kind {
                case .right: value = rc
                case .full: value = .call(.coalesce, [lc, rc], lc.type)
                case .inner, .left, .cross: value = lc
                }
                usingColumns.append((l.index, leftCount + r.index, value))
            }
        case .none:
            if kind != .cross { throw SQLError("\(kind.rawValue) JOIN needs ON or USING", at: position) }
        }
        var leftKeys: [BoundExpression] = []
        var rightKeys: [BoundExpression] = []
        var residual: [BoundExpression] = []
        for conjunct in conjuncts {
            if case .call(.equal, let sides, _) = conjunct {
                let a = sides[0].columns
                let b = sides[1].columns
                if !a.isEmpty, !b.isEmpty, a.allSatisfy({ $0 < leftCount }), b.allSatisfy({ $0 >= leftCount }) {
                    leftKeys.append(sides[0])
                    rightKeys.append(sides[1].remapped { $0 - leftCount })
                    continue
                }
                if !a.isEmpty, !b.isEmpty, b.allSatisfy({ $0 < leftCount }), a.allSatisfy({ $0 >= leftCount }) {
                    leftKeys.append(sides[1])
                    rightKeys.append(sides[0].remapped { $0 - leftCount })
                    continue
                }
            }
            residual.append(conjunct)
        }
        var plan: LogicalPlan
        switch kind {
        case .inner, .cross, .left:
            plan = .join(
                leftPlan, rightPlan, inner: kind != .left, leftKeys: leftKeys, rightKeys: rightKeys,
                residual: andAll(residual), schema(of: merged))
        case .right, .full:
            plan = .extendedJoin(
                leftPlan, rightPlan, kind == .right ? .right : .full, leftKeys: leftKeys, rightKeys: rightKeys,
                residual: andAll(residual), schema(of: merged))
        }
        guard !usingColumns.isEmpty else { return (plan, merged) }
        if kind != .right && kind != .full {
            // The left copy is the merged column; the right copy is only reachable qualified.
            for using in usingColumns { merged.columns[using.right].hidden = true }
            return (plan, merged)
        }
        // RIGHT/FULL: compute the merged columns, each placed just before its (now hidden) left copy.
        var expressions: [BoundExpression] = []
        var columns: [ScopeColumn] = []
        for (index, column) in merged.columns.enumerated() {
            if let using = usingColumns.first(where: { $0.left == index }) {
                expressions.append(using.value)
                columns.append(ScopeColumn(qualifier: nil, name: column.name, type: using.value.type))
                var copy = column
                copy.hidden = true
                expressions.append(.column(index, column.type))
                columns.append(copy)
            } else {
                var copy = column
                if usingColumns.contains(where: { $0.right == index }) { copy.hidden = true }
                expressions.append(.column(index, column.type))
                columns.append(copy)
            }
        }
        let scope = Scope(columns: columns)
        return (.project(plan, expressions, schema(of: scope)), scope)
    }
}
