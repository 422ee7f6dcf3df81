import Foundation
import LakeColumnar
import LakeIO
import Testing

@testable import LakeParquet

@Suite("Parquet footers of the conformance corpus")
struct MetadataFooterTests {
    @Test("the golden covers the corpus")
    func goldenCoversCorpus() {
        #expect(MetadataCorpus.goldenFiles.count >= 80)
        #expect(Set(MetadataCorpus.golden.keys) == Set(MetadataCorpus.goldenFiles))
    }

    @Test("decodes like pqinspect.py", arguments: MetadataCorpus.goldenFiles)
    func matchesPQInspect(file: String) throws {
        if MetadataCorpus.expectedFooterFailures.contains(file) {
            #expect(throws: ParquetError.self) { try MetadataCorpus.footer(file) }
            return
        }
        let metadata = try MetadataCorpus.footer(file)
        let facts = try #require(MetadataCorpus.golden[file])
        let bytes = try MetadataCorpus.bytes(file)
        let footerLength =
            Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8
            | Int(bytes[bytes.count - 6]) << 16 | Int(bytes[bytes.count - 5]) << 24
        #expect(facts["footer_len"] as? Int == footerLength)
        #expect(facts["version"] as? Int == Int(metadata.version))
        #expect(facts["num_rows"] as? Int == Int(metadata.numRows))
        #expect(facts["created_by"] as? String == metadata.createdBy)
        #expect(facts["key_value_metadata_keys"] as? [String] == (metadata.keyValueMetadata ?? []).map(\.key))
        #expect(facts["column_orders"] as? [String] == (metadata.columnOrders ?? []).map(PQInspect.orderName))
        #expect(facts["schema"] as? [String] == PQInspect.schemaLines(metadata.schema))

        let leaves = try #require(facts["leaves"] as? [[String: Any]])
        let schema = try ParquetSchema(elements: metadata.schema)
        #expect(schema.columns.count == leaves.count)
        for (column, leaf) in zip(schema.columns, leaves) {
            #expect(leaf["path"] as? String == column.dottedPath)
            #expect(leaf["type"] as? String == PQInspect.name(column.physicalType))
            #expect(leaf["max_def"] as? Int == column.maxDefinitionLevel, "\(column.dottedPath)")
            #expect(leaf["max_rep"] as? Int == column.maxRepetitionLevel, "\(column.dottedPath)")
        }

        let rowGroups = try #require(facts["row_groups"] as? [[String: Any]])
        #expect(rowGroups.count == metadata.rowGroups.count)
        for (rowGroup, expected) in zip(metadata.rowGroups, rowGroups) {
            #expect(expected["num_rows"] as? Int == Int(rowGroup.numRows))
            #expect(expected["total_byte_size"] as? Int == Int(rowGroup.totalByteSize))
            let columns = try #require(expected["columns"] as? [[String: Any]])
            #expect(columns.count == rowGroup.columns.count)
            for (chunk, column) in zip(rowGroup.columns, columns) {
                let meta = try #require(chunk.metaData)
                #expect(column["path"] as? String == meta.pathInSchema.joined(separator: "."))
                #expect(column["type"] as? String == PQInspect.name(meta.type))
                #expect(column["codec"] as? String == meta.codec.name)
                #expect(column["encodings"] as? [String] == meta.encodings.map(PQInspect.encodingName))
                #expect(column["num_values"] as? Int == Int(meta.numValues))
                #expect(column["data_page_offset"] as? Int == Int(meta.dataPageOffset))
                #expect((column["dictionary_page_offset"] as? Int).map(Int64.init) == meta.dictionaryPageOffset)
                #expect(column["has_stats"] as? Bool == (meta.statistics != nil))
                #expect(column["stats_fields"] as? [String] == meta.statistics.map(PQInspect.statsFields) ?? [])
                #expect(column["bloom_filter"] as? Bool == (meta.bloomFilterOffset != nil))
                #expect(column["offset_index"] as? Bool == (chunk.offsetIndexOffset != nil))
                #expect(column["column_index"] as? Bool == (chunk.columnIndexOffset != nil))
            }
        }
    }

    @Test("encode → decode gives the same metadata", arguments: MetadataCorpus.goldenFiles)
    func roundTrips(file: String) throws {
        guard !MetadataCorpus.expectedFooterFailures.contains(file) else { return }
        let metadata = try MetadataCorpus.footer(file)
        let encoded = ParquetFooter.encode(metadata)
        // The encoding is a complete file tail: footer, length, magic.
        #expect(Array(encoded.suffix(4)) == Array("PAR1".utf8))
        var file = ContiguousArray("PAR1".utf8)
        file.append(contentsOf: encoded)
        let decoded = try ParquetFooter.read(fileBytes: file, path: "round-trip")
        #expect(decoded == metadata)
        // Encoding is deterministic and stable under a second round trip.
        #expect(ParquetFooter.encode(decoded) == encoded)
    }

