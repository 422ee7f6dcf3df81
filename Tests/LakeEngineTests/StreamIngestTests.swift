import Foundation
import LakeDelta
import Testing

@testable import LakeEngine

/// `lake ingest - --follow` (SPEC.md §2.8): record boundaries and micro-batches in-process; the
/// process-level cases (signals, time bound, replay) are in Tools/interop/stream_ingest.py.
@Suite("Stream ingest")
struct StreamIngestTests {
    @Test("records split at line breaks outside quotes, across reads, with a last record lacking its line break")
    func splitsRecords() {
        var splitter = RecordSplitter(quotes: true)
        var records: [String] = []
        for piece in ["a,b\n1,\"x", "\ny\"\r\n2,", "z\n\n3,w"] {
            splitter.append(ArraySlice(Array(piece.utf8)))
            while let record = splitter.next() { records.append(String(decoding: record, as: UTF8.self)) }
        }
        splitter.finish()
        while let record = splitter.next() { records.append(String(decoding: record, as: UTF8.self)) }
        #expect(records == ["a,b\n", "1,\"x\ny\"\r\n", "2,z\n", "3,w\n"])
        var lines = RecordSplitter(quotes: false)
        lines.append(ArraySlice(Array("{\"a\":\"\\\"\"}\n{\"a\":1}\n".utf8)))
        #expect(lines.next().map { String(decoding: $0, as: UTF8.self) } == "{\"a\":\"\\\"\"}\n")
        #expect(lines.next().map { String(decoding: $0, as: UTF8.self) } == "{\"a\":1}\n")
    }

    @Test("a pipe of CSV becomes one commit per batch of records, each with its txn version; the columns stay fixed")
    func microBatches() async throws {
        let root = FileManager.default.temporaryDirectory.path + "/lake-stream-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        // The third batch has only nulls in `score`: it must not be inferred again as another type.
        let text = "id,score\n" + (0..<5).map { "\($0),\($0).5\n" }.joined() + "5,\n6,\n"
        let writer = fds[1]
        Thread.detachNewThread {
            _ = Array(text.utf8).withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
            close(writer)
        }
        var reports: [IngestReport] = []
        let summary = try await StreamIngest.run(
            tableRoot: root, request: WriteRequest(), options: IngestOptions(),
            stream: StreamOptions(batchRows: 3, batchSeconds: 60, appId: "test"), threads: 1, descriptor: fds[0]
        ) { reports.append($0) }
        close(fds[0])
        #expect(summary.batchesCommitted == 3)
        #expect(summary.rowsAccepted == 7)
        #expect(summary.nextTransactionVersion == 3)
        let snapshot = try Snapshot.load(table: root)
        #expect(snapshot.version == 2)
        #expect(snapshot.transactionVersion(appId: "test") == 2)
        #expect(snapshot.schema.fields.map(\.type) == [.int64, .decimal(precision: 18, scale: 1)])
    }
}
