import LakeColumnar
import LakeDelta
import LakeExecution
import LakeParquet
import LakeSQL
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The result of one SQL statement.
public struct QueryResult: Sendable {
    public let schema: Schema
    public let batches: [RecordBatch]
}

/// `lake query`: SQL text in, result batches out (SPEC.md §8).
///
/// SQL → AST (LakeSQL parser) → bound logical plan (binder) → physical plan with constant
/// folding, projection pushdown, partition pruning and file skipping from Delta statistics,
/// row-group skipping from Parquet statistics, top-N → vectorized execution (LakeExecution).
public struct QueryEngine: Sendable {
    public let lakeRoot: String
    public let threads: Int
    /// Text formats read in place (CSV, JSON lines), supplied by the ingestion readers.
    public let fileFormats: [any QueryFileFormat]
    /// The memory budget of each statement's blocking operators, in bytes (SPEC.md §8.9).
    public let memoryLimit: Int
    /// Where spill files go (`nil`: `$TMPDIR`, else `/tmp`).
    public let spillDirectory: String?

    /// An engine over the lake at `lakeRoot`; `fileFormats` defaults to CSV and JSON lines (§8.1),
    /// `memoryLimit` to ``defaultMemoryLimit`` (80% of physical memory).
    public init(
        lakeRoot: String, threads: Int, fileFormats: [any QueryFileFormat]? = nil, memoryLimit: Int? = nil,
        spillDirectory: String? = nil
    ) {
        self.lakeRoot = lakeRoot
        self.threads = max(1, threads)
        self.fileFormats = fileFormats ?? TextQueryFormat.all(threads: max(1, threads))
        self.memoryLimit = memoryLimit ?? Self.defaultMemoryLimit
        self.spillDirectory = spillDirectory
    }

    /// 80% of the machine's physical memory (DuckDB's default), or 4 GiB when it cannot be read.
    public static var defaultMemoryLimit: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return 4 << 30 }
        return pages * pageSize / 10 * 8
    }

    /// Settings changed by `SET` in this engine's statements.
    let session = SessionSettings()

    func makeBudget() -> MemoryBudget {
        MemoryBudget(limit: session.memoryLimit ?? memoryLimit, spillDirectory: spillDirectory)
    }

    /// `SET memory_limit = '…'` / `RESET memory_limit` (SPEC.md §8.9); no result columns.
    func runSet(name: String, value: String?, position: SourcePosition, source: String) throws -> QueryResult {
        guard name == "memory_limit" || name == "max_memory" else {
            throw SQLError("unknown setting \"\(name)\"", at: position, help: "lake has one setting: memory_limit")
                .withExcerpt(from: source)
        }
        if let value {
            guard let bytes = TableProperties.parseByteCount(String(value.filter { $0 != " " })) else {
                throw SQLError("memory_limit must be a byte count such as '500MB' or '4GB', not '\(value)'", at: position)
                    .withExcerpt(from: source)
            }
            session.memoryLimit = bytes
        } else {
            session.memoryLimit = nil
        }
        return QueryResult(schema: Schema([]), batches: [])
    }

    /// Runs every statement in `sql` (separated by `;`) and returns one result per statement.
    public func run(_ sql: String) async throws -> [QueryResult] {
        let statements: [SQLStatement]
        do {
            statements = try Parser.parseStatements(sql)
        } catch {
            throw error.withExcerpt(from: sql)
        }
        var results: [QueryResult] = []
        for statement in statements { results.append(try await run(statement, source: sql)) }
        return results
    }

    func run(_ statement: SQLStatement, source: String) async throws -> QueryResult {
        if case .optimize(let optimize) = statement { return try await run(optimize) }
        if case .set(let name, let value, let position) = statement {
            return try runSet(name: name, value: value, position: position, source: source)
        }
        let bound: BoundStatement
        do {
            bound = try Binder(catalog: EngineCatalog(lakeRoot: lakeRoot, fileFormats: fileFormats)).bind(statement)
        } catch let error as SQLError {
            throw error.withExcerpt(from: source)
        }
        let physical = try PhysicalPlanner().plan(JoinOrder.reorder(Optimizer.optimize(bound.plan), rows: Self.estimatedRows))
        if bound.explain {
            var lines: [String] = []
            var metrics: ExecutionMetrics?
            if bound.analyze {
                let collector = ExecutionMetrics()
                _ = try await Executor(threads: threads, metrics: collector, memory: makeBudget()).execute(physical)
                metrics = collector
            }
            Self.render(physical, depth: 0, node: 0, metrics: metrics, into: &lines)
            let schema = Schema([Field("plan", .string)])
            let column = Column.string(StringColumn(lines.map { Optional($0) }))
            return QueryResult(schema: schema, batches: [RecordBatch(schema: schema, columns: [column], rowCount: lines.count)])
        }
        let batches = try await Executor(threads: threads, memory: makeBudget()).execute(physical)
        return QueryResult(schema: physical.schema, batches: batches.filter { $0.rowCount > 0 })
    }

    static func render(_ plan: PhysicalPlan, depth: Int, node: Int, metrics: ExecutionMetrics?, into lines: inout [String]) {
        var line = String(repeating: "  ", count: depth) + plan.label
        if let metrics, let value = metrics.value(node) {
            let millis = Double(value.nanoseconds) / 1_000_000
            line += "  [rows=\(value.rows) time=\((millis * 1000).rounded() / 1000)ms]"
        }
        lines.append(line)
        var next = node + 1
        for child in plan.children {
            render(child, depth: depth + 1, node: next, metrics: metrics, into: &lines)
            next += size(child)
        }
    }

    static func size(_ plan: PhysicalPlan) -> Int { 1 + plan.children.reduce(0) { $0 + size($1) } }
}

