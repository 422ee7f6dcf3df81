import LakeColumnar

/// Hash joins in the executor (SPEC.md §8.7).
///
/// When one input of a join is a filter/project chain over a scan (or over another such join),
/// the join streams: the other input runs first and becomes the build side, then the chain's
/// partitions are read, filtered and probed one morsel at a time (``JoinProbeSource``), so the
/// probe input is never held whole and an aggregation above the join consumes the joined
/// morsels as they come. Otherwise both inputs run whole and the smaller one is built.
extension Executor {
    /// What preparing a join gave: a source that streams the probe side through the built table,
    /// or the joined rows when the join had to run whole.
    enum PreparedJoin {
        /// A ``JoinProbeSource``, or a ``GraceJoinSource`` when the table did not fit the budget.
        case streamed(any BatchSource)
        case joined([RecordBatch])
    }

    /// The rows of the hash join `plan` (operator `node`).
    func runHashJoin(_ plan: PhysicalPlan, node: Int) async throws -> [RecordBatch] {
        switch try await prepareJoin(plan, node: node) {
        case .streamed(let source):
            let output = try await parallel(source, scanNode: nil) { $0 }.filter { $0.rowCount > 0 }
            return output.isEmpty ? [RecordBatch.concatenate([], schema: plan.schema)] : output
        case .joined(let batches):
            return batches
        }
    }

    /// `plan` with the hash join at the bottom of its filter/project chain replaced by a scan of
    /// its streamed (or, failing that, computed) rows; `plan` itself when its chain does not end
    /// in a join with keys. Runs the join's build side.
    func preparedChain(_ plan: PhysicalPlan, node: Int) async throws -> PhysicalPlan {
        let (stages, current) = Self.peelChain(plan)
        guard case .hashJoin(_, _, _, let leftKeys, _, _, let schema) = current, !leftKeys.isEmpty else { return plan }
        var rebuilt: PhysicalPlan
        let start = DispatchFreeClock.nanoseconds()
        let prepared = try await prepareJoin(current, node: node + stages.count)
        // The build (or the whole join) counts towards the join's time; its rows are counted
        // where the rebuilt scan is read.
        let end = DispatchFreeClock.nanoseconds()
        metrics?.record(node + stages.count, rows: 0, nanoseconds: end >= start ? end - start : 0)
        switch prepared {
        case .streamed(let source): rebuilt = .scan(source)
        case .joined(let batches): rebuilt = .scan(MemoryBatches(schema: schema, batches: batches))
        }
        for stage in stages.reversed() {
            switch stage {
            case .filter(_, let predicate): rebuilt = .filter(rebuilt, predicate)
            case .project(_, let expressions, let schema): rebuilt = .project(rebuilt, expressions, schema)
            default: break
            }
        }
        return rebuilt
    }

    /// The filters and projections at the top of `plan`, top first, and the plan below them.
    static func peelChain(_ plan: PhysicalPlan) -> (stages: [PhysicalPlan], bottom: PhysicalPlan) {
        var stages: [PhysicalPlan] = []
        var current = plan
        while true {
            switch current {
            case .filter(let input, _), .project(let input, _, _):
                stages.append(current)
                current = input
            default: return (stages, current)
            }
        }
    }

    /// Whether `plan` is a filter/project chain over a scan or over a hash join with keys (what
    /// ``preparedChain(_:node:)`` turns into a pipeline).
    static func isChain(_ plan: PhysicalPlan) -> Bool {
        switch plan {
        case .filter(let input, _), .project(let input, _, _): isChain(input)
        case .scan: true
        case .hashJoin(_, _, _, let leftKeys, _, _, _): !leftKeys.isEmpty
        default: false
        }
    }

