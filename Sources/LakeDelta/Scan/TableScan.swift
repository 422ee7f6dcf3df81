import LakeColumnar
import LakeIO
import LakeParquet

/// Reads the live files of a ``Snapshot`` as record batches in the table's schema.
///
/// For each file (SPEC.md §6.6): the requested data columns are decoded from the Parquet file
/// (matched by name, exactly, then case-insensitively) and conformed to the table types;
/// columns the file lacks (schema evolution) and `void` columns are all null; partition columns
/// are constant columns built from `partitionValues`, parsed by the column type (the log is the
/// truth, not the directory names, nor copies some writers keep in the file). One batch per row
/// group; nothing is boxed per value.
///
/// ```swift
/// let snapshot = try Snapshot.load(table: "lakehouse/events")
/// let scan = try TableScan(snapshot: snapshot, columns: ["id", "region"])
/// for batch in try await scan.read(threads: 2) { … }
/// ```
public struct TableScan: Sendable {
    /// The snapshot being read.
    public let snapshot: Snapshot
    /// The output schema: the requested columns in the requested order.
    public let schema: Schema
    /// Per output column: how it is produced.
    private let sources: [Source]

    private enum Source: Sendable {
        /// Read from the file column of this name.
        case data(name: String)
        /// A partition column.
        case partition(name: String)
        /// Always null (`void`).
        case null
    }

    /// Prepares a scan of `columns` (all columns, in schema order, when `nil`).
    ///
    /// - Throws: ``DeltaError/invalidRequest(table:reason:)`` naming an unknown column and listing the valid ones.
    public init(snapshot: Snapshot, columns: [String]? = nil) throws(DeltaError) {
        self.snapshot = snapshot
        let tableSchema = snapshot.schema
        let names = columns ?? tableSchema.fields.map(\.name)
        var fields: [Field] = []
        var sources: [Source] = []
        for name in names {
            guard let field = tableSchema.field(named: name), let deltaField = snapshot.deltaSchema.field(named: name)
            else {
                let valid = tableSchema.fields.map(\.name).joined(separator: ", ")
                throw .invalidRequest(
                    table: snapshot.tableRoot, reason: "no column named '\(name)'; the columns are: \(valid)")
            }
            fields.append(field)
            if snapshot.partitionColumns.contains(name) {
                sources.append(.partition(name: name))
            } else if deltaField.type == .void {
                sources.append(.null)
            } else {
                sources.append(.data(name: name))
            }
        }
        self.schema = Schema(fields)
        self.sources = sources
    }

    /// The files the scan reads.
    public var files: [AddFile] { snapshot.files }

    /// Reads every file, up to `threads` files at a time; batches come back in file order.
    public func read(threads: Int = 1) async throws(DeltaError) -> [RecordBatch] {
        let files = self.files
        if files.count <= 1 || threads <= 1 {
            var batches: [RecordBatch] = []
            for file in files { batches += try await read(file, threads: threads) }
            return batches
        }
        let scan = self
        var results = [[RecordBatch]](repeating: [], count: files.count)
        let failure = await withTaskGroup(of: (Int, Result<[RecordBatch], DeltaError>).self) { group in
            var next = 0
            var failure: DeltaError?
            func start() {
                let index = next
                group.addTask { await scan.readCatching(files[index], index: index) }
                next += 1
            }
            while next < files.count && next < threads { start() }
            while let (index, outcome) = await group.next() {
                switch outcome {
                case .success(let batches): results[index] = batches
                case .failure(let error):
                    if failure == nil { failure = error }
                    group.cancelAll()
                }
                if failure == nil, next < files.count { start() }
            }
            return failure
        }
        if let failure { throw failure }
        return results.flatMap { $0 }
    }

    /// ``read(_:threads:)`` of one file as a `Result` tagged with its position, for the task group.
    ///
    /// A method rather than a `do throws(DeltaError)` block inside the `addTask` closure: with that
    /// block, release builds (Swift 6.3.1) returned position 0 from every child task, so all but one
    /// file's batches were lost (debug builds were right). Kept this way until the cause is
    /// understood; `lake-delta-bench open TABLE --threads 2` (a release build) shows the row count.
    private func readCatching(_ file: AddFile, index: Int) async -> (Int, Result<[RecordBatch], DeltaError>) {
        let result: Result<[RecordBatch], DeltaError>
        do throws(DeltaError) {
            result = .success(try await read(file, threads: 1))
        } catch {
            result = .failure(error)
        }
        return (index, result)
    }

    /// Reads one file of the snapshot: one batch per row group, in the scan's schema.
    public func read(_ file: AddFile, threads: Int = 1) async throws(DeltaError) -> [RecordBatch] {
        let reader = try open(file)
        let (fileColumns, positions) = columnPlan(reader.schema)
        let partitionValues = try partitionScalars(file)
        var batches: [RecordBatch] = []
        if fileColumns.isEmpty {
            for group in 0..<reader.rowGroupCount where reader.rowCount(ofRowGroup: group) > 0 {
                batches.append(
                    try assemble(
                        file, rowCount: reader.rowCount(ofRowGroup: group), decoded: [], positions, partitionValues))
            }
            return batches
        }
        let decoded: [RecordBatch]
        do {
            decoded = try await reader.readAll(columns: fileColumns, threads: max(1, threads))
        } catch {
            throw .parquet(error)
        }
        for batch in decoded where batch.rowCount > 0 {
            batches.append(
                try assemble(file, rowCount: batch.rowCount, decoded: batch.columns, positions, partitionValues))
        }
        return batches
    }

    /// The number of rows in the snapshot's files, from their Parquet footers (no data is decoded).
    public func countRows() throws(DeltaError) -> Int {
        var total = 0
        for file in files { total += try open(file).rowCount }
        return total
    }

