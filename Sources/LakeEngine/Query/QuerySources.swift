import LakeColumnar
import LakeDelta
import LakeIO
import LakeExecution
import LakeParquet
import LakeSQL

/// What a catalog table is, for the engine: a Delta snapshot or a list of Parquet files.
enum TableHandle: Sendable {
    case delta(Snapshot)
    case parquet([String])
    case files(any QueryFileFormat, [String])
}

/// A text format that queries read in place: the hook for the ingestion readers (CSV, JSON lines).
///
/// Register formats with ``QueryEngine/init(lakeRoot:threads:fileFormats:)``. A quoted path whose
/// extension is in ``extensions``, or a call of one of ``functionNames`` (`read_csv('…')`), becomes
/// a scan of this format; without a registered format such sources are "not supported yet".
public protocol QueryFileFormat: Sendable {
    /// Lower-case file extensions without the dot (`csv`, `jsonl`).
    var extensions: [String] { get }
    /// Table function names (`read_csv`, `read_csv_auto`).
    var functionNames: [String] { get }
    /// The columns of the files (read or inferred once, at planning).
    func schema(of paths: [String]) throws -> Schema
    /// A source yielding the rows of the files with only `columns` (indices into the schema), in
    /// that order.
    func source(paths: [String], schema: Schema, columns: [Int]) throws -> any BatchSource
}

/// Resolves table names and paths for the binder (DESIGN.md §2): names are tables in the lake;
/// quoted paths are Delta tables, Parquet files or globs of them.
struct EngineCatalog: SQLCatalog {
    let lakeRoot: String
    var fileFormats: [any QueryFileFormat] = []

    private func format(forPath path: String) -> (any QueryFileFormat)? {
        let lowered = path.lowercased()
        guard let dot = lowered.lastIndex(of: ".") else { return nil }
        let ext = String(lowered[lowered.index(after: dot)...])
        return fileFormats.first { $0.extensions.contains(ext) }
    }

    private func files(_ format: any QueryFileFormat, _ paths: [String], name: String) throws -> CatalogTable {
        var expanded: [String] = []
        for path in paths { expanded += path.contains("*") ? try Self.glob(path) : [path] }
        for file in expanded where FileKind(file) != .file { throw EngineError.notFound(path: file) }
        return CatalogTable(name: name, schema: try format.schema(of: expanded), handle: TableHandle.files(format, expanded))
    }

    func table(_ source: SQLTableSource, timeTravel: TimeTravelSpec?) throws -> CatalogTable? {
        let version: TableVersion
        switch timeTravel {
        case .version(let number): version = .version(number)
        case .timestamp(let text): version = try TableVersion(version: nil, asOf: text)
        case nil: version = .latest
        }
        switch source {
        case .name(let name):
            guard name.parts.count == 1 else { return nil }
            let location: TableLocation
            do {
                location = try TableLocation.named(name.name.text, lakeRoot: lakeRoot)
            } catch {
                return nil
            }
            guard case .directory = FileKind(location.path) else { return nil }
            return try delta(location.path, name: name.name.text, version: version)
        case .path(let path):
            if let format = format(forPath: path) {
                if timeTravel != nil { throw EngineError.timeTravelOnFile(path: path, option: "AS OF") }
                return try files(format, [path], name: path)
            }
            if path.contains("*") {
                if timeTravel != nil { throw EngineError.timeTravelOnFile(path: path, option: "AS OF") }
                return try parquet(Self.glob(path), name: path)
            }
            let lowered = path.lowercased()
            if lowered.hasSuffix(".csv") || lowered.hasSuffix(".json") || lowered.hasSuffix(".jsonl")
                || lowered.hasSuffix(".ndjson")
            {
                throw QueryError.unsupportedSource(path: path)
            }
            switch FileKind(path) {
            case .file:
                if timeTravel != nil { throw EngineError.timeTravelOnFile(path: path, option: "AS OF") }
                return try parquet([path], name: path)
            case .directory:
                return try delta(path, name: path, version: version)
            default:
                return nil
            }
        }
    }

    func tableFunction(_ name: String, arguments: [ScalarValue]) throws -> CatalogTable? {
        let paths = arguments.compactMap { value -> String? in if case .string(let text) = value { text } else { nil } }
        if let format = fileFormats.first(where: { $0.functionNames.contains(name) }) {
            return try files(format, paths, name: paths.joined(separator: ", "))
        }
        switch name {
        case "read_parquet", "parquet_scan":
            var files: [String] = []
            for path in paths { files += path.contains("*") ? try Self.glob(path) : [path] }
            for file in files where FileKind(file) != .file { throw EngineError.notFound(path: file) }
            return try parquet(files, name: paths.joined(separator: ", "))
        case "read_csv", "read_csv_auto", "read_json", "read_json_auto", "read_ndjson":
            throw QueryError.unsupportedSource(path: paths.first ?? name)
        default:
            return nil
        }
    }