    /// Estimated output rows of `plan`, from the sources' row counts and fixed selectivities
    /// (JoinOrder's); `nil` when unknown.
    static func estimatedRows(_ plan: PhysicalPlan) -> Double? {
        switch plan {
        case .scan(let source): return source.rowCountBound.map(Double.init)
        case .values(let batch): return Double(batch.rowCount)
        case .filter(let input, let predicate):
            guard var rows = estimatedRows(input) else { return nil }
            let conjuncts: [PhysicalExpression]
            if case .call(.and, let arguments, _) = predicate { conjuncts = arguments } else { conjuncts = [predicate] }
            for conjunct in conjuncts {
                if case .call(.equal, _, _) = conjunct { rows *= 0.1 } else { rows *= 0.5 }
            }
            return max(1, rows)
        case .project(let input, _, _): return estimatedRows(input)
        case .aggregate(let input, let groups, _, _):
            return groups.isEmpty ? 1 : estimatedRows(input).map { max(1, $0 / 2) }
        case .hashJoin(let left, let right, let kind, _, _, _, _):
            guard let l = estimatedRows(left) else { return nil }
            if kind.isSubqueryJoin { return l }
            guard let r = estimatedRows(right) else { return nil }
            return max(l, r)
        default: return nil
        }
    }

    /// At most how many rows a filter/project chain over a scan yields; `nil` when unknown.
    static func rowBound(_ plan: PhysicalPlan) -> Int? {
        switch plan {
        case .filter(let input, _), .project(let input, _, _): rowBound(input)
        case .scan(let source): source.rowCountBound
        default: nil
        }
    }

    /// Which input of a join to stream through the other's table: `true` for the right one,
    /// `false` for the left, `nil` when the join runs whole. The streamed side must be a chain
    /// (``isChain(_:)``) and the join kind must not need to see every probe row before it can
    /// answer (outer on the build side, or SEMI/ANTI/MARK answered from a built left side).
    static func streamedSide(
        _ kind: JoinKind, left: PhysicalPlan, right: PhysicalPlan, leftKeys: [PhysicalExpression],
        rightKeys: [PhysicalExpression]
    ) -> Bool? {
        guard !leftKeys.isEmpty else { return nil }
        // The key-filtered paths run the left side first to filter the right one by its keys: an
        // aggregate then only groups the keys that can match. A filtered scan on the right of an
        // inner join streams instead (the probe drops the same rows, and the left side is not held
        // whole when the right one is built).
        if keyFilterTarget(kind, leftKeys: leftKeys, rightKeys: rightKeys, right: right) != nil
            || (kind != .inner && scanKeyFilterTarget(kind, leftKeys: leftKeys, rightKeys: rightKeys, right: right) != nil)
        {
            return nil
        }
        let leftStreams: Bool
        let rightStreams: Bool
        switch kind {
        case .inner: (leftStreams, rightStreams) = (true, true)
        case .left, .semi, .anti, .mark, .nullAwareMark, .single: (leftStreams, rightStreams) = (true, false)
        case .right: (leftStreams, rightStreams) = (false, true)
        case .full: return nil
        }
        let canLeft = leftStreams && isChain(left)
        let canRight = rightStreams && isChain(right)
        if canLeft && canRight {
            // Build the side estimated smaller (the left one on a tie or when unknown).
            guard let l = estimatedRows(left), let r = estimatedRows(right) else { return false }
            return l < r
        }
        if canLeft { return false }
        if canRight { return true }
        return nil
    }