    /// The absolute path of a file of the table, refusing paths that leave the table root.
    public func resolvedPath(of file: AddFile) throws(DeltaError) -> String {
        let root = snapshot.tableRoot
        let path = file.path
        if path.hasPrefix("/") {
            guard path.hasPrefix(root + "/"), !Self.hasParentReference(path) else {
                throw .invalidRequest(
                    table: root, reason: "data file '\(path)' is outside the table root; lake does not read it")
            }
            return path
        }
        guard !path.contains("://"), !Self.hasParentReference(path) else {
            throw .invalidRequest(
                table: root, reason: "data file path '\(path)' is not a relative path inside the table")
        }
        return root + "/" + path
    }

    private static func hasParentReference(_ path: String) -> Bool {
        path.split(separator: "/").contains("..")
    }

    private func open(_ file: AddFile) throws(DeltaError) -> ParquetFileReader {
        let path = try resolvedPath(of: file)
        do {
            return try ParquetFileReader(path: path)
        } catch {
            if case .storage(.notFound) = error {
                throw .missingDataFile(table: snapshot.tableRoot, path: path, version: snapshot.version)
            }
            throw .parquet(error)
        }
    }

    private static func fileColumn(named name: String, in schema: Schema) -> Int? {
        if let index = schema.index(of: name) { return index }
        let lowered = name.lowercased()
        return schema.fields.firstIndex { $0.name.lowercased() == lowered }
    }

    /// The typed partition values of `file` for the scan's partition columns.
    private func partitionScalars(_ file: AddFile) throws(DeltaError) -> [String: ScalarValue] {
        var values: [String: ScalarValue] = [:]
        for (source, field) in zip(sources, schema.fields) {
            guard case .partition(let name) = source else { continue }
            let text = file.partitionValues[name] ?? nil
            guard let value = PartitionValue.parse(text, as: field.type) else {
                throw .invalidPartitionValue(
                    table: snapshot.tableRoot, column: name, value: text ?? "", type: "\(field.type)")
            }
            values[name] = value
        }
        return values
    }

    private func assemble(
        _ file: AddFile, rowCount: Int, decoded: [Column], _ positions: [Int?], _ partitionValues: [String: ScalarValue]
    ) throws(DeltaError) -> RecordBatch {
        var columns: [Column] = []
        columns.reserveCapacity(sources.count)
        for (index, (source, field)) in zip(sources, schema.fields).enumerated() {
            switch source {
            case .null:
                columns.append(.nulls(field.type, count: rowCount))
            case .partition(let name):
                guard let column = Column.constant(partitionValues[name] ?? .null, type: field.type, count: rowCount)
                else {
                    throw .invalidPartitionValue(
                        table: snapshot.tableRoot, column: name, value: "\(partitionValues[name] ?? .null)",
                        type: "\(field.type)")
                }
                columns.append(column)
            case .data:
                guard let position = positions[index] else {
                    columns.append(.nulls(field.type, count: rowCount))
                    continue
                }
                do throws(ColumnConformance.Mismatch) {
                    columns.append(try ColumnConformance.conform(decoded[position], to: field.type, path: field.name))
                } catch {
                    throw .typeMismatch(
                        path: (try? resolvedPath(of: file)) ?? file.path, column: error.path,
                        expected: "\(error.expected)", found: "\(error.found)")
                }
            }
        }
        return RecordBatch(schema: schema, columns: columns, rowCount: rowCount)
    }
}

extension TableScan {
    /// The file columns to decode (each once, even if requested twice) and, per output column,
    /// its position among them (`nil`: a partition, void or missing column).
    func columnPlan(_ fileSchema: Schema) -> (fileColumns: [Int], positions: [Int?]) {
        var fileColumns: [Int] = []
        var positions: [Int?] = []
        for source in sources {
            guard case .data(let name) = source, let index = Self.fileColumn(named: name, in: fileSchema) else {
                positions.append(nil)
                continue
            }
            if let existing = fileColumns.firstIndex(of: index) {
                positions.append(existing)
            } else {
                positions.append(fileColumns.count)
                fileColumns.append(index)
            }
        }
        return (fileColumns, positions)
    }

    /// Opens the data file of `file` (its footer only), to read it one row group at a time.
    public func reader(for file: AddFile) throws(DeltaError) -> ParquetFileReader { try open(file) }

    /// One row group of `file` in this scan's columns (partition values and missing columns filled
    /// in as by ``read(_:threads:)``), so a scan can run in parallel over row groups.
    ///
    /// - Parameter rows: only these rows of the row group (``ParquetFileReader/readRowGroup(_:columns:rows:)``);
    ///   `nil` for all.
    public func read(_ file: AddFile, reader: ParquetFileReader, rowGroup: Int, rows: Range<Int>? = nil)
        throws(DeltaError) -> RecordBatch
    {
        let (fileColumns, positions) = columnPlan(reader.schema)
        let partitionValues = try partitionScalars(file)
        if fileColumns.isEmpty {
            return try assemble(
                file, rowCount: rows?.count ?? reader.rowCount(ofRowGroup: rowGroup), decoded: [], positions,
                partitionValues)
        }
        let decoded: RecordBatch
        do {
            if let rows {
                decoded = try reader.readRowGroup(rowGroup, columns: fileColumns, rows: rows)
            } else {
                decoded = try reader.readRowGroup(rowGroup, columns: fileColumns)
            }
        } catch {
            throw .parquet(error)
        }
        return try assemble(file, rowCount: decoded.rowCount, decoded: decoded.columns, positions, partitionValues)
    }
}
