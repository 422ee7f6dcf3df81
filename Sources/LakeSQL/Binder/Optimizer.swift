import LakeColumnar

/// Logical rewrite rules applied after binding (SPEC.md §8.4).
///
/// Predicate pushdown: the conjuncts of a filter over an inner join move to the side whose columns
/// they read (only left-side conjuncts for a LEFT join), equalities between the two sides become
/// join keys (a comma join turns into a hash join), and stacked filters merge, so that filters
/// end up directly above scans where file skipping can use them.
public enum Optimizer {
    public static func optimize(_ plan: LogicalPlan) -> LogicalPlan {
        switch plan {
        case .scan, .singleRow: return plan
        case .filter(let input, let predicate):
            return pushFilter(optimize(input), conjuncts(predicate))
        case .project(let input, let expressions, let schema): return .project(optimize(input), expressions, schema)
        case .aggregate(let input, let groups, let aggregates, let schema):
            return .aggregate(optimize(input), groups: groups, aggregates: aggregates, schema)
        case .join(let left, let right, let inner, let leftKeys, let rightKeys, let residual, let schema):
            if inner, let residual {
                // An inner join's residual is a filter over its output: push it like one.
                let joined = LogicalPlan.join(
                    optimize(left), optimize(right), inner: true, leftKeys: leftKeys, rightKeys: rightKeys, residual: nil,
                    schema)
                return pushFilter(joined, conjuncts(residual))
            }
            return .join(
                optimize(left), optimize(right), inner: inner, leftKeys: leftKeys, rightKeys: rightKeys, residual: residual,
                schema)
        case .extendedJoin(let left, let right, let kind, let leftKeys, let rightKeys, let residual, let schema):
            return .extendedJoin(
                optimize(left), optimize(right), kind, leftKeys: leftKeys, rightKeys: rightKeys, residual: residual, schema)
        case .sort(let input, let keys): return .sort(optimize(input), keys)
        case .limit(let input, let limit, let offset): return .limit(optimize(input), limit: limit, offset: offset)
        case .distinct(let input): return .distinct(optimize(input))
        case .union(let inputs, let schema): return .union(inputs.map(optimize), schema)
        case .setOperation(let kind, let all, let left, let right, let schema):
            return .setOperation(kind, all: all, optimize(left), optimize(right), schema)
        case .window(let input, let windows, let schema): return .window(optimize(input), windows, schema)
        }
    }

    static func conjuncts(_ expression: BoundExpression) -> [BoundExpression] {
        if case .call(.and, let arguments, _) = expression { return arguments.flatMap(conjuncts) }
        return [expression]
    }

    static func and(_ expressions: [BoundExpression]) -> BoundExpression? {
        if expressions.isEmpty { return nil }
        return expressions.count == 1 ? expressions[0] : .call(.and, expressions, .boolean)
    }

    /// A filter with `predicates` over `input` (already optimized), pushed as far down as it goes.
    static func pushFilter(_ input: LogicalPlan, _ predicates: [BoundExpression]) -> LogicalPlan {
        guard !predicates.isEmpty else { return input }
        switch input {
        case .filter(let inner, let existing):
            return pushFilter(inner, conjuncts(existing) + predicates)
        case .join(let left, let right, let inner, var leftKeys, var rightKeys, let residual, let schema):
            let leftCount = left.schema.count
            var toLeft: [BoundExpression] = []
            var toRight: [BoundExpression] = []
            var above: [BoundExpression] = []
            var residuals = residual.map(conjuncts) ?? []
            for predicate in predicates {
                let columns = predicate.columns
                if !columns.isEmpty && columns.allSatisfy({ $0 < leftCount }) && !isVolatile(predicate) {
                    toLeft.append(predicate)
                } else if inner && !columns.isEmpty && columns.allSatisfy({ $0 >= leftCount }) {
                    toRight.append(predicate.remapped { $0 - leftCount })
                } else if inner, case .call(.equal, let sides, _) = predicate,
                    let split = splitSides(sides[0], sides[1], leftCount)
                {
                    leftKeys.append(split.left)
                    rightKeys.append(split.right.remapped { $0 - leftCount })
                } else if inner {
                    residuals.append(predicate)
                } else {
                    above.append(predicate)
                }
            }
            let newLeft = pushFilter(left, toLeft)
            let newRight = pushFilter(right, toRight)
            let joined = LogicalPlan.join(
                newLeft, newRight, inner: inner, leftKeys: leftKeys, rightKeys: rightKeys, residual: and(residuals), schema)
            return and(above).map { .filter(joined, $0) } ?? joined
        case .extendedJoin(let left, let right, let kind, let leftKeys, let rightKeys, let residual, let schema)
        where kind != .full && kind != .right:
            // Conjuncts over the left input alone filter it before a subquery join.
            let leftCount = left.schema.count
            var toLeft: [BoundExpression] = []
            var above: [BoundExpression] = []
            for predicate in predicates {
                let columns = predicate.columns
                if !columns.isEmpty && columns.allSatisfy({ $0 < leftCount }) { toLeft.append(predicate) } else { above.append(predicate) }
            }
            let joined = LogicalPlan.extendedJoin(
                pushFilter(left, toLeft), right, kind, leftKeys: leftKeys, rightKeys: rightKeys, residual: residual, schema)
            return and(above).map { .filter(joined, $0) } ?? joined
        default:
            return .filter(input, and(predicates)!)
        }
    }

    static func isVolatile(_ expression: BoundExpression) -> Bool { false }

    static func splitSides(_ a: BoundExpression, _ b: BoundExpression, _ leftCount: Int)
        -> (left: BoundExpression, right: BoundExpression)?
    {
        let ca = a.columns
        let cb = b.columns
        guard !ca.isEmpty, !cb.isEmpty else { return nil }
        if ca.allSatisfy({ $0 < leftCount }) && cb.allSatisfy({ $0 >= leftCount }) { return (a, b) }
        if cb.allSatisfy({ $0 < leftCount }) && ca.allSatisfy({ $0 >= leftCount }) { return (b, a) }
        return nil
    }
}