/// Turns a logical plan into operators: keeps only the columns each node needs (projection
/// pushdown), folds constants, prunes files and row groups with the predicates directly above a
/// scan, and turns ORDER BY + LIMIT into top-N.
struct PhysicalPlanner {
    /// A planned node and where each logical output column went.
    struct Planned {
        var plan: PhysicalPlan
        var mapping: [Int: Int]
    }

    func plan(_ logical: LogicalPlan) throws -> PhysicalPlan {
        let all = Set(0..<logical.schema.count)
        let planned = try plan(logical, required: all, pushed: [])
        // Restore the logical column order at the root if pruning changed it.
        let identity = (0..<logical.schema.count).allSatisfy { planned.mapping[$0] == $0 }
        if identity && planned.plan.schema.count == logical.schema.count { return planned.plan }
        let expressions = logical.schema.fields.enumerated().map { index, field in
            PhysicalExpression.column(planned.mapping[index]!, field.type)
        }
        return .project(planned.plan, expressions, logical.schema)
    }

    func plan(_ logical: LogicalPlan, required: Set<Int>, pushed: [BoundExpression]) throws -> Planned {
        switch logical {
        case .scan(let table):
            return try scan(table, required: required, predicates: pushed)
        case .singleRow:
            return Planned(plan: .values(RecordBatch(schema: Schema([]), columns: [], rowCount: 1)), mapping: [:])
        case .filter(let input, let predicate):
            let child = try plan(input, required: required.union(predicate.columns), pushed: pushed + splitAnd(predicate))
            let folded = try fold(predicate, child.mapping)
            if case .literal(.boolean(true), _) = folded { return child }
            return Planned(plan: .filter(child.plan, folded), mapping: child.mapping)
        case .project(let input, let expressions, let schema) where !(0..<expressions.count).allSatisfy(required.contains):
            // Only the outputs someone reads (e.g. the reordering projection above a join chain).
            let kept = (0..<expressions.count).filter(required.contains)
            let needed = kept.reduce(into: Set<Int>()) { $0.formUnion(expressions[$1].columns) }
            let child = try plan(input, required: needed, pushed: [])
            let physical = try kept.map { try fold(expressions[$0], child.mapping) }
            let mapping = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, $0) })
            return Planned(plan: .project(child.plan, physical, Schema(kept.map { schema.fields[$0] })), mapping: mapping)
        case .project(let input, let expressions, let schema):
            let needed = expressions.reduce(into: Set<Int>()) { $0.formUnion($1.columns) }
            let child = try plan(input, required: needed, pushed: [])
            let physical = try expressions.map { try fold($0, child.mapping) }
            return Planned(plan: .project(child.plan, physical, schema), mapping: identity(schema.count))
        case .aggregate(let input, let groups, let aggregates, let schema):
            var needed = groups.reduce(into: Set<Int>()) { $0.formUnion($1.columns) }
            for aggregate in aggregates {
                needed.formUnion(aggregate.argument?.columns ?? [])
                needed.formUnion(aggregate.filter?.columns ?? [])
                needed.formUnion(aggregate.secondArgument?.columns ?? [])
            }
            let child = try plan(input, required: needed, pushed: [])
            let physicalGroups = try groups.map { try fold($0, child.mapping) }
            let calls = try aggregates.map { aggregate in
                var call = AggregateCall(
                    function: AggregateCall.Function(rawValue: aggregate.function) ?? .count,
                    argument: try aggregate.argument.map { try fold($0, child.mapping) }, type: aggregate.type)
                call.distinct = aggregate.distinct
                call.filter = try aggregate.filter.map { try fold($0, child.mapping) }
                call.secondArgument = try aggregate.secondArgument.map { try fold($0, child.mapping) }
                call.parameter = aggregate.parameter
                call.descending = aggregate.descending
                return call
            }
            return Planned(
                plan: .aggregate(child.plan, groups: physicalGroups, aggregates: calls, schema), mapping: identity(schema.count))
        case .join(let left, let right, let inner, let leftKeys, let rightKeys, let residual, _):
            let leftCount = left.schema.count
            var needed = required
            needed.formUnion(residual?.columns ?? [])
            let leftNeeded = Set(needed.filter { $0 < leftCount }).union(leftKeys.reduce(into: Set<Int>()) { $0.formUnion($1.columns) })
            let rightNeeded = Set(needed.filter { $0 >= leftCount }.map { $0 - leftCount })
                .union(rightKeys.reduce(into: Set<Int>()) { $0.formUnion($1.columns) })
            let l = try plan(left, required: leftNeeded, pushed: [])
            let r = try plan(right, required: rightNeeded, pushed: [])
            let leftWidth = l.plan.schema.count
            var mapping: [Int: Int] = [:]
            for (old, new) in l.mapping { mapping[old] = new }
            for (old, new) in r.mapping { mapping[old + leftCount] = leftWidth + new }
            let schema = Schema(l.plan.schema.fields + r.plan.schema.fields)
            let plan = PhysicalPlan.hashJoin(
                l.plan, r.plan, inner ? .inner : .left, leftKeys: try leftKeys.map { try fold($0, l.mapping) },
                rightKeys: try rightKeys.map { try fold($0, r.mapping) }, residual: try residual.map { try fold($0, mapping) },
                schema)
            return Planned(plan: plan, mapping: mapping)
        case .extendedJoin(let left, let right, let kind, let leftKeys, let rightKeys, let residual, let schema):
            return try planExtendedJoin(
                left, right, kind, leftKeys: leftKeys, rightKeys: rightKeys, residual: residual, schema: schema,
                required: required)
        case .sort(let input, let keys):
            let needed = keys.reduce(into: required) { $0.formUnion($1.expression.columns) }
            let child = try plan(input, required: needed, pushed: [])
            let physical = try keys.map {
                SortKey(expression: try fold($0.expression, child.mapping), descending: $0.descending, nullsFirst: $0.nullsFirst)
            }
            return Planned(plan: .sort(child.plan, physical, limit: nil), mapping: child.mapping)
        case .limit(let input, let limit, let offset):
            var child = try plan(input, required: required, pushed: [])
            if let limit, case .sort(let sortInput, let keys, nil) = child.plan {
                let (total, overflow) = limit.addingReportingOverflow(offset)
                child.plan = .sort(sortInput, keys, limit: overflow ? nil : total)
            }
            return Planned(plan: .limit(child.plan, limit: limit, offset: offset), mapping: child.mapping)
        case .distinct(let input):
            let child = try plan(input, required: Set(0..<input.schema.count), pushed: [])
            return Planned(plan: .distinct(child.plan), mapping: child.mapping)
        case .union(let inputs, let schema):
            // Every input keeps all its columns, in the logical order (SPEC.md §8.8).
            return Planned(plan: .union(try inputs.map { try plan($0) }, schema), mapping: identity(schema.count))
        case .setOperation(let kind, let all, let left, let right, let schema):
            let physicalKind: SetOperator.Kind = kind == .intersect ? .intersect : .except
            return Planned(
                plan: .setOperation(physicalKind, all: all, try plan(left), try plan(right), schema),
                mapping: identity(schema.count))
        case .window(let input, let windows, let schema):
            return try window(input, windows, schema, required: required)
        }
    }

    func identity(_ count: Int) -> [Int: Int] {
        Dictionary(uniqueKeysWithValues: (0..<count).map { ($0, $0) })
    }

    func splitAnd(_ expression: BoundExpression) -> [BoundExpression] {
        if case .call(.and, let arguments, _) = expression { return arguments.flatMap(splitAnd) }
        return [expression]
    }

    /// Converts to a physical expression over the planned columns, evaluating every constant
    /// subtree once (constant folding with the executor's own semantics).
    func fold(_ expression: BoundExpression, _ mapping: [Int: Int]) throws -> PhysicalExpression {
        let physical = convert(expression, mapping)
        return try Self.foldConstants(physical)
    }

    func convert(_ expression: BoundExpression, _ mapping: [Int: Int]) -> PhysicalExpression {
        switch expression {
        case .column(let index, let type): .column(mapping[index] ?? index, type)
        case .literal(let value, let type): .literal(value, type)
        case .cast(let operand, let type, let isTry): .cast(convert(operand, mapping), type, isTry: isTry)
        case .call(let function, let arguments, let type):
            .call(ScalarFunction(rawValue: function.rawValue)!, arguments.map { convert($0, mapping) }, type)
        }
    }

    static func foldConstants(_ expression: PhysicalExpression) throws -> PhysicalExpression {
        switch expression {
        case .column, .literal: return expression
        case .cast(let operand, let type, let isTry):
            let inner = try foldConstants(operand)
            if case .literal = inner { return try evaluateConstant(.cast(inner, type, isTry: isTry)) }
            return .cast(inner, type, isTry: isTry)
        case .call(let function, let arguments, let type):
            let folded = try arguments.map(foldConstants)
            let rebuilt = PhysicalExpression.call(function, folded, type)
            let constant = folded.allSatisfy { if case .literal = $0 { true } else { false } }
            return constant ? try evaluateConstant(rebuilt) : rebuilt
        }
    }

    static func evaluateConstant(_ expression: PhysicalExpression) throws -> PhysicalExpression {
        let batch = RecordBatch(schema: Schema([]), columns: [], rowCount: 1)
        let column = try ExpressionEvaluator.evaluate(expression, batch)
        let value = column.isValid(0) ? column.scalar(at: 0) : .null
        return .literal(value, expression.type)
    }

    // MARK: - Scans

    /// Bounds of a table column in one Parquet row group, from the footer statistics.
    func rowGroupBounds(_ reader: ParquetFileReader, _ group: Int, _ table: CatalogTable, _ partitionColumns: [String])
        -> (Int) -> ColumnBounds?
    {
        { column in
            let field = table.schema.fields[column]
            guard !partitionColumns.contains(field.name), let index = reader.schema.index(of: field.name),
                reader.schema.fields[index].type == field.type,
                let statistics = reader.statistics(rowGroup: group, column: index)
            else { return nil }
            let rows = reader.rowCount(ofRowGroup: group)
            return ColumnBounds(
                min: statistics.min, max: statistics.max, nullCount: statistics.nullCount.map(Int64.init),
                allNull: statistics.nullCount == rows)
        }
    }

    /// The `column = constant` conjuncts of `folded` (over the table's columns) as a
    /// ``RowNarrowing``, or `nil` when there are none.
    func narrowing(_ folded: [PhysicalExpression], _ table: CatalogTable, _ snapshot: Snapshot) throws -> RowNarrowing? {
        var equalities: [(column: Int, value: PhysicalExpression)] = []
        for conjunct in folded {
            guard case .call(.equal, let arguments, _) = conjunct, arguments.count == 2 else { continue }
            switch (arguments[0], arguments[1]) {
            case (.column(let index, _), .literal(let value, _)) where value != .null:
                equalities.append((index, arguments[1]))
            case (.literal(let value, _), .column(let index, _)) where value != .null:
                equalities.append((index, arguments[0]))
            default: continue
            }
        }
        guard !equalities.isEmpty else { return nil }
        let keys = Array(Set(equalities.map(\.column))).sorted()
        let position = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
        let conjuncts = equalities.map { equality -> PhysicalExpression in
            let type = table.schema.fields[equality.column].type
            return .call(.equal, [.column(position[equality.column]!, type), equality.value], .boolean)
        }
        let predicate = conjuncts.count == 1 ? conjuncts[0] : .call(.and, conjuncts, .boolean)
        let scan = try TableScan(snapshot: snapshot, columns: keys.map { table.schema.fields[$0].name })
        return RowNarrowing(scan: scan, predicate: predicate)
    }

    func scan(_ table: CatalogTable, required: Set<Int>, predicates: [BoundExpression]) throws -> Planned {
        let indices = required.sorted()
        var mapping: [Int: Int] = [:]
        for (position, index) in indices.enumerated() { mapping[index] = position }
        // Predicates over the full table schema, folded, for pruning.
        let folded = predicates.compactMap { try? Self.foldConstants(convert($0, identity(table.schema.count))) }
        let names = indices.map { table.schema.fields[$0].name }
        switch table.handle as? TableHandle {
        case .delta(let snapshot):
            let scan = try TableScan(snapshot: snapshot, columns: names)
            var kept: [AddFile] = []
            for file in snapshot.files {
                let statistics = file.stats.flatMap { FileStatistics(json: $0, schema: snapshot.schema) }
                let bounds = { (column: Int) -> ColumnBounds? in
                    let field = table.schema.fields[column]
                    if snapshot.partitionColumns.contains(field.name) {
                        let text = file.partitionValues[field.name] ?? nil
                        guard let value = PartitionValue.parse(text, as: field.type) else { return nil }
                        return ColumnBounds(min: value, max: value, nullCount: value.isNull ? 1 : 0, allNull: value.isNull)
                    }
                    guard let statistics, let stats = statistics.column(field.name) else { return nil }
                    let allNull = statistics.numRecords != nil && stats.nullCount == statistics.numRecords
                    return ColumnBounds(min: stats.min, max: stats.max, nullCount: stats.nullCount, allNull: allNull)
                }
                if folded.contains(where: { Pruning.cannotMatch($0, bounds) }) { continue }
                kept.append(file)
            }
            var readers: [ParquetFileReader] = []
            var parts: [(file: Int, group: Int)] = []
            var skippedGroups = 0
            for (fileIndex, file) in kept.enumerated() {
                let reader = try scan.reader(for: file)
                readers.append(reader)
                for group in 0..<reader.rowGroupCount {
                    if reader.rowCount(ofRowGroup: group) == 0
                        || (!folded.isEmpty
                            && folded.contains(where: { Pruning.cannotMatch($0, rowGroupBounds(reader, group, table, snapshot.partitionColumns)) }))
                    {
                        skippedGroups += 1
                        continue
                    }
                    parts.append((fileIndex, group))
                }
            }
            var source = DeltaBatchSource(
                scan: scan, files: kept, readers: readers, parts: parts, skippedFiles: snapshot.files.count - kept.count,
                skippedGroups: skippedGroups, tableName: table.name)
            // Narrowing pays for lookups that statistics already cut to a few row groups; an
            // equality on an unclustered column (every row group kept) would only decode its
            // key twice.
            if parts.count <= max(2, (parts.count + skippedGroups) / 8) {
                source.narrowing = try narrowing(folded, table, snapshot)
            }
            return Planned(plan: .scan(source), mapping: mapping)
        case .parquet(let files):
            let readers = try files.map { try ParquetFileReader(path: $0) }
            var parts: [(file: Int, group: Int)] = []
            var skipped = 0
            for (fileIndex, reader) in readers.enumerated() {
                for group in 0..<reader.rowGroupCount {
                    if reader.rowCount(ofRowGroup: group) == 0
                        || (!folded.isEmpty
                            && folded.contains(where: { Pruning.cannotMatch($0, rowGroupBounds(reader, group, table, [])) }))
                    {
                        skipped += 1
                        continue
                    }
                    parts.append((fileIndex, group))
                }
            }
            var columnIndices: [Int] = []
            for name in names {
                guard let index = readers.first?.schema.index(of: name) else { continue }
                columnIndices.append(index)
            }
            let schema = Schema(indices.map { table.schema.fields[$0] })
            let source = ParquetBatchSource(
                readers: readers, parts: parts, columns: columnIndices, schema: schema, skippedGroups: skipped, name: table.name)
            return Planned(plan: .scan(source), mapping: mapping)
        case .files(let format, let paths):
            let source = try format.source(paths: paths, schema: table.schema, columns: indices)
            return Planned(plan: .scan(source), mapping: mapping)
        case nil:
            throw QueryError.unsupportedSource(path: table.name)
        }
    }
}