    @Test("the in-memory and pread paths agree", arguments: MetadataCorpus.goldenFiles)
    func inMemoryMatchesPread(file: String) throws {
        let bytes = try MetadataCorpus.bytes(file)
        let fromMemory = Result { () throws(ParquetError) in
            try ParquetFooter.read(fileBytes: bytes, path: MetadataCorpus.root + "/" + file)
        }
        let fromFile = Result { () throws(any Error) in try MetadataCorpus.footer(file) }
        switch (fromMemory, fromFile) {
        case (.success(let a), .success(let b)): #expect(a == b)
        case (.failure(let a), .failure(let b)): #expect(a == b as? ParquetError)
        default: Issue.record("the two paths disagree for \(file)")
        }
    }

    @Test("bad/ files decode or throw, never crash", arguments: MetadataCorpus.files(in: "bad"))
    func badFilesDoNotCrash(file: String) {
        do {
            let metadata = try MetadataCorpus.footer(file)
            // Footers of bad/ files are intact (their defects are in the pages).
            #expect(!metadata.schema.isEmpty)
        } catch {
            #expect(error is ParquetError)
        }
    }

    static let truncationFiles = [
        "good/alltypes_plain.parquet",
        "good/nested_maps.snappy.parquet",
        "good/datapage_v2.snappy.parquet",
        "good/column_chunk_key_value_metadata.parquet",
        "writers/deltars_checkpoint.parquet",
        "writers/polars_default.parquet",
    ]

    @Test("a file cut anywhere in its last 300 bytes is rejected", arguments: truncationFiles)
    func truncatedFilesThrow(file: String) throws {
        let bytes = try MetadataCorpus.bytes(file)
        for cut in max(0, bytes.count - 300)..<bytes.count {
            #expect(throws: ParquetError.self, "cut at \(cut)") {
                try ParquetFooter.read(fileBytes: ContiguousArray(bytes[0..<cut]), path: "cut")
            }
        }
    }

    @Test("a footer cut short behind an intact length and magic is corrupt", arguments: truncationFiles)
    func truncatedFootersThrow(file: String) throws {
        let bytes = try MetadataCorpus.bytes(file)
        let length =
            Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8
            | Int(bytes[bytes.count - 6]) << 16 | Int(bytes[bytes.count - 5]) << 24
        let start = bytes.count - 8 - length
        for kept in 0..<length {
            var cut = ContiguousArray(bytes[0..<(start + kept)])
            withUnsafeBytes(of: UInt32(kept).littleEndian) { cut.append(contentsOf: $0) }
            cut.append(contentsOf: "PAR1".utf8)
            do {
                _ = try ParquetFooter.read(fileBytes: cut, path: "cut")
                Issue.record("footer cut to \(kept) of \(length) bytes decoded")
            } catch {
                guard case .corruptFooter = error else {
                    Issue.record("footer cut to \(kept) bytes: \(error)")
                    continue
                }
            }
        }
    }

    @Test("random byte flips in footers decode or throw, never crash", arguments: truncationFiles)
    func flippedFootersDoNotCrash(file: String) throws {
        let bytes = try MetadataCorpus.bytes(file)
        let length =
            Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8
            | Int(bytes[bytes.count - 6]) << 16 | Int(bytes[bytes.count - 5]) << 24
        let start = bytes.count - 8 - length
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        var failures = 0
        for _ in 0..<500 {
            var mutated = bytes
            for _ in 0...(next() % 3) {
                mutated[start + Int(next() % UInt64(length))] = UInt8(truncatingIfNeeded: next())
            }
            do {
                _ = try ParquetFooter.read(fileBytes: mutated, path: "flip")
            } catch {
                failures += 1
            }
        }
        #expect(failures > 0)
    }

    @Test("framing errors name the problem")
    func framingErrors() throws {
        #expect(
            throws: ParquetError.notParquet(
                path: "x", reason: "it has 11 bytes; a Parquet file has at least 12 (two magics and the footer length)")
        ) {
            try ParquetFooter.read(fileBytes: ContiguousArray(repeating: 0, count: 11), path: "x")
        }
        var encrypted = ContiguousArray("PARE".utf8)
        encrypted.append(contentsOf: [0, 0, 0, 0, 0, 0, 0, 0])
        encrypted.append(contentsOf: "PARE".utf8)
        #expect(throws: ParquetError.unsupported(path: "x", feature: "encrypted Parquet (PARE)")) {
            try ParquetFooter.read(fileBytes: encrypted, path: "x")
        }
        var wrongHead = ContiguousArray("PAX1".utf8)
        wrongHead.append(contentsOf: [0, 0, 0, 0, 0, 0, 0, 0])
        wrongHead.append(contentsOf: "PAR1".utf8)
        #expect(throws: ParquetError.notParquet(path: "x", reason: "it does not start with the magic bytes 'PAR1'")) {
            try ParquetFooter.read(fileBytes: wrongHead, path: "x")
        }
        var tooLong = ContiguousArray("PAR1".utf8)
        tooLong.append(contentsOf: [0, 0, 0, 0, 5, 0, 0, 0])
        tooLong.append(contentsOf: "PAR1".utf8)
        #expect(
            throws: ParquetError.corruptFooter(
                path: "x",
                reason: "the footer length 5 exceeds the 4 bytes between the magics"
            )
        ) {
            try ParquetFooter.read(fileBytes: tooLong, path: "x")
        }
    }

    @Test("a footer larger than the first read takes a second read")
    func largeFooterNeedsSecondRead() throws {
        // 3000 int64 columns: the footer is far above 64 KiB.
        let fields = (0..<3000).map { Field("column_\($0)", .int64) }
        let elements = try ParquetSchema.elements(for: Schema(fields))
        let chunks = elements.dropFirst().map { element in
            var chunk = ColumnChunk(
                metaData: ColumnMetaData(
                    type: .int64,
                    encodings: [.plain],
                    pathInSchema: [element.name],
                    codec: .zstd,
                    numValues: 0,
                    totalUncompressedSize: 0,
                    totalCompressedSize: 0,
                    dataPageOffset: 4
                )
            )
            chunk.metaData?.keyValueMetadata = [KeyValue(key: "padding", value: String(repeating: "x", count: 20))]
            return chunk
        }
        let metadata = FileMetaData(
            version: 1,
            schema: elements,
            numRows: 0,
            rowGroups: [RowGroup(columns: chunks, totalByteSize: 0, numRows: 0)]
        )
        var bytes = ContiguousArray("PAR1".utf8)
        bytes.append(contentsOf: ParquetFooter.encode(metadata))
        #expect(bytes.count > 2 * ParquetFooter.initialReadSize)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lake-large-footer-\(getpid()).parquet"
        ).path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try ParquetFooter.read(RandomAccessFile(path: path)) == metadata)
    }
}

