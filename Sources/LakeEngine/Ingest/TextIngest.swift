import LakeColumnar
import LakeDelta
import LakeIO
import LakeIngest

#if canImport(Glibc)
    import Glibc
#endif

/// Input formats of `lake ingest`.
public enum InputFormat: String, Sendable, CaseIterable {
    case csv, jsonl, parquet
}

/// Options of `lake ingest` beyond the write request (SPEC.md §2.8).
public struct IngestOptions: Sendable {
    /// The input format; detected from each input's name when `nil`.
    public var format: InputFormat?
    /// CSV delimiter; `nil`: `,` (tab for `.tsv` files).
    public var delimiter: UInt8?
    /// CSV: whether the first record names the columns.
    public var header = true
    /// Field texts read as null besides the empty field.
    public var nullStrings: [String] = []
    /// Column types given by `--schema`.
    public var schema: [Field] = []
    /// How the table's schema may change.
    public var schemaMode: SchemaMode = .strict
    /// What to do with bad records.
    public var onError: BadRecordPolicy = .fail
    /// The rejects table for `quarantine` (default: the table's path + `_rejects`).
    public var rejectsTable: String?
    /// Records sampled per input for type inference.
    public var sampleRecords = 10_000
    /// Bytes per parse block (tests use small blocks to cross boundaries).
    public var blockSize = 16 << 20
    /// The largest record, in bytes.
    public var maxRecordBytes = 256 << 20
    /// Called after every parsed block (never per row), for a progress display.
    public var progress: (@Sendable (IngestProgress) -> Void)?

    public init() {}
}

/// How far an ingest has got, reported once per block.
public struct IngestProgress: Sendable {
    /// Input bytes read (compressed bytes for compressed input).
    public var bytesRead: Int
    /// The inputs' total size, when known (not for standard input).
    public var totalBytes: Int?
    /// Records accepted and rejected so far.
    public var rows: Int
    public var rejected: Int
    /// Seconds since the ingest started.
    public var seconds: Double
}

/// Ingests CSV and JSON-lines inputs (and hands Parquet to ``FileIngest``) into a Delta table in
/// one commit (SPEC.md §2.8).
public enum TextIngest {
    /// The columns of the rejects table (SPEC.md §2.8).
    public static let rejectsSchema = Schema([
        Field("ingest_id", .string), Field("file", .string), Field("line", .int64), Field("column", .string),
        Field("value", .string), Field("reason", .string), Field("record", .string),
    ])

    /// Blocks parsed ahead of the writer (memory: this many blocks of parsed rows).
    static let parseAhead = 3