extension QueryEngine {
    /// The columns `OPTIMIZE` returns: one row of compaction metrics.
    static let optimizeSchema = Schema([
        Field("table", .string), Field("version", .int64), Field("files_removed", .int64), Field("files_added", .int64),
        Field("bytes_removed", .int64), Field("bytes_added", .int64), Field("rows", .int64),
        Field("partitions_compacted", .int64),
    ])

    /// `OPTIMIZE t [WHERE …] [ZORDER BY (…)]`: `lake compact` as SQL (SPEC.md §8.1, §7.6).
    func run(_ optimize: SQLOptimize) async throws -> QueryResult {
        let argument: String
        switch optimize.table {
        case .name(let name): argument = name.description
        case .path(let path): argument = path
        }
        let location = try TableLocation.resolve(argument, lakeRoot: lakeRoot)
        var request = CompactionRequest()
        request.options.parquet.threads = threads
        if !optimize.zOrderBy.isEmpty {
            request.sortColumns = optimize.zOrderBy.map(\.text)
            request.zOrder = true
        }
        let report = try await TableCompaction.run(
            location, predicate: optimize.predicate.map { "\($0)" }, request: request)
        let outcome = report.outcome
        func int(_ value: Int64?) -> Column {
            .int64(PrimitiveColumn(values: [value ?? 0], validity: value == nil ? ValidityBitmap(allNullCount: 1) : nil))
        }
        let columns: [Column] = [
            .string(StringColumn([argument])), int(outcome.version), int(Int64(outcome.filesRemoved)),
            int(Int64(outcome.filesAdded)), int(outcome.bytesRemoved), int(outcome.bytesAdded),
            int(Int64(outcome.rowsRewritten)), int(Int64(outcome.partitionsCompacted)),
        ]
        let schema = Self.optimizeSchema
        return QueryResult(schema: schema, batches: [RecordBatch(schema: schema, columns: columns, rowCount: 1)])
    }
}

/// What `SET` changed for the statements that follow, in one engine.
final class SessionSettings: Sendable {
    private let limit = Mutex<Int?>(nil)

    /// `SET memory_limit`, when set.
    var memoryLimit: Int? {
        get { limit.withLock { $0 } }
        set { limit.withLock { $0 = newValue } }
    }
}