extension MetadataFooterTests {
    static func chunk(_ path: [String], _ type: PhysicalType) -> ColumnChunk {
        ColumnChunk(
            metaData: ColumnMetaData(
                type: type,
                encodings: [.plain],
                pathInSchema: path,
                codec: .uncompressed,
                numValues: 1,
                totalUncompressedSize: 10,
                totalCompressedSize: 10,
                dataPageOffset: 4
            )
        )
    }

    static func file(_ elements: [SchemaElement], _ chunks: [ColumnChunk]) -> ContiguousArray<UInt8> {
        var bytes = ContiguousArray("PAR1".utf8)
        bytes.append(
            contentsOf: ParquetFooter.encode(
                FileMetaData(
                    version: 1,
                    schema: elements,
                    numRows: 1,
                    rowGroups: [RowGroup(columns: chunks, totalByteSize: 10, numRows: 1)]
                )
            )
        )
        return bytes
    }

    static let twoColumns = [
        SchemaElement(name: "schema", numChildren: 2),
        SchemaElement(name: "a", type: .int32, repetitionType: .required),
        SchemaElement(name: "b", type: .byteArray, repetitionType: .optional),
    ]

    @Test("row groups must match the schema's leaves")
    func crossFieldValidation() throws {
        let good = Self.file(Self.twoColumns, [Self.chunk(["a"], .int32), Self.chunk(["b"], .byteArray)])
        _ = try ParquetFooter.read(fileBytes: good, path: "x")

        let missing = Self.file(Self.twoColumns, [Self.chunk(["a"], .int32)])
        #expect(
            throws: ParquetError.corruptFooter(
                path: "x",
                reason: "row group 0 has 1 column chunks but the schema has 2 leaf columns"
            )
        ) { try ParquetFooter.read(fileBytes: missing, path: "x") }

        let swapped = Self.file(Self.twoColumns, [Self.chunk(["b"], .byteArray), Self.chunk(["a"], .int32)])
        #expect(throws: ParquetError.self) { try ParquetFooter.read(fileBytes: swapped, path: "x") }

        let wrongType = Self.file(Self.twoColumns, [Self.chunk(["a"], .int64), Self.chunk(["b"], .byteArray)])
        #expect(throws: ParquetError.self) { try ParquetFooter.read(fileBytes: wrongType, path: "x") }

        let wrongPath = Self.file(Self.twoColumns, [Self.chunk(["a"], .int32), Self.chunk(["c"], .byteArray)])
        #expect(throws: ParquetError.self) { try ParquetFooter.read(fileBytes: wrongPath, path: "x") }

        var noMeta = Self.chunk(["b"], .byteArray)
        noMeta.metaData = nil
        let withoutMeta = Self.file(Self.twoColumns, [Self.chunk(["a"], .int32), noMeta])
        #expect(
            throws: ParquetError.corruptFooter(
                path: "x",
                reason: "row group 0, column 'b': ColumnChunk.meta_data is missing"
            )
        ) { try ParquetFooter.read(fileBytes: withoutMeta, path: "x") }

        var external = Self.chunk(["b"], .byteArray)
        external.filePath = "other.parquet"
        let externalFile = Self.file(Self.twoColumns, [Self.chunk(["a"], .int32), external])
        #expect(
            throws: ParquetError.unsupported(path: "x", feature: "column chunks in external files (column 'b')")
        ) { try ParquetFooter.read(fileBytes: externalFile, path: "x") }
    }
}
