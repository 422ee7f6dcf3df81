import LakeColumnar
import LakeExecution
import LakeSQL

extension PhysicalPlanner {
    /// Plans a RIGHT, FULL or subquery join (SPEC.md §8.7): each input keeps only the columns the
    /// output, the keys and the residual read. SEMI and ANTI output the left columns, MARK kinds
    /// add one BOOLEAN after them, the others output left ++ right.
    func planExtendedJoin(
        _ left: LogicalPlan, _ right: LogicalPlan, _ kind: LogicalJoinKind, leftKeys: [BoundExpression],
        rightKeys: [BoundExpression], residual: BoundExpression?, schema logicalSchema: Schema, required: Set<Int>
    ) throws -> Planned {
        let leftCount = left.schema.count
        var needed = required
        needed.formUnion(residual?.columns ?? [])
        let leftNeeded = Set(needed.filter { $0 < leftCount }).union(leftKeys.reduce(into: Set<Int>()) { $0.formUnion($1.columns) })
        var rightNeeded = rightKeys.reduce(into: Set<Int>()) { $0.formUnion($1.columns) }
        let outputsRight = kind == .right || kind == .full || kind == .single
        for column in needed where column >= leftCount {
            if outputsRight || (residual?.columns.contains(column) ?? false) { rightNeeded.insert(column - leftCount) }
        }
        let l = try plan(left, required: leftNeeded, pushed: [])
        let r = try plan(right, required: rightNeeded, pushed: [])
        let leftWidth = l.plan.schema.count
        // Residuals read left ++ right pairs.
        var pairMapping: [Int: Int] = [:]
        for (old, new) in l.mapping { pairMapping[old] = new }
        for (old, new) in r.mapping { pairMapping[old + leftCount] = leftWidth + new }
        let physicalKind: JoinKind
        switch kind {
        case .right: physicalKind = .right
        case .full: physicalKind = .full
        case .semi: physicalKind = .semi
        case .anti: physicalKind = .anti
        case .mark: physicalKind = .mark
        case .nullAwareMark: physicalKind = .nullAwareMark
        case .single: physicalKind = .single
        }
        var mapping: [Int: Int]
        let schema: Schema
        switch kind {
        case .semi, .anti:
            mapping = l.mapping
            schema = l.plan.schema
        case .mark, .nullAwareMark:
            mapping = l.mapping
            mapping[leftCount] = leftWidth
            schema = Schema(l.plan.schema.fields + [Field("mark", .boolean)])
        case .right, .full, .single:
            mapping = pairMapping
            schema = Schema(l.plan.schema.fields + r.plan.schema.fields)
        }
        _ = logicalSchema
        let plan = PhysicalPlan.hashJoin(
            l.plan, r.plan, physicalKind, leftKeys: try leftKeys.map { try fold($0, l.mapping) },
            rightKeys: try rightKeys.map { try fold($0, r.mapping) }, residual: try residual.map { try fold($0, pairMapping) },
            schema)
        return Planned(plan: plan, mapping: mapping)
    }
}