    private func delta(_ path: String, name: String, version: TableVersion) throws -> CatalogTable {
        let snapshot = try version.snapshot(of: path)
        return CatalogTable(
            name: name, schema: snapshot.schema, partitionColumns: snapshot.partitionColumns, handle: TableHandle.delta(snapshot))
    }

    private func parquet(_ files: [String], name: String) throws -> CatalogTable {
        guard let first = files.first else { throw QueryError.noFiles(pattern: name) }
        let schema = try ParquetFileReader(path: first).schema
        return CatalogTable(name: name, schema: schema, handle: TableHandle.parquet(files))
    }

    /// Files matching a `dir/*.parquet` pattern (wildcards in the last component only), sorted.
    static func glob(_ pattern: String) throws -> [String] {
        let slash = pattern.lastIndex(of: "/")
        let directory = slash.map { String(pattern[..<$0]) } ?? "."
        let filePattern = slash.map { String(pattern[pattern.index(after: $0)...]) } ?? pattern
        let names = ((try? FileSystem.contentsOfDirectory(directory)) ?? []).filter { !$0.isDirectory }.map(\.name)
        let matches = names.filter { likeGlob(Array($0.utf8), Array(filePattern.utf8)) }.sorted()
        if matches.isEmpty { throw QueryError.noFiles(pattern: pattern) }
        return matches.map { slash == nil ? $0 : directory + "/" + $0 }
    }

    static func likeGlob(_ text: [UInt8], _ pattern: [UInt8]) -> Bool {
        var t = 0
        var p = 0
        var star = -1
        var mark = 0
        while t < text.count {
            if p < pattern.count && (pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t]) {
                t += 1
                p += 1
            } else if p < pattern.count && pattern[p] == UInt8(ascii: "*") {
                star = p
                mark = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}

/// The active files of a Delta snapshot (after pruning and skipping), one partition per row group
/// so that even a one-file table is read in parallel.
struct DeltaBatchSource: BatchSource {
    let scan: TableScan
    let files: [AddFile]
    let readers: [ParquetFileReader]
    /// (file, row group) pairs that survived skipping.
    var parts: [(file: Int, group: Int)]
    let skippedFiles: Int
    let skippedGroups: Int
    let tableName: String
    /// A top-N's running bound and each part's statistics of its first key: a part the bound
    /// excludes is not read (``TopNThreshold``).
    var topN: (threshold: TopNThreshold, bounds: [(min: ScalarValue?, max: ScalarValue?, nullCount: Int64?)])? = nil
    /// Equality conjuncts that narrow each row group to the rows between their first and last
    /// match before the other columns are decoded (SPEC.md §8.4), or `nil`.
    var narrowing: RowNarrowing? = nil

    var schema: Schema { scan.schema }
    var partitionCount: Int { parts.count }
    var rowCountBound: Int? { parts.reduce(0) { $0 + readers[$1.file].rowCount(ofRowGroup: $1.group) } }

    func read(partition: Int) async throws -> [RecordBatch] {
        let part = parts[partition]
        if let topN {
            let bounds = topN.bounds[partition]
            if topN.threshold.excludes(min: bounds.min, max: bounds.max, nullCount: bounds.nullCount) { return [] }
        }
        var rows: Range<Int>?
        if let narrowing {
            let keys = try narrowing.scan.read(files[part.file], reader: readers[part.file], rowGroup: part.group)
            guard let matched = try narrowing.matchingRows(keys) else { return [] }
            // Worth a second pass only when it leaves out most of the row group.
            if matched.count * 2 <= keys.rowCount { rows = matched }
        }
        let batch = try scan.read(files[part.file], reader: readers[part.file], rowGroup: part.group, rows: rows)
        return batch.rowCount > 0 ? [batch] : []
    }

    var summary: String {
        "\(tableName) (delta v\(scan.snapshot.version)) columns=[\(schema.fields.map(\.name).joined(separator: ", "))] "
            + "files: \(files.count) kept, \(skippedFiles) skipped; row groups: \(parts.count) kept, \(skippedGroups) skipped"
            + (narrowing.map { "; rows narrowed by \($0.scan.schema.fields.map(\.name).joined(separator: ", "))" } ?? "")
    }
}

extension DeltaBatchSource: TopNPrunableSource {
    func pruning(column: Int, limit: Int, descending: Bool, nullsFirst: Bool) -> (
        source: any BatchSource, threshold: TopNThreshold
    )? {
        let field = scan.schema.fields[column]
        guard !scan.snapshot.partitionColumns.contains(field.name) else { return nil }
        var bounds: [(min: ScalarValue?, max: ScalarValue?, nullCount: Int64?)] = []
        for part in parts {
            let reader = readers[part.file]
            guard let index = reader.schema.index(of: field.name), reader.schema.fields[index].type == field.type,
                let statistics = reader.statistics(rowGroup: part.group, column: index),
                let probe = descending ? statistics.max : statistics.min, Self.topNOrder(probe, probe) != nil
            else { return nil }
            // NaN sorts above every number, and footer bounds leave it out: a descending top-N
            // may skip a float row group only when it is known to hold no NaN.
            let mayHoldNaN = (field.type == .float64 || field.type == .float32) && statistics.nanCount != 0
            bounds.append(
                (statistics.min, descending && mayHoldNaN ? nil : statistics.max, statistics.nullCount.map(Int64.init)))
        }
        let threshold = TopNThreshold(limit: limit, descending: descending, nullsFirst: nullsFirst) {
            Self.topNOrder($0, $1)
        }
        // The most promising row groups first, so the bound is tight early (unknown bounds first).
        let order = bounds.indices.sorted { a, b in
            guard let x = descending ? bounds[a].max : bounds[a].min else { return true }
            guard let y = descending ? bounds[b].max : bounds[b].min else { return false }
            let order = Self.topNOrder(x, y) ?? 0
            return descending ? order > 0 : order < 0
        }
        var pruned = self
        pruned.parts = order.map { parts[$0] }
        pruned.topN = (threshold, order.map { bounds[$0] })
        return (pruned, threshold)
    }

    /// The order of two key values for top-N pruning: ``Pruning/compare(_:_:)``, plus floats
    /// other than NaN.
    static func topNOrder(_ a: ScalarValue, _ b: ScalarValue) -> Int? {
        func order<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x == y ? 0 : 1) }
        switch (a, b) {
        case (.float(let x), .float(let y)): return x.isNaN || y.isNaN ? nil : order(x, y)
        case (.float32(let x), .float32(let y)): return x.isNaN || y.isNaN ? nil : order(x, y)
        default: return Pruning.compare(a, b)
        }
    }
}