    /// Runs the build side of the hash join `plan` (operator `node`) and returns a source that
    /// streams the probe side through it, or runs the whole join when it cannot stream: the kind
    /// does not allow it, the built side turned out larger than the probe side can be, or the
    /// table does not fit the memory budget (then ``joinBatches`` spills).
    func prepareJoin(_ plan: PhysicalPlan, node: Int) async throws -> PreparedJoin {
        guard case .hashJoin(let left, let right, let kind, let leftKeys, let rightKeys, let residual, let schema) = plan
        else { return .joined(try await run(plan, node: node)) }
        let childNodes = Self.childNodes(plan, node: node)
        guard let probeRight = Self.streamedSide(kind, left: left, right: right, leftKeys: leftKeys, rightKeys: rightKeys)
        else { return .joined(try await joinWhole(plan, node: node)) }
        let (buildPlan, probePlan) = probeRight ? (left, right) : (right, left)
        let (buildNode, probeNode) = probeRight ? (childNodes[0], childNodes[1]) : (childNodes[1], childNodes[0])
        var buildBatches = try await runBuildSide(buildPlan, node: buildNode)
        let buildRows = buildBatches.reduce(0) { $0 + $1.rowCount }
        let buildBytes = buildBatches.reduce(0) { $0 + $1.memoryBytes } + buildRows * 40
        // Built side surely larger than the probe side (and that one may be built): join whole.
        let otherBuildable = kind == .inner
        let surelyLarger = otherBuildable && (Self.rowBound(probePlan).map { $0 < buildRows } ?? false)
        let fits = !surelyLarger && memory.tryReserve(buildBytes * 2)
        if !surelyLarger && !fits && kind != .nullAwareMark {
            // Over budget: a grace hash join, the probe side streamed straight into its partitions,
            // the partitions joined as they are read.
            let grace = GraceJoin(budget: memory)
            let (buildKeys, probeKeys) = probeRight ? (leftKeys, rightKeys) : (rightKeys, leftKeys)
            let buildFiles = try grace.partition(&buildBatches, keys: buildKeys)
            let probeFiles = try grace.makeFiles()
            try await stream(probePlan, node: probeNode) { (batch) throws(ExecutionError) in
                try grace.append(batch, keys: probeKeys, to: probeFiles)
            }
            let executor = self
            let probeSchema = probePlan.schema
            return .streamed(
                GraceJoinSource(
                    grace: grace, build: buildFiles, probe: probeFiles, buildSchema: buildPlan.schema,
                    probeSchema: probeSchema, schema: schema
                ) { build, probes in
                    let joiner = try HashJoiner(
                        build: build, buildKeys: buildKeys, probeKeys: probeKeys, residual: residual, kind: kind,
                        buildIsRight: !probeRight, schema: schema)
                    return try await executor.probeAll(joiner, probes, probeSchema: probeSchema, schema: schema)
                })
        }
        if !fits {
            var probeBatches = try await run(probePlan, node: probeNode)
            if probeRight {
                return .joined(
                    try await joinBatches(
                        left: &buildBatches, right: &probeBatches, kind: kind, leftKeys: leftKeys, rightKeys: rightKeys,
                        residual: residual, schema: schema, leftSchema: left.schema, rightSchema: right.schema))
            }
            return .joined(
                try await joinBatches(
                    left: &probeBatches, right: &buildBatches, kind: kind, leftKeys: leftKeys, rightKeys: rightKeys,
                    residual: residual, schema: schema, leftSchema: left.schema, rightSchema: right.schema))
        }
        let hold = BudgetHold(memory, bytes: buildBytes * 2)
        let build = RecordBatch.concatenate(buildBatches, schema: buildPlan.schema)
        buildBatches = []  // the parts, copied into `build`, are not needed while the table is built
        let joiner = try HashJoiner(
            build: build, buildKeys: probeRight ? leftKeys : rightKeys, probeKeys: probeRight ? rightKeys : leftKeys,
            residual: residual, kind: kind, buildIsRight: !probeRight, schema: schema)
        let probeChain = try await preparedChain(probePlan, node: probeNode)
        guard let (stages, source) = Self.pipeline(probeChain) else {
            // Not a chain after all: probe with its rows.
            return .joined(
                try await probeAll(
                    joiner, try await run(probeChain, node: probeNode), probeSchema: probePlan.schema, schema: schema))
        }
        return .streamed(
            JoinProbeSource(
                source: source, stages: stages, topNode: probeNode, scanNode: probeNode + stages.count, joiner: joiner,
                executor: self, hold: hold))
    }

    /// Runs a streamed join's build side (operator `node`). Filters over a scan run on whole
    /// batches (row groups): they keep few rows, and cutting morsels first would copy every
    /// column once.
    func runBuildSide(_ plan: PhysicalPlan, node: Int) async throws -> [RecordBatch] {
        guard let (stages, source) = Self.pipeline(plan), !stages.isEmpty,
            stages.allSatisfy({ if case .filter = $0 { true } else { false } })
        else { return try await run(plan, node: node) }
        let executor = self
        return try await parallel(source, scanNode: node + stages.count, wholeBatches: true) { batch in
            try executor.runStages(stages, topNode: node, batch)
        }
    }

