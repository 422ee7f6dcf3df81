import LakeIO
import Testing

@testable import LakeParquet

@Suite("Parquet metadata structs")
struct MetadataStructTests {
    static let logicalTypes: [LogicalType] = [
        .string, .map, .list, .enum, .decimal(scale: 2, precision: 10), .decimal(scale: 0, precision: 38), .date,
        .time(isAdjustedToUTC: false, unit: .millis), .time(isAdjustedToUTC: true, unit: .nanos),
        .timestamp(isAdjustedToUTC: true, unit: .micros), .timestamp(isAdjustedToUTC: false, unit: .nanos),
        .integer(bitWidth: 8, isSigned: false), .integer(bitWidth: 64, isSigned: true), .unknown, .json, .bson,
        .uuid, .float16, .variant(specificationVersion: nil), .variant(specificationVersion: 1),
        .geometry(crs: nil), .geometry(crs: "OGC:CRS84"), .geography(crs: nil, algorithm: nil),
        .geography(crs: "EPSG:4326", algorithm: 2), .unrecognized(19), .unrecognized(2555),
    ]

    @Test("LogicalType round-trips every member", arguments: logicalTypes)
    func logicalTypeRoundTrip(type: LogicalType) throws {
        #expect(try decodeExactly(LogicalType.self, type.thriftBytes()) == type)
    }

