import LakeColumnar
import Testing

@testable import LakeDelta

@Suite("Delta actions: commit files, round trips, paths")
struct ActionTests {
    /// Lines in the shapes delta-rs and Spark write (../shared/briefs/delta.md §12), trimmed.
    static let deltaRsCommit = [
        #"{"commitInfo":{"timestamp":1795534329940,"operation":"WRITE","operationParameters":{"partitionBy":"[\"region\"]","mode":"ErrorIfExists"},"engineInfo":"delta-rs:py-1.6.6","operationMetrics":{"num_added_files":3,"num_added_rows":110}}}"#,
        #"{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}"#,
        #"{"metaData":{"id":"39f1a86f-f59c-40de-b0c4-b90027599121","name":"demo","description":"zstd partitioned demo","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},{\"name\":\"region\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}}]}","partitionColumns":["region"],"createdTime":1795534329923,"configuration":{"delta.checkpointInterval":"5"}}}"#,
        #"{"add":{"path":"region=eu%2520west%252F1/part-00000-9e5cb010-c000.zstd.parquet","partitionValues":{"region":"eu west/1"},"size":3068,"modificationTime":1795534329939,"dataChange":true,"stats":"{\"numRecords\":50,\"minValues\":{\"id\":0},\"maxValues\":{\"id\":49},\"nullCount\":{\"id\":0}}","tags":null,"baseRowId":null,"defaultRowCommitVersion":null,"clusteringProvider":null}}"#,
        #"{"add":{"path":"region=__HIVE_DEFAULT_PARTITION__/part-00000-5cf08ce5-c000.zstd.parquet","partitionValues":{"region":null},"size":2283,"modificationTime":1795534329939,"dataChange":true}}"#,
        #"{"remove":{"path":"region=eu%2520west%252F1/part-old.parquet","dataChange":true,"deletionTimestamp":1795534330020,"extendedFileMetadata":true,"partitionValues":{"region":"eu west/1"},"size":3068}}"#,
        #"{"txn":{"appId":"ingest-job-1","version":1}}"#,
        #"{"add":{"path":"part=0/part-00000-8387c699.c000.snappy.parquet","partitionValues":{"part":"0"},"size":736,"modificationTime":1688691720000,"dataChange":true,"deletionVector":{"storageType":"u","pathOrInlineDv":"0X9F0q2<2yJ-f)Gm2!e0","offset":1,"sizeInBytes":34,"cardinality":1}}}"#,
        #"{"cdc":{"path":"_change_data/birthday=2023-12-22/cdc-00000.c000.snappy.parquet","partitionValues":{"birthday":"2023-12-22"},"size":1028,"dataChange":false}}"#,
        #"{"domainMetadata":{"domain":"delta.liquid","configuration":"{}","removed":false}}"#,
        #"{"someFutureAction":{"x":1}}"#,
        "",
    ].joined(separator: "\n")

