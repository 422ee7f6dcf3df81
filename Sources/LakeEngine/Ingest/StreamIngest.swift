#if canImport(Glibc)
    import Glibc
#endif
import LakeColumnar
import LakeDelta
import LakeIO
import LakeIngest

/// Set by SIGINT/SIGTERM while a stream is followed: commit what is buffered, then stop.
nonisolated(unsafe) private var streamStopRequested: sig_atomic_t = 0

/// How `lake ingest TABLE - --follow` cuts its input into micro-batches (SPEC.md §2.8).
public struct StreamOptions: Sendable {
    /// Commit once this many records are buffered.
    public var batchRows: Int
    /// Commit once the oldest buffered record has waited this long, in seconds.
    public var batchSeconds: Double
    /// The `txn` application id of the micro-batches.
    public var appId: String
    /// The `txn` version of the first micro-batch; `nil`: one more than the table recorded for `appId`.
    public var firstVersion: Int64?

    /// Stream options.
    public init(batchRows: Int = 100_000, batchSeconds: Double = 5, appId: String, firstVersion: Int64? = nil) {
        self.batchRows = max(1, batchRows)
        self.batchSeconds = max(0.001, batchSeconds)
        self.appId = appId
        self.firstVersion = firstVersion
    }
}

/// What a followed stream did, over all its micro-batches.
public struct StreamSummary: Sendable {
    /// Micro-batches committed, and those skipped because their txn version was already committed.
    public var batchesCommitted = 0
    public var batchesSkipped = 0
    /// Records accepted and rejected, over all micro-batches.
    public var rowsAccepted = 0
    public var rowsRejected = 0
    /// The last version committed.
    public var lastVersion: Int64?
    /// The next txn version the stream would have used.
    public var nextTransactionVersion: Int64 = 0
    /// Whether a signal ended the stream (rather than the end of the input).
    public var stoppedBySignal = false

    /// One line for people.
    public var text: String {
        "stream ended (\(stoppedBySignal ? "signal" : "end of input")): \(batchesCommitted) micro-batch(es) committed"
            + (batchesSkipped > 0 ? ", \(batchesSkipped) already committed before" : "")
            + ", \(rowsAccepted) rows accepted, \(rowsRejected) rejected"
            + (lastVersion.map { ", last version \($0)" } ?? "")
            + "; next --txn-version \(nextTransactionVersion)"
    }
}