    @Test("LogicalType: known wire bytes")
    func logicalTypeWireBytes() throws {
        // TIMESTAMP {1: true, 2: {2: {}}}: field 8 struct, bool true, field 2 struct, MICROS member.
        #expect(
            Array(LogicalType.timestamp(isAdjustedToUTC: true, unit: .micros).thriftBytes())
                == [0x8C, 0x11, 0x1C, 0x2C, 0x00, 0x00, 0x00, 0x00]
        )
        // DECIMAL {1: scale 2, 2: precision 10}.
        #expect(
            Array(LogicalType.decimal(scale: 2, precision: 10).thriftBytes())
                == [0x5C, 0x15, 0x04, 0x15, 0x14, 0x00, 0x00]
        )
    }

    @Test("an unknown LogicalType member with content degrades to unrecognized")
    func unknownLogicalMember() throws {
        var writer = ThriftCompactWriter()
        let frame = writer.beginStruct()
        writer.writeFieldHeader(40, .struct)
        let member = writer.beginStruct()
        writer.writeField(1, string: "future payload")
        writer.writeField(2, i64List: [1, 2, 3])
        writer.endStruct(member)
        writer.endStruct(frame)
        #expect(try decodeExactly(LogicalType.self, writer.bytes) == .unrecognized(40))
        // A TIMESTAMP with a TimeUnit member we do not know (4) is unrecognized too.
        let future: [UInt8] = [0x8C, 0x11, 0x1C, 0x4C, 0x00, 0x00, 0x00, 0x00]
        #expect(try decodeExactly(LogicalType.self, future) == .unrecognized(8))
    }

    @Test("unions must have exactly one member; known members need their required fields")
    func badUnions() {
        let cases: [[UInt8]] = [
            [0x00],  // no member
            [0x1C, 0x00, 0x1C, 0x00, 0x00],  // STRING twice
            [0x5C, 0x15, 0x04, 0x00, 0x00],  // DECIMAL without precision
            [0x8C, 0x2C, 0x2C, 0x00, 0x00, 0x00, 0x00],  // TIMESTAMP without isAdjustedToUTC
            [0x8C, 0x11, 0x00, 0x00],  // TIMESTAMP without unit
            [0xAC, 0x13, 0x08, 0x00, 0x00],  // INTEGER without isSigned
            [0x8C, 0x11, 0x1C, 0x00, 0x00, 0x00],  // TimeUnit without a member
        ]
        for bytes in cases {
            #expect(throws: DecodeError.self, "\(bytes)") { try decodeExactly(LogicalType.self, bytes) }
        }
        #expect(throws: DecodeError.self) { try decodeExactly(ColumnOrder.self, [0x00]) }
    }

    @Test(
        "ColumnOrder round-trips",
        arguments: [ColumnOrder.typeDefinedOrder, .ieee754TotalOrder, .int96TimestampOrder, .unrecognized(9)])
    func columnOrderRoundTrip(order: ColumnOrder) throws {
        #expect(try decodeExactly(ColumnOrder.self, order.thriftBytes()) == order)
    }

    static func fullStatistics() -> Statistics {
        var statistics = Statistics()
        statistics.max = [9]
        statistics.min = [1]
        statistics.nullCount = 3
        statistics.distinctCount = 4
        statistics.maxValue = [0xFF, 0x00]
        statistics.minValue = []
        statistics.isMaxValueExact = true
        statistics.isMinValueExact = false
        statistics.nanCount = 0
        return statistics
    }

    static func pageHeaders() -> [PageHeader] {
        var v1 = PageHeader(type: .dataPage, uncompressedPageSize: 100, compressedPageSize: 60)
        v1.crc = -12345
        v1.dataPageHeader = DataPageHeader(
            numValues: 10,
            encoding: .rleDictionary,
            definitionLevelEncoding: .rle,
            repetitionLevelEncoding: .bitPacked,
            statistics: fullStatistics()
        )
        var v2 = PageHeader(type: .dataPageV2, uncompressedPageSize: 0, compressedPageSize: 0)
        v2.dataPageHeaderV2 = DataPageHeaderV2(
            numValues: 2049,
            numNulls: 65,
            numRows: 2048,
            encoding: .deltaBinaryPacked,
            definitionLevelsByteLength: 63,
            repetitionLevelsByteLength: 64,
            isCompressed: false
        )
        var dictionary = PageHeader(type: .dictionaryPage, uncompressedPageSize: 8, compressedPageSize: 8)
        dictionary.dictionaryPageHeader = DictionaryPageHeader(numValues: 2, encoding: .plainDictionary, isSorted: true)
        var index = PageHeader(type: .indexPage, uncompressedPageSize: 0, compressedPageSize: 0)
        index.indexPageHeader = [0x00]
        let future = PageHeader(type: .unknown(9), uncompressedPageSize: 1, compressedPageSize: 1)
        return [v1, v2, dictionary, index, future]
    }

    @Test("page headers round-trip and every truncation throws", arguments: pageHeaders())
    func pageHeaderRoundTrip(header: PageHeader) throws {
        let bytes = header.thriftBytes()
        #expect(try decodeExactly(PageHeader.self, bytes) == header)
        for length in 0..<bytes.count {
            #expect(throws: DecodeError.self) { try decodeExactly(PageHeader.self, bytes.prefix(length)) }
        }
    }

    @Test("DataPageHeaderV2.is_compressed defaults to true when absent")
    func isCompressedDefault() throws {
        var writer = ThriftCompactWriter()
        let frame = writer.beginStruct()
        for (id, value) in zip(Int16(1)...6, [Int32(5), 0, 5, 0, 2, 0]) { writer.writeField(id, i32: value) }
        writer.endStruct(frame)
        let header = try decodeExactly(DataPageHeaderV2.self, writer.bytes)
        #expect(header.isCompressed)
        #expect(header.numValues == 5 && header.definitionLevelsByteLength == 2)
    }

    @Test("missing required fields are named in the error")
    func missingRequiredFields() {
        var writer = ThriftCompactWriter()
        let frame = writer.beginStruct()
        writer.writeField(1, i32: 5)  // num_values only
        writer.endStruct(frame)
        #expect(
            throws: DecodeError.corrupt(
                "required field DataPageHeader.encoding is missing in the struct ending at byte 3")
        ) {
            try decodeExactly(DataPageHeader.self, writer.bytes)
        }
        let missingType = DecodeError.corrupt(
            "required field PageHeader.type is missing in the struct ending at byte 1"
        )
        #expect(throws: missingType) { try decodeExactly(PageHeader.self, [0x00]) }
        #expect(throws: DecodeError.self) { try decodeExactly(ColumnChunk.self, [0x00]) }  // file_offset
        #expect(throws: DecodeError.self) { try decodeExactly(FileMetaData.self, [0x15, 0x02, 0x00]) }
        #expect(throws: DecodeError.self) { try decodeExactly(SchemaElement.self, [0x15, 0x02, 0x00]) }  // name
        #expect(throws: DecodeError.self) { try decodeExactly(OffsetIndex.self, [0x00]) }
        #expect(throws: DecodeError.self) { try decodeExactly(PageLocation.self, [0x16, 0x02, 0x00]) }
        #expect(throws: DecodeError.self) { try decodeExactly(SortingColumn.self, [0x15, 0x02, 0x11, 0x00]) }
    }

    @Test("negative sizes, counts and offsets are corrupt")
    func negativeValues() throws {
        func page(_ id: Int16, _ value: Int32) -> ContiguousArray<UInt8> {
            var writer = ThriftCompactWriter()
            let frame = writer.beginStruct()
            writer.writeField(1, i32: 0)
            writer.writeField(2, i32: id == 2 ? value : 10)
            writer.writeField(3, i32: id == 3 ? value : 10)
            writer.endStruct(frame)
            return writer.bytes
        }
        #expect(throws: Never.self) { try decodeExactly(PageHeader.self, page(2, 0)) }
        #expect(throws: DecodeError.corrupt("PageHeader.uncompressed_page_size is negative (-1) at byte 3")) {
            try decodeExactly(PageHeader.self, page(2, -1))
        }
        #expect(throws: DecodeError.self) { try decodeExactly(PageHeader.self, page(3, Int32.min)) }
        // DictionaryPageHeader.num_values < 0 (bad/ARROW-RS-GH-6229-DICTHEADER).
        #expect(throws: DecodeError.self) {
            try decodeExactly(DictionaryPageHeader.self, [0x15, 0x01, 0x15, 0x00, 0x00])
        }
        var metadata = ColumnMetaData(
            type: .int32,
            encodings: [],
            pathInSchema: ["a"],
            codec: .snappy,
            numValues: 1,
            totalUncompressedSize: 1,
            totalCompressedSize: 1,
            dataPageOffset: 4
        )
        #expect(throws: Never.self) { try decodeExactly(ColumnMetaData.self, metadata.thriftBytes()) }
        metadata.dictionaryPageOffset = -4
        #expect(throws: DecodeError.self) { try decodeExactly(ColumnMetaData.self, metadata.thriftBytes()) }
        // A negative statistics count is unknown, not an error.
        var statistics = Statistics()
        statistics.nullCount = -1
        #expect(try decodeExactly(Statistics.self, statistics.thriftBytes()) == Statistics())
    }

    @Test("unknown enum values are kept, unknown types and repetitions are unsupported")
    func unknownEnumValues() throws {
        var element = SchemaElement(name: "c", type: .int32, repetitionType: .optional)
        var bytes = element.thriftBytes()
        #expect(try decodeExactly(SchemaElement.self, bytes) == element)
        bytes[1] = 16  // type 8: not a Parquet physical type
        #expect(throws: DecodeError.unsupported("schema element 'c' has unknown physical type 8")) {
            try decodeExactly(SchemaElement.self, bytes)
        }
        bytes = element.thriftBytes()
        bytes[3] = 6  // repetition 3: VECTOR
        #expect(throws: DecodeError.unsupported("schema element 'c' has VECTOR repetition type 3")) {
            try decodeExactly(SchemaElement.self, bytes)
        }
        // An unknown ConvertedType is ignored.
        element.convertedType = .interval
        bytes = element.thriftBytes()
        #expect(bytes[bytes.count - 2] == 42)  // zigzag(21)
        bytes[bytes.count - 2] = 100  // zigzag(50)
        element.convertedType = nil
        #expect(try decodeExactly(SchemaElement.self, bytes) == element)
        // Unknown encodings, codecs and page types survive a round trip.
        let stats = PageEncodingStats(pageType: .unknown(7), encoding: .unknown(10), count: 3)
        #expect(try decodeExactly(PageEncodingStats.self, stats.thriftBytes()) == stats)
    }

    @Test("ColumnIndex and OffsetIndex round-trip; page lists must agree")
    func pageIndexRoundTrip() throws {
        var columnIndex = ColumnIndex(
            nullPages: [false, true, false],
            minValues: [[1], [], [3]],
            maxValues: [[2], [], [4]],
            boundaryOrder: .ascending
        )
        columnIndex.nullCounts = [0, 10, 2]
        columnIndex.definitionLevelHistograms = [1, 2, 3, 4, 5, 6]
        columnIndex.nanCounts = [0, 0, 0]
        #expect(try decodeExactly(ColumnIndex.self, columnIndex.thriftBytes()) == columnIndex)
        columnIndex.nullCounts = [0]
        #expect(throws: DecodeError.self) { try decodeExactly(ColumnIndex.self, columnIndex.thriftBytes()) }

        let offsetIndex = OffsetIndex(
            pageLocations: [
                PageLocation(offset: 4, compressedPageSize: 100, firstRowIndex: 0),
                PageLocation(offset: 104, compressedPageSize: 50, firstRowIndex: 2048),
            ],
            unencodedByteArrayDataBytes: [10, 20]
        )
        #expect(try decodeExactly(OffsetIndex.self, offsetIndex.thriftBytes()) == offsetIndex)
    }

    /// Files whose `total_compressed_size` is deliberately wrong (the page reader copes; a strict
    /// walk does not).
    static let wrongChunkSizes: Set<String> = [
        "good/nation.dict-malformed.parquet",
        "minimal_writer/total_compressed_size_minus_1.parquet",
        "minimal_writer/total_compressed_size_plus_100.parquet",
    ]

    static let pageWalkFiles = MetadataCorpus.goldenFiles.filter {
        !MetadataCorpus.expectedFooterFailures.contains($0) && !wrongChunkSizes.contains($0)
    }

    /// Walks every column chunk page by page with ``PageHeader``, and reads its page index.
    @Test("page headers and page indexes of the corpus decode", arguments: pageWalkFiles)
    func walkPages(file: String) throws {
        let bytes = try MetadataCorpus.bytes(file)
        let metadata = try ParquetFooter.read(fileBytes: bytes, path: file)
        try bytes.withUnsafeBufferPointer { buffer in
            let raw = UnsafeRawBufferPointer(buffer)
            for rowGroup in metadata.rowGroups {
                for chunk in rowGroup.columns {
                    let meta = try #require(chunk.metaData)
                    guard meta.numValues > 0 else { continue }
                    let start = Int(
                        [meta.dataPageOffset, meta.dictionaryPageOffset ?? -1].filter { $0 >= 4 }.min() ?? 0
                    )
                    let end = start + Int(meta.totalCompressedSize)
                    var position = start
                    var values: Int64 = 0
                    var dataPages = 0
                    var dataPageOffsets: [Int64] = []
                    while position < end {
                        var reader = ThriftCompactReader(
                            UnsafeRawBufferPointer(rebasing: raw[position..<end]),
                            baseOffset: position
                        )
                        let header = try PageHeader(from: &reader)
                        switch header.type {
                        case .dataPage:
                            values += Int64(try #require(header.dataPageHeader).numValues)
                            dataPages += 1
                            dataPageOffsets.append(Int64(position))
                        case .dataPageV2:
                            values += Int64(try #require(header.dataPageHeaderV2).numValues)
                            dataPages += 1
                            dataPageOffsets.append(Int64(position))
                        case .dictionaryPage:
                            #expect(header.dictionaryPageHeader != nil)
                        default:
                            break
                        }
                        position += reader.position + Int(header.compressedPageSize)
                    }
                    #expect(position == end, "\(file) \(meta.pathInSchema)")
                    #expect(values == meta.numValues, "\(file) \(meta.pathInSchema)")
                    if let offset = chunk.offsetIndexOffset, let length = chunk.offsetIndexLength {
                        let index = try decodeExactly(
                            OffsetIndex.self,
                            bytes[Int(offset)..<Int(offset) + Int(length)]
                        )
                        #expect(index.pageLocations.map(\.offset) == dataPageOffsets)
                        #expect(index.pageLocations.first?.firstRowIndex == 0)
                        if let offset = chunk.columnIndexOffset, let length = chunk.columnIndexLength {
                            let columnIndex = try decodeExactly(
                                ColumnIndex.self,
                                bytes[Int(offset)..<Int(offset) + Int(length)]
                            )
                            #expect(columnIndex.nullPages.count == dataPages)
                            #expect(columnIndex.thriftBytes().count == Int(length))
                        }
                    }
                }
            }
        }
    }
}