    /// Runs both inputs of the hash join `plan` whole, then joins them (the key-filtered
    /// sideways paths, FULL joins, joins without keys).
    func joinWhole(_ plan: PhysicalPlan, node: Int) async throws -> [RecordBatch] {
        guard case .hashJoin(let left, let right, let kind, let leftKeys, let rightKeys, let residual, let schema) = plan
        else { return try await run(plan, node: node) }
        let childNodes = Self.childNodes(plan, node: node)
        var leftList: [RecordBatch]
        var rightBatches: [RecordBatch]
        if let target = Self.keyFilterTarget(kind, leftKeys: leftKeys, rightKeys: rightKeys, right: right) {
            // The right side aggregates by the join key: only keys the left side has matter.
            leftList = try await run(left, node: childNodes[0])
            rightBatches = try await runKeyFiltered(target, right, leftList, node: childNodes[1])
        } else if let target = Self.scanKeyFilterTarget(kind, leftKeys: leftKeys, rightKeys: rightKeys, right: right) {
            // The right side is a filtered scan: skip its rows whose key the left side lacks.
            leftList = try await run(left, node: childNodes[0])
            rightBatches = try await runScanKeyFiltered(target, right, leftList, node: childNodes[1])
        } else {
            async let leftBatches = run(left, node: childNodes[0])
            rightBatches = try await run(right, node: childNodes[1])
            leftList = try await leftBatches
        }
        return try await joinBatches(
            left: &leftList, right: &rightBatches, kind: kind, leftKeys: leftKeys, rightKeys: rightKeys, residual: residual,
            schema: schema, leftSchema: left.schema, rightSchema: right.schema)
    }

    /// Joins two inputs held whole: builds the smaller one (MARK_IN and SINGLE build the right
    /// one), or runs a grace hash join from spill files when the table does not fit the budget
    /// (then the inputs are emptied as they are written, so their memory goes as the files grow).
    func joinBatches(
        left leftList: inout [RecordBatch], right rightList: inout [RecordBatch], kind: JoinKind,
        leftKeys: [PhysicalExpression], rightKeys: [PhysicalExpression], residual: PhysicalExpression?,
        schema: Schema, leftSchema: Schema, rightSchema: Schema
    ) async throws -> [RecordBatch] {
        let leftRows = leftList.reduce(0) { $0 + $1.rowCount }
        let rightRows = rightList.reduce(0) { $0 + $1.rowCount }
        // Build the smaller side; MARK_IN and SINGLE joins build the right side.
        let buildRight = kind == .nullAwareMark || kind == .single || rightRows <= leftRows
        let buildBytes =
            (buildRight ? rightList : leftList).reduce(0) { $0 + $1.memoryBytes }
            + (buildRight ? rightRows : leftRows) * 40
        var reservation = MemoryReservation(memory)
        if !reservation.update(to: buildBytes * 2) {
            // Over budget: a grace hash join, partition by partition from spill files. MARK_IN
            // depends on NULLs anywhere in the build side, so it cannot be split by key.
            guard !leftKeys.isEmpty, kind != .nullAwareMark else {
                throw ExecutionError.outOfMemoryBudget(
                    operator: leftKeys.isEmpty ? "join without equality keys" : "IN (subquery)", limit: memory.limit)
            }
            let grace = GraceJoin(budget: memory)
            let leftFiles = try grace.partition(&leftList, keys: leftKeys)
            let rightFiles = try grace.partition(&rightList, keys: rightKeys)
            let probeSchema = buildRight ? leftSchema : rightSchema
            return try await grace.join(
                build: buildRight ? rightFiles : leftFiles, probe: buildRight ? leftFiles : rightFiles,
                buildSchema: buildRight ? rightSchema : leftSchema, probeSchema: probeSchema
            ) { build, probes in
                let joiner = try HashJoiner(
                    build: build, buildKeys: buildRight ? rightKeys : leftKeys,
                    probeKeys: buildRight ? leftKeys : rightKeys, residual: residual, kind: kind,
                    buildIsRight: buildRight, schema: schema)
                return try await probeAll(joiner, probes, probeSchema: probeSchema, schema: schema)
            }
        }
        let build = RecordBatch.concatenate(buildRight ? rightList : leftList, schema: buildRight ? rightSchema : leftSchema)
        let joiner = try HashJoiner(
            build: build, buildKeys: buildRight ? rightKeys : leftKeys,
            probeKeys: buildRight ? leftKeys : rightKeys, residual: residual, kind: kind, buildIsRight: buildRight,
            schema: schema)
        let probeSchema = buildRight ? leftSchema : rightSchema
        return try await probeAll(joiner, (buildRight ? leftList : rightList), probeSchema: probeSchema, schema: schema)
    }