/// `lake ingest TABLE - --follow`: reads standard input (or any descriptor) as it arrives and
/// commits a micro-batch whenever `batchRows` records are buffered or the oldest has waited
/// `batchSeconds`, each one an ordinary text ingest (§2.8) with its own `txn` version, until the
/// input ends or SIGINT/SIGTERM arrives (then what is buffered is committed, and it returns).
public enum StreamIngest {
    /// Follows `descriptor` into the table at `tableRoot`, calling `report` after each micro-batch.
    public static func run(
        tableRoot: String, request: WriteRequest, options: IngestOptions, stream: StreamOptions, threads: Int,
        descriptor: Int32 = 0, report: (IngestReport) -> Void
    ) async throws -> StreamSummary {
        streamStopRequested = 0
        let previousInt = signal(SIGINT) { _ in streamStopRequested = 1 }
        let previousTerm = signal(SIGTERM) { _ in streamStopRequested = 1 }
        defer {
            signal(SIGINT, previousInt)
            signal(SIGTERM, previousTerm)
        }
        var summary = StreamSummary()
        var version = try stream.firstVersion ?? nextVersion(tableRoot: tableRoot, appId: stream.appId)
        let isCSV = (options.format ?? .csv) == .csv
        var splitter = RecordSplitter(quotes: isCSV)
        var header: [UInt8]? = isCSV && options.header ? nil : []
        var pending: [UInt8] = []
        var pendingRecords = 0
        var oldest: ContinuousClock.Instant?
        var options = options
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var endOfInput = false

        func flush() async throws {
            guard pendingRecords > 0 else { return }
            var batchRequest = request
            batchRequest.transaction = (appId: stream.appId, version: version)
            if summary.lastVersion != nil || FileSystem.exists(tableRoot + "/_delta_log") { batchRequest.mode = .append }
            let ingestReport = try await ingest(
                pending, header: header ?? [], tableRoot: tableRoot, request: batchRequest, options: options,
                threads: threads)
            if ingestReport.outcome.version != nil {
                summary.batchesCommitted += 1
                summary.lastVersion = ingestReport.outcome.version
            } else {
                summary.batchesSkipped += 1
            }
            summary.rowsAccepted += ingestReport.rowsRead
            summary.rowsRejected += ingestReport.rowsRejected
            report(ingestReport)
            // Later micro-batches keep the table's columns instead of inferring them again.
            if options.schema.isEmpty, let snapshot = try? Snapshot.load(table: tableRoot) {
                options.schema = snapshot.schema.fields
            }
            version += 1
            pending.removeAll(keepingCapacity: true)
            pendingRecords = 0
            oldest = nil
        }

        while !endOfInput {
            if streamStopRequested != 0 {
                summary.stoppedBySignal = true
                break
            }
            var timeout: Int32 = 200
            if let oldest {
                let waited = ContinuousClock.now - oldest
                let left = stream.batchSeconds - (Double(waited.components.seconds) + Double(waited.components.attoseconds) * 1e-18)
                if left <= 0 {
                    try await flush()
                    continue
                }
                timeout = Int32(min(200, max(1, left * 1000)))
            }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                throw IngestError.readFailed(path: "-", reason: String(cString: strerror(errno)))
            }
            if ready == 0 { continue }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw IngestError.readFailed(path: "-", reason: String(cString: strerror(errno)))
            }
            if count == 0 {
                endOfInput = true
                splitter.finish()
            } else {
                splitter.append(chunk[0..<count])
            }
            while let record = splitter.next() {
                if header == nil {
                    header = record
                    continue
                }
                if pendingRecords == 0 { oldest = ContinuousClock.now }
                pending += record
                pendingRecords += 1
                if pendingRecords >= stream.batchRows { try await flush() }
            }
        }
        try await flush()
        summary.nextTransactionVersion = version
        return summary
    }

    /// One more than the txn version the table recorded for `appId` (0 for a new table or id).
    static func nextVersion(tableRoot: String, appId: String) throws -> Int64 {
        guard FileSystem.exists(tableRoot + "/_delta_log") else { return 0 }
        return (try Snapshot.load(table: tableRoot).transactionVersion(appId: appId) ?? -1) + 1
    }

    /// Ingests `records` (with the CSV `header` in front) through a temporary file.
    private static func ingest(
        _ records: [UInt8], header: [UInt8], tableRoot: String, request: WriteRequest, options: IngestOptions,
        threads: Int
    ) async throws -> IngestReport {
        let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array((directory + "/lake-stream-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw IngestError.readFailed(path: "-", reason: "cannot create a temporary file: \(String(cString: strerror(errno)))")
        }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        close(descriptor)
        defer { FileSystem.remove(path) }
        do {
            let writer = try FileWriter(path: path, exclusive: false)
            try writer.write(header)
            try writer.write(records)
            try writer.close()
        } catch {
            throw IngestError.readFailed(path: "-", reason: "cannot buffer the stream: \(error)")
        }
        var options = options
        if options.format == nil { options.format = .csv }
        return try await TextIngest.run(
            tableRoot: tableRoot, inputs: [path], request: request, options: options, threads: threads)
    }
}

/// Cuts bytes into records at line breaks (`\n`, keeping `\r\n` whole), not inside CSV quotes.
struct RecordSplitter {
    let quotes: Bool
    private var buffer: [UInt8] = []
    private var scanned = 0
    private var start = 0
    private var inQuotes = false
    private var finished = false

    init(quotes: Bool) { self.quotes = quotes }

    mutating func append(_ bytes: ArraySlice<UInt8>) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            scanned = 0
            start = 0
        }
        buffer += bytes
    }

    /// The input ended: a last record without a line break still counts.
    mutating func finish() { finished = true }

    /// The next complete record with its line break (one is added to a last record without one).
    mutating func next() -> [UInt8]? {
        while scanned < buffer.count {
            let byte = buffer[scanned]
            scanned += 1
            if quotes && byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if byte == UInt8(ascii: "\n") && !inQuotes {
                let record = Array(buffer[start..<scanned])
                start = scanned
                if record.allSatisfy({ $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) { continue }
                return record
            }
        }
        if finished && start < buffer.count {
            var record = Array(buffer[start...])
            start = buffer.count
            record.append(UInt8(ascii: "\n"))
            return record
        }
        return nil
    }
}
