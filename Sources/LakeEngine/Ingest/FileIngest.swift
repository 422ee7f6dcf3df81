import LakeColumnar
import LakeDelta
import LakeIO
import LakeIngest
import LakeParquet

#if canImport(Glibc)
    import Glibc
#endif

/// What `lake ingest` did (SPEC.md §2.8).
public struct IngestReport: Sendable {
    /// The table written.
    public var table: String
    /// Input files read.
    public var inputFiles: Int
    /// Rows read from the inputs and accepted.
    public var rowsRead: Int
    /// Records rejected (`--on-error skip|quarantine`); accepted + rejected = input records.
    public var rowsRejected: Int = 0
    /// Bytes read from the inputs (compressed size for compressed input).
    public var inputBytes: Int = 0
    /// The rejects table and the version committed to it (`--on-error quarantine`).
    public var rejectsTable: String? = nil
    public var rejectsVersion: Int64? = nil
    /// Notes on the input (renamed header columns).
    public var notes: [String] = []
    /// The commit, or why there was none.
    public var outcome: WriteOutcome
    /// Wall-clock seconds.
    public var seconds: Double

    /// One line for people.
    public var text: String {
        let counts =
            "\(rowsRead) rows accepted, \(rowsRejected) rejected (of \(rowsRead + rowsRejected) input records)"
            + " from \(inputFiles) file(s), \(inputBytes) bytes"
        let rejects = rejectsTable.map { table in
            rejectsVersion.map { "; rejects in \(table) version \($0)" } ?? ""
        } ?? ""
        let noteLines = notes.map { "\nnote: " + $0 }.joined()
        if let version = outcome.version {
            return "ingested " + counts + " into \(table): version \(version), "
                + "\(outcome.filesAdded) data file(s), \(outcome.bytesAdded) bytes"
                + (outcome.filesRemoved > 0 ? ", \(outcome.filesRemoved) file(s) replaced" : "")
                + (outcome.checkpointVersion != nil ? ", checkpoint written" : "")
                + " in \(Self.secondsText(seconds))"
                + rejects + autoCompactionText + outcome.warnings.map { "\nwarning: " + $0 }.joined() + noteLines
        }
        return "nothing committed to \(table): \(outcome.skipped ?? "no rows") (" + counts + ")" + rejects + noteLines
    }

    private var autoCompactionText: String {
        guard let compaction = outcome.autoCompaction, let version = compaction.version else { return "" }
        return "\nauto-compacted \(compaction.filesRemoved) small file(s) in \(compaction.partitionsCompacted) "
            + "partition(s) into \(compaction.filesAdded) (lake.autoCompact.minFiles): version \(version)"
    }

    /// One JSON object for scripts.
    public var json: String {
        func string(_ text: String?) -> String { text.map { ValueText.quoted($0) } ?? "null" }
        let auto = outcome.autoCompaction.map { compaction in
            "{\"version\":\(compaction.version.map(String.init) ?? "null"),\"files_removed\":\(compaction.filesRemoved),"
                + "\"files_added\":\(compaction.filesAdded),\"partitions\":\(compaction.partitionsCompacted)}"
        } ?? "null"
        return "{\"table\":\(string(table)),\"committed\":\(outcome.version != nil),"
            + "\"version\":\(outcome.version.map(String.init) ?? "null"),\"skipped\":\(string(outcome.skipped)),"
            + "\"input_files\":\(inputFiles),\"rows\":\(rowsRead),\"rows_rejected\":\(rowsRejected),"
            + "\"input_records\":\(rowsRead + rowsRejected),\"input_bytes\":\(inputBytes),"
            + "\"rejects_table\":\(string(rejectsTable)),\"rejects_version\":\(rejectsVersion.map(String.init) ?? "null"),"
            + "\"notes\":[\(notes.map { string($0) }.joined(separator: ","))],\"files_added\":\(outcome.filesAdded),"
            + "\"files_removed\":\(outcome.filesRemoved),\"bytes_added\":\(outcome.bytesAdded),"
            + "\"retries\":\(outcome.retries),\"checkpoint\":\(outcome.checkpointVersion.map(String.init) ?? "null"),"
            + "\"auto_compaction\":\(auto),"
            + "\"warnings\":[\(outcome.warnings.map { string($0) }.joined(separator: ","))],\"seconds\":\(seconds)}"
    }