    /// Probes `joiner` with every batch (as morsels, in parallel), then adds the build rows no
    /// probe row matched when the join is outer on its build side (SPEC.md §8.7).
    func probeAll(_ joiner: HashJoiner, _ probeBatches: [RecordBatch], probeSchema: Schema, schema: Schema)
        async throws -> [RecordBatch]
    {
        let probes = probeBatches.flatMap(Self.morsels).filter { $0.rowCount > 0 }
        var output = [RecordBatch?](repeating: nil, count: probes.count)
        var matched = [Bool](repeating: false, count: joiner.tracksBuildRows ? joiner.build.rowCount : 0)
        if threads <= 1 || probes.count <= 1 {
            for (index, batch) in probes.enumerated() {
                let (joined, rows) = try joiner.probeTracking(batch)
                output[index] = joined
                for row in rows { matched[Int(row)] = true }
            }
        } else {
            try await withThrowingTaskGroup(of: (Int, RecordBatch, [Int32]).self) { group in
                var next = 0
                while next < probes.count && next < threads {
                    let index = next
                    group.addTask {
                        let (joined, rows) = try joiner.probeTracking(probes[index])
                        return (index, joined, rows)
                    }
                    next += 1
                }
                while let (index, batch, rows) = try await group.next() {
                    output[index] = batch
                    for row in rows { matched[Int(row)] = true }
                    if next < probes.count {
                        let index = next
                        group.addTask {
                            let (joined, rows) = try joiner.probeTracking(probes[index])
                            return (index, joined, rows)
                        }
                        next += 1
                    }
                }
            }
        }
        var result = output.compactMap { $0 }
        if joiner.answersFromBuild { return [joiner.answerFromBuild(matched)] }
        if joiner.buildOuter { result.append(joiner.unmatchedBuildRows(matched, probeSchema: probeSchema)) }
        if result.isEmpty { result.append(RecordBatch.concatenate([], schema: schema)) }
        return result
    }
}

/// Memory reserved in a budget for as long as the holder lives (a streamed join's table, held
/// while its probe side is read).
final class BudgetHold: Sendable {
    let budget: MemoryBudget
    let bytes: Int

    /// Takes over `bytes` already reserved in `budget`.
    init(_ budget: MemoryBudget, bytes: Int) {
        self.budget = budget
        self.bytes = bytes
    }

    deinit { budget.release(bytes) }
}

/// The probe side of a streamed hash join as a source: each partition of the probe side's scan
/// is read, run through its filter/project stages and probed, batch by batch. Its partitions
/// are the scan's, so the executor reads them in parallel like any scan.
struct JoinProbeSource: BatchSource {
    /// The probe side's scan.
    let source: any BatchSource
    /// The probe side's filter/project stages over the scan, in execution order.
    let stages: [PhysicalPlan]
    /// The operator number of the probe side's top (its last stage, or the scan).
    let topNode: Int
    /// The operator number of the probe side's scan.
    let scanNode: Int
    let joiner: HashJoiner
    let executor: Executor
    /// The build table's memory, released when the last copy of this source goes.
    let hold: BudgetHold

    var schema: Schema { joiner.schema }
    var partitionCount: Int { source.partitionCount }

    func read(partition: Int) async throws -> [RecordBatch] {
        let start = DispatchFreeClock.nanoseconds()
        let batches = try await source.read(partition: partition)
        executor.record(scanNode, batches, since: start)
        var output: [RecordBatch] = []
        // Under filters, whole batches (row groups): cutting them into morsels would copy every
        // column once, and the filters leave fewer rows to probe and output. Without filters the
        // output can be as large as the input, and it is better cut before the probe (into
        // morsels for what reads the join) than after.
        for batch in batches {
            for morsel in stages.isEmpty ? Executor.morsels(batch) : [batch] {
                let rows = try executor.runStages(stages, topNode: topNode, morsel)
                if rows.rowCount == 0 { continue }
                let joined = try joiner.probe(rows)
                if joined.rowCount > 0 { output.append(joined) }
            }
        }
        return output
    }

    var summary: String { "probe of \(source.summary)" }
}
