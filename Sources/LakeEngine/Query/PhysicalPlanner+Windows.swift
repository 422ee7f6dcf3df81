import LakeColumnar
import LakeExecution
import LakeSQL

extension PhysicalPlanner {
    /// Plans a window node: only the windows something above reads are computed, the input keeps
    /// only the columns above and the windows read, and only the columns above pass through
    /// (SPEC.md §8.6).
    func window(_ input: LogicalPlan, _ windows: [BoundWindow], _ schema: Schema, required: Set<Int>) throws -> Planned {
        let inputCount = input.schema.count
        let kept = windows.indices.filter { required.contains(inputCount + $0) }
        var needed = Set(required.filter { $0 < inputCount })
        for index in kept { needed.formUnion(windows[index].columns) }
        let child = try plan(input, required: needed, pushed: [])
        if kept.isEmpty { return child }
        let calls = try kept.map { try windowCall(windows[$0], child.mapping) }
        let above = required.filter { $0 < inputCount }.sorted()
        var passing: [Int] = []
        var mapping: [Int: Int] = [:]
        for column in above {
            guard let physical = child.mapping[column] else { continue }
            mapping[column] = passing.count
            passing.append(physical)
        }
        for (position, index) in kept.enumerated() { mapping[inputCount + index] = passing.count + position }
        let fields = passing.map { child.plan.schema.fields[$0] } + kept.map { schema.fields[inputCount + $0] }
        return Planned(plan: .window(child.plan, calls, passing: passing, Schema(fields)), mapping: mapping)
    }

    func windowCall(_ window: BoundWindow, _ mapping: [Int: Int]) throws -> WindowCall {
        var aggregate: AggregateCall?
        if let bound = window.aggregate {
            var call = AggregateCall(
                function: AggregateCall.Function(rawValue: bound.function) ?? .count,
                argument: try bound.argument.map { try fold($0, mapping) }, type: bound.type)
            call.distinct = bound.distinct
            aggregate = call
        }
        func bound(_ bound: BoundWindowFrame.Bound) -> WindowCall.Frame.Bound {
            switch bound {
            case .unboundedPreceding: .unboundedPreceding
            case .preceding(let value): .preceding(value)
            case .currentRow: .currentRow
            case .following(let value): .following(value)
            case .unboundedFollowing: .unboundedFollowing
            }
        }
        let frame = WindowCall.Frame(
            unit: window.frame.unit == .rows ? .rows : .range, start: bound(window.frame.start), end: bound(window.frame.end))
        return WindowCall(
            function: WindowCall.Function(rawValue: window.function.rawValue) ?? .rowNumber,
            arguments: try window.arguments.map { try fold($0, mapping) }, offset: window.offset, aggregate: aggregate,
            partitionBy: try window.partitionBy.map { try fold($0, mapping) },
            orderBy: try window.orderBy.map {
                SortKey(expression: try fold($0.expression, mapping), descending: $0.descending, nullsFirst: $0.nullsFirst)
            }, frame: frame, type: window.type)
    }
}