    @Test("parses every action of a commit, decoding paths and ignoring unknown actions")
    func parsesCommit() throws {
        let actions = try CommitFile.parse(Array(Self.deltaRsCommit.utf8), path: "00000000000000000000.json")
        #expect(
            actions.map(\.name) == [
                "commitInfo", "protocol", "metaData", "add", "add", "remove", "txn", "add", "cdc", "domainMetadata",
            ])
        guard case .commitInfo(let info) = actions[0], case .protocol(let protocolAction) = actions[1],
            case .metadata(let metadata) = actions[2], case .add(let add) = actions[3],
            case .add(let nullPartition) = actions[4],
            case .remove(let remove) = actions[5], case .txn(let txn) = actions[6],
            case .add(let withVector) = actions[7]
        else {
            Issue.record("unexpected action kinds")
            return
        }
        #expect(info.operation == "WRITE")
        #expect(info.timestamp == 1_795_534_329_940)
        #expect(info.engineInfo == "delta-rs:py-1.6.6")
        #expect(info.operationMetrics?.first?.0 == "num_added_files")
        #expect(protocolAction == ProtocolAction(minReaderVersion: 1, minWriterVersion: 2))
        #expect(metadata.partitionColumns == ["region"])
        #expect(metadata.configuration == ["delta.checkpointInterval": "5"])
        #expect(metadata.createdTime == 1_795_534_329_923)
        #expect(add.path == "region=eu%20west%2F1/part-00000-9e5cb010-c000.zstd.parquet")
        #expect(add.partitionValues == ["region": "eu west/1"])
        #expect(add.tags == nil && add.baseRowId == nil)
        #expect(nullPartition.partitionValues == ["region": String?.none])
        #expect(remove.key == FileKey(path: "region=eu%20west%2F1/part-old.parquet"))
        #expect(remove.deletionTimestamp == 1_795_534_330_020)
        #expect(txn == TransactionAction(appId: "ingest-job-1", version: 1))
        #expect(withVector.key.deletionVectorID == "u0X9F0q2<2yJ-f)Gm2!e0@1")
        let stats = add.statistics(schema: Schema([Field("id", .int64), Field("region", .string)]))
        #expect(stats?.numRecords == 50)
        #expect(stats?.column("id") == ColumnStatistics(min: .integer(0), max: .integer(49), nullCount: 0))
    }

    @Test("encodes actions as JSON lines that parse back to the same actions")
    func roundTrip() throws {
        let actions = try CommitFile.parse(Array(Self.deltaRsCommit.utf8), path: "commit")
        let encoded = CommitFile.encode(actions)
        #expect(encoded.last == 0x0A)
        #expect(try CommitFile.parse(encoded, path: "again") == actions)
        let lines = String(decoding: encoded, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == actions.count)
        // Delta's line shapes, field for field.
        #expect(lines[1] == #"{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}"#)
        #expect(
            lines[3]
                == #"{"add":{"path":"region=eu%2520west%252F1/part-00000-9e5cb010-c000.zstd.parquet","partitionValues":{"region":"eu west/1"},"size":3068,"modificationTime":1795534329939,"dataChange":true,"stats":"{\"numRecords\":50,\"minValues\":{\"id\":0},\"maxValues\":{\"id\":49},\"nullCount\":{\"id\":0}}"}}"#
        )
        #expect(
            lines[4]
                == #"{"add":{"path":"region=__HIVE_DEFAULT_PARTITION__/part-00000-5cf08ce5-c000.zstd.parquet","partitionValues":{"region":null},"size":2283,"modificationTime":1795534329939,"dataChange":true}}"#
        )
        #expect(lines[6] == #"{"txn":{"appId":"ingest-job-1","version":1}}"#)
        // commitInfo keeps every member as written.
        #expect(lines[0] == Self.deltaRsCommit.split(separator: "\n")[0])
    }

    @Test("lake's own actions round-trip")
    func constructedRoundTrip() throws {
        let schema = try DeltaSchema(Schema([Field("id", .int64, isNullable: false), Field("day", .date)]))
        let actions: [Action] = [
            .commitInfo(
                CommitInfo(
                    timestamp: 1_700_000_000_000, operation: "WRITE", operationParameters: ["mode": "Append"],
                    readVersion: 4, isBlindAppend: true, engineInfo: "lake/0.1", txnId: "abc")),
            .protocol(
                ProtocolAction(
                    minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["timestampNtz"],
                    writerFeatures: ["timestampNtz"])),
            .metadata(
                TableMetadata(
                    id: "id-1", schemaString: schema.jsonString, partitionColumns: ["day"],
                    configuration: ["delta.appendOnly": "true"], createdTime: 1)),
            .add(
                AddFile(
                    path: "day=2024-01-05/part-00000 ü#%.parquet", partitionValues: ["day": "2024-01-05"], size: 10,
                    modificationTime: 2, stats: #"{"numRecords":1}"#, tags: ["k": nil])),
            .remove(RemoveFile(path: "old file.parquet", deletionTimestamp: 3, dataChange: false, size: 9)),
            .txn(TransactionAction(appId: "app", version: 7, lastUpdated: 8)),
        ]
        let decoded = try CommitFile.parse(CommitFile.encode(actions), path: "lake")
        #expect(decoded == actions)
        #expect(actions[0].jsonLine.hasPrefix(#"{"commitInfo":{"timestamp":1700000000000,"operation":"WRITE","#))
        #expect(actions[3].jsonLine.contains(#""path":"day=2024-01-05/part-00000%20%C3%BC%23%25.parquet""#))
    }

    @Test("ignores unknown fields and tolerates a missing final newline and blank lines")
    func tolerantReading() throws {
        let text =
            "\n" + #"{"txn":{"appId":"a","version":2,"future":{"x":[1,2]}},"other":5}"# + "\r\n\n"
            + #"{"protocol":{"minReaderVersion":1,"minWriterVersion":2,"new":true}}"#
        let actions = try CommitFile.parse(Array(text.utf8), path: "p")
        #expect(
            actions == [
                .txn(TransactionAction(appId: "a", version: 2)),
                .protocol(ProtocolAction(minReaderVersion: 1, minWriterVersion: 2)),
            ])
    }

    @Test("a malformed line names the file, the line and the byte")
    func corruptLine() {
        let text =
            #"{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}"# + "\n" + #"{"add":{"path":"a","size":}}"#
        #expect(
            throws: DeltaError.corruptLog(
                path: "_delta_log/00000000000000000003.json", line: 2, offset: 83, reason: "unexpected character '}'")
        ) {
            try CommitFile.parse(Array(text.utf8), path: "_delta_log/00000000000000000003.json")
        }
        #expect(throws: DeltaError.corruptLog(path: "f", line: 1, offset: 0, reason: "add.size is missing")) {
            try CommitFile.parse(Array(#"{"add":{"path":"a","partitionValues":{}}}"#.utf8), path: "f")
        }
        #expect(
            throws: DeltaError.corruptLog(path: "f", line: 1, offset: 0, reason: "add.size is not a 64-bit integer")
        ) {
            try CommitFile.parse(Array(#"{"add":{"path":"a","size":1.5}}"#.utf8), path: "f")
        }
        #expect(throws: DeltaError.corruptLog(path: "f", line: 1, offset: 0, reason: "the line is not a JSON object")) {
            try CommitFile.parse(Array("[1]".utf8), path: "f")
        }
    }

    @Test("paths decode once and encode so they decode back")
    func paths() {
        #expect(DeltaPath.decode("region=eu%2520west%252F1/part.parquet") == "region=eu%20west%2F1/part.parquet")
        #expect(
            DeltaPath.decode("tsNtzPartition=2013-07-05%2017%253A01%253A00.123456/p.parquet")
                == "tsNtzPartition=2013-07-05 17%3A01%3A00.123456/p.parquet")
        #expect(DeltaPath.decode("file:///data/t/part.parquet") == "/data/t/part.parquet")
        #expect(DeltaPath.decode("file:/data/t/part.parquet") == "/data/t/part.parquet")
        #expect(DeltaPath.decode("100%-sure/%zz%4") == "100%-sure/%zz%4")
        for path in ["a b/c%d/é€😀/x=y:z?#[]+&.parquet", "plain/part-0.parquet", "%", ""] {
            #expect(DeltaPath.decode(DeltaPath.encode(path)) == path)
        }
        #expect(DeltaPath.escapePartitionValue("eu west/1") == "eu%20west%2F1")
        #expect(DeltaPath.escapePartitionValue("us=east%2") == "us%3Deast%252")
        #expect(
            DeltaPath.encode("region=" + DeltaPath.escapePartitionValue("eu west/1") + "/p")
                == "region=eu%2520west%252F1/p")
    }
}