    /// Runs one ingest of `inputs` into the table at `tableRoot`.
    public static func run(
        tableRoot: String, inputs: [String], request: WriteRequest, options: IngestOptions, threads: Int
    ) async throws -> IngestReport {
        let clock = ContinuousClock()
        let start = clock.now
        let (files, format) = try expand(inputs, format: options.format)
        var request = request
        request.options.parquet.threads = threads
        switch options.schemaMode {
        case .strict: request.schemaEvolution = .none
        case .merge: request.schemaEvolution = .merge
        case .overwrite: request.schemaEvolution = .overwrite
        }
        if options.schemaMode == .overwrite && request.mode != .overwrite {
            throw IngestError.invalidOption("--schema-mode overwrite needs --mode overwrite")
        }
        if format == .parquet {
            return try await FileIngest.run(tableRoot: tableRoot, inputs: files, request: request, threads: threads)
        }
        var readOptions = TextReadOptions(format: format == .csv ? .csv : .jsonLines)
        readOptions.header = options.header
        readOptions.nullStrings = options.nullStrings.map { Array($0.utf8) }
        readOptions.sampleRecords = options.sampleRecords
        readOptions.blockSize = options.blockSize
        readOptions.maxRecordBytes = options.maxRecordBytes
        readOptions.threads = threads
        func optionsFor(_ path: String) -> TextReadOptions {
            var result = readOptions
            result.delimiter =
                options.delimiter ?? (strippingCompression(path).lowercased().hasSuffix(".tsv") ? 0x09 : UInt8(ascii: ","))
            return result
        }

        let existing = try loadTable(tableRoot)
        if existing != nil && request.mode == .ignore {
            return IngestReport(
                table: tableRoot, inputFiles: files.count, rowsRead: 0,
                outcome: .skipped("the table exists (mode ignore)"), seconds: 0)
        }

        // Sample every input, then decide the columns.
        var inferred = TextSchema.Inferred()
        var notes: [String] = []
        var kept: [String: TextFileReader] = [:]
        for path in files {
            let reader = try TextFileReader(path: path, options: optionsFor(path))
            inferred.add(reader)
            notes += reader.warnings.map { "\(path): \($0)" }
            if path == "-" { kept[path] = reader }  // standard input cannot be read twice
        }
        let tableSchema = request.mode == .error ? nil : existing?.schema
        let columns = try TextSchema.resolve(
            inferred: inferred, declared: options.schema, table: tableSchema, mode: options.schemaMode,
            tableName: tableRoot, positional: format == .csv && !options.header)
        if columns.isEmpty {
            throw IngestError.noColumns(inputs: files.joined(separator: ", "))
        }

        let session = try WriteSession(tableRoot: tableRoot, schema: Schema(columns), request: request)
        let ingestID = UUIDText.random()
        var rejects: RejectsSink?
        if options.onError == .quarantine && session.skipReason == nil {
            var rejectsRequest = WriteRequest(mode: .append)
            rejectsRequest.transaction = request.transaction
            rejectsRequest.options = request.options
            rejectsRequest.operationParameters = ["ingestId": ingestID, "table": tableRoot]
            rejects = RejectsSink(
                tableRoot: options.rejectsTable ?? (tableRoot.hasSuffix("/") ? String(tableRoot.dropLast()) : tableRoot)
                    + "_rejects",
                request: rejectsRequest, ingestID: ingestID)
        }
        var accepted = 0
        var rejected = 0
        var bytes = 0
        var totalBytes: Int? = 0
        for path in files {
            var info = stat()
            if path == "-" || stat(path, &info) != 0 { totalBytes = nil } else { totalBytes? += Int(info.st_size) }
        }
        do {
            if session.skipReason == nil {
                for path in files {
                    let reader = try kept.removeValue(forKey: path) ?? TextFileReader(path: path, options: optionsFor(path))
                    let batches = TextBatchReader(reader: reader, columns: columns)
                    // Up to `parseAhead` blocks are parsed ahead of the writer, one after the other
                    // (a block's bytes live in the reader's buffer until it is parsed), so parsing
                    // goes on while a row group is encoded.
                    var queue: [Task<ParsedBlock?, any Error>] = []
                    func enqueue() {
                        let previous = queue.last
                        queue.append(
                            Task {
                                if let previous { _ = try? await previous.value }
                                return try await batches.next()
                            })
                    }
                    for _ in 0..<Self.parseAhead { enqueue() }
                    do {
                        while !queue.isEmpty {
                            guard let block = try await queue.removeFirst().value else { break }
                            enqueue()
                            if !block.rejects.isEmpty {
                                if options.onError == .fail {
                                    let first = block.rejects[0]
                                    throw IngestError.badRecord(
                                        file: first.file, line: first.line, column: first.column, value: first.value,
                                        reason: first.reason)
                                }
                                try await rejects?.write(block.rejects)
                            }
                            for batch in block.batches { try await session.write(batch) }
                            accepted += block.records - block.rejects.count
                            rejected += block.rejects.count
                            if let progress = options.progress {
                                let elapsed = clock.now - start
                                progress(
                                    IngestProgress(
                                        bytesRead: bytes + reader.bytesRead, totalBytes: totalBytes, rows: accepted,
                                        rejected: rejected,
                                        seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18))
                            }
                            try Task.checkCancellation()
                        }
                        for task in queue { _ = try? await task.value }
                    } catch {
                        for task in queue { _ = try? await task.value }
                        throw error
                    }
                    bytes += reader.bytesRead
                }
            }
        } catch {
            session.abort()
            rejects?.abort()
            throw error
        }
        var rejectsVersion: Int64?
        let outcome: WriteOutcome
        if session.skipReason == nil && accepted == 0 && existing != nil && request.mode == .append
            && request.transaction == nil && columns == existing?.schema.fields
        {
            session.abort()
            rejectsVersion = try await rejects?.commit()
            outcome = .skipped("no rows to add")
        } else {
            // The rejects table commits first: a crash in between leaves rejects whose ingest_id
            // never appears in the table's history, never accepted rows without their rejects.
            do {
                rejectsVersion = try await rejects?.commit()
            } catch {
                session.abort()
                throw error
            }
            outcome = try await session.commit()
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        var report = IngestReport(
            table: tableRoot, inputFiles: files.count, rowsRead: accepted, outcome: outcome, seconds: seconds)
        report.rowsRejected = rejected
        report.inputBytes = bytes
        report.rejectsTable = rejects?.tableRoot
        report.rejectsVersion = rejectsVersion
        report.notes = notes
        return report
    }

    private static func loadTable(_ tableRoot: String) throws -> Snapshot? {
        guard FileSystem.exists(tableRoot + "/_delta_log") else { return nil }
        do {
            return try Snapshot.load(table: tableRoot)
        } catch {
            if case .notATable = error { return nil }
            throw error
        }
    }

    /// The name without a `.gz`, `.gzip`, `.zst` or `.zstd` suffix.
    static func strippingCompression(_ path: String) -> String {
        for suffix in [".gz", ".gzip", ".zst", ".zstd"] where path.lowercased().hasSuffix(suffix) {
            return String(path.dropLast(suffix.count))
        }
        return path
    }

    /// The format a file name implies, if any.
    static func format(of path: String) -> InputFormat? {
        let name = strippingCompression(path).lowercased()
        if name.hasSuffix(".csv") || name.hasSuffix(".tsv") || name.hasSuffix(".txt") { return .csv }
        if name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") || name.hasSuffix(".json") { return .jsonl }
        if name.hasSuffix(".parquet") { return .parquet }
        return nil
    }

    /// Files named by `inputs` (files, globs, directories, `-`) and their one format.
    static func expand(_ inputs: [String], format: InputFormat?) throws -> ([String], InputFormat) {
        var files: [String] = []
        var formats: Set<InputFormat> = []
        func add(_ path: String, fromDirectory: Bool) throws {
            if let format {
                if fromDirectory && Self.format(of: path) != format && !(format == .csv && Self.format(of: path) == nil) {
                    return
                }
                files.append(path)
                formats.insert(format)
                return
            }
            if let detected = Self.format(of: path) {
                files.append(path)
                formats.insert(detected)
            } else if FileIngest.isParquet(path) {
                files.append(path)
                formats.insert(.parquet)
            } else if !fromDirectory {
                throw IngestError.unsupportedFormat(
                    "cannot tell the format of \(path) from its name (.csv, .tsv, .jsonl, .ndjson, .json, .parquet, "
                        + "optionally with .gz or .zst)")
            }
        }
        for input in inputs {
            if input == "-" {
                files.append("-")
                formats.insert(format ?? .csv)
                continue
            }
            var info = stat()
            if stat(input, &info) != 0 {
                let matches = glob(input)
                guard !matches.isEmpty else { throw IngestError.missingInput(input) }
                for match in matches { try add(match, fromDirectory: false) }
                continue
            }
            if info.st_mode & S_IFMT == S_IFDIR {
                for name in try directoryFiles(input) { try add(input + "/" + name, fromDirectory: true) }
            } else {
                try add(input, fromDirectory: false)
            }
        }
        guard !files.isEmpty else { throw IngestError.noInput(inputs.joined(separator: ", ")) }
        guard formats.count == 1, let only = formats.first else {
            throw IngestError.unsupportedFormat(
                "the inputs mix formats (\(formats.map(\.rawValue).sorted().joined(separator: ", ")))")
        }
        if only == .parquet && files.contains("-") {
            throw IngestError.unsupportedFormat("Parquet cannot be read from standard input")
        }
        return (files, only)
    }

    private static func directoryFiles(_ path: String) throws -> [String] {
        guard let directory = opendir(path) else { throw IngestError.missingInput(path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name.hasPrefix(".") || name.hasPrefix("_") { continue }
            var info = stat()
            if stat(path + "/" + name, &info) == 0 && info.st_mode & S_IFMT == S_IFREG { names.append(name) }
        }
        return names.sorted()
    }

    private static func glob(_ pattern: String) -> [String] {
        guard pattern.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) else { return [] }
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            if let path = result.gl_pathv[index] { paths.append(String(cString: path)) }
        }
        return paths.sorted()
    }
}