    private static func secondsText(_ value: Double) -> String {
        value < 1 ? "\(Int((value * 1000).rounded())) ms" : "\((value * 100).rounded() / 100) s"
    }
}

/// Ingests Parquet files into a Delta table in one commit (SPEC.md §2.8).
public enum FileIngest {
    /// Reads every row group of `inputs` (files, or directories of `*.parquet` files) into the
    /// table at `tableRoot` and commits them as one version.
    ///
    /// Every input must have the same columns and types; the first one decides the schema of a
    /// new table. Row groups stream through, so memory is bounded by row group and file sizes.
    public static func run(
        tableRoot: String, inputs: [String], request: WriteRequest, threads: Int
    ) async throws -> IngestReport {
        let clock = ContinuousClock()
        let start = clock.now
        let files = try expand(inputs)
        guard let first = files.first else {
            throw IngestError.noInput(inputs.joined(separator: ", "))
        }
        let schema = try ParquetFileReader(path: first).schema
        var request = request
        request.options.parquet.threads = threads
        let session = try WriteSession(tableRoot: tableRoot, schema: schema, request: request)
        var rows = 0
        do {
            if session.skipReason == nil {
                for path in files {
                    let reader = try ParquetFileReader(path: path)
                    guard reader.schema == schema || sameColumns(reader.schema, schema) else {
                        throw IngestError.schemaDiffers(path: path, expected: schema, found: reader.schema, first: first)
                    }
                    for group in 0..<reader.rowGroupCount {
                        let batch = try reader.readRowGroup(group)
                        try await session.write(RecordBatch(schema: schema, columns: batch.columns, rowCount: batch.rowCount))
                        rows += batch.rowCount
                    }
                }
            }
        } catch {
            session.abort()
            throw error
        }
        let outcome = try await session.commit()
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        var report = IngestReport(table: tableRoot, inputFiles: files.count, rowsRead: rows, outcome: outcome, seconds: seconds)
        report.inputBytes = files.reduce(0) { total, path in total + ((try? RandomAccessFile(path: path))?.size ?? 0) }
        return report
    }

    /// Same names and types, nullability aside.
    private static func sameColumns(_ left: Schema, _ right: Schema) -> Bool {
        left.count == right.count && zip(left.fields, right.fields).allSatisfy { $0.name == $1.name && $0.type == $1.type }
    }

    /// Files as given, and the `*.parquet` files of directories (sorted by name).
    static func expand(_ inputs: [String]) throws -> [String] {
        var files: [String] = []
        for input in inputs {
            var info = stat()
            guard stat(input, &info) == 0 else { throw IngestError.missingInput(input) }
            if info.st_mode & S_IFMT == S_IFDIR {
                guard let directory = opendir(input) else { throw IngestError.missingInput(input) }
                var names: [String] = []
                while let entry = readdir(directory) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                        String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                    }
                    if name.hasSuffix(".parquet") && !name.hasPrefix(".") { names.append(name) }
                }
                closedir(directory)
                files += names.sorted().map { input + "/" + $0 }
            } else {
                guard input.hasSuffix(".parquet") || isParquet(input) else {
                    throw IngestError.unsupportedFormat("\(input) is not a Parquet file")
                }
                files.append(input)
            }
        }
        return files
    }

    static func isParquet(_ path: String) -> Bool {
        guard let file = try? RandomAccessFile(path: path), file.size >= 4,
            let magic = try? file.read(offset: 0, count: 4)
        else { return false }
        return Array(magic) == Array("PAR1".utf8)
    }
}