/// A point-lookup aid: the key columns of equality conjuncts (`column = constant`), read first so
/// a row group is decoded only between its first and last matching row, or not at all when none
/// matches. The query's filter still runs on the rows read.
struct RowNarrowing: Sendable {
    /// Reads the key columns.
    let scan: TableScan
    /// The conjuncts over the key columns' positions.
    let predicate: PhysicalExpression

    /// The rows from the first to the last where `predicate` is true, or `nil` when it is true
    /// for none.
    func matchingRows(_ keys: RecordBatch) throws -> Range<Int>? {
        guard case .boolean(let mask) = try ExpressionEvaluator.evaluate(predicate, keys) else { return 0..<keys.rowCount }
        var first = -1
        var last = -1
        mask.values.withUnsafeBufferPointer { values in
            for row in 0..<values.count where values[row] && (mask.validity?.isValid(row) ?? true) {
                if first < 0 { first = row }
                last = row
            }
        }
        return first < 0 ? nil : first..<(last + 1)
    }
}

/// Row groups of Parquet files, one partition per row group.
struct ParquetBatchSource: BatchSource {
    let readers: [ParquetFileReader]
    /// (file, row group) pairs that survived statistics skipping.
    let parts: [(file: Int, group: Int)]
    let columns: [Int]
    let schema: Schema
    let skippedGroups: Int
    let name: String

    var partitionCount: Int { parts.count }
    var rowCountBound: Int? { parts.reduce(0) { $0 + readers[$1.file].rowCount(ofRowGroup: $1.group) } }

    func read(partition: Int) async throws -> [RecordBatch] {
        let part = parts[partition]
        let reader = readers[part.file]
        if columns.isEmpty {
            return [RecordBatch(schema: schema, columns: [], rowCount: reader.rowCount(ofRowGroup: part.group))]
        }
        let batch = try reader.readRowGroup(part.group, columns: columns)
        return [RecordBatch(schema: schema, columns: batch.columns, rowCount: batch.rowCount)]
    }

    var summary: String {
        "\(name) (parquet, \(readers.count) file\(readers.count == 1 ? "" : "s")) columns=[\(schema.fields.map(\.name).joined(separator: ", "))] "
            + "row groups: \(parts.count) kept, \(skippedGroups) skipped"
    }
}

/// Errors of `lake query` that are not SQL or storage errors.
public enum QueryError: LakeError, Equatable {
    case unsupportedSource(path: String)
    case noFiles(pattern: String)

    public var description: String {
        switch self {
        case .unsupportedSource(let path): "reading \(path) in a query is not supported yet"
        case .noFiles(let pattern): "no files match \(pattern)"
        }
    }

    public var help: String? {
        switch self {
        case .unsupportedSource: "Ingest the file into a table first: lake ingest <table> <file>."
        case .noFiles: "Check the directory and the pattern."
        }
    }
}