/// Writes rejected records to the rejects table, batch by batch; committed before the table.
final class RejectsSink {
    let tableRoot: String
    private let request: WriteRequest
    private let ingestID: String
    private var session: WriteSession?

    init(tableRoot: String, request: WriteRequest, ingestID: String) {
        self.tableRoot = tableRoot
        self.request = request
        self.ingestID = ingestID
    }

    func write(_ records: [RejectedRecord]) async throws {
        if session == nil {
            session = try WriteSession(tableRoot: tableRoot, schema: TextIngest.rejectsSchema, request: request)
        }
        let count = records.count
        let batch = RecordBatch(
            schema: TextIngest.rejectsSchema,
            columns: [
                .string(StringColumn(Array(repeating: Optional(ingestID), count: count))),
                .string(StringColumn(records.map { Optional($0.file) })),
                .int64(PrimitiveColumn(values: ContiguousArray(records.map(\.line)))),
                .string(StringColumn(records.map(\.column))),
                .string(StringColumn(records.map(\.value))),
                .string(StringColumn(records.map { Optional($0.reason) })),
                .string(StringColumn(records.map { Optional($0.record) })),
            ], rowCount: count)
        try await session?.write(batch)
    }

    func commit() async throws -> Int64? {
        guard let session else { return nil }
        return try await session.commit().version
    }

    func abort() { session?.abort() }
}

/// A random version 4 UUID as text.
enum UUIDText {
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        var text = ""
        for index in 0..<16 {
            var byte = UInt8.random(in: 0...255, using: &generator)
            if index == 6 { byte = byte & 0x0F | 0x40 }
            if index == 8 { byte = byte & 0x3F | 0x80 }
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append("-") }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }
}
