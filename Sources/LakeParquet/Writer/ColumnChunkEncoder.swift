import LakeColumnar
import LakeCompression

/// A column chunk encoded in memory: its pages' bytes and the metadata the footer needs.
///
/// Offsets in ``metadata`` are relative to the chunk's first byte until the file writer places
/// the chunk (``placed(at:)``).
struct EncodedChunk: Sendable {
    /// Dictionary page (if any) followed by the data pages.
    var bytes: ContiguousArray<UInt8>
    /// The chunk's `ColumnMetaData`, offsets relative to the chunk.
    var metadata: ColumnMetaData
    /// Statistics of the chunk, in lake values and Parquet bytes.
    var statistics: LeafStatistics

    /// The metadata with offsets moved to where the chunk starts in the file.
    func placed(at fileOffset: Int64) -> ColumnMetaData {
        var placed = metadata
        placed.dataPageOffset += fileOffset
        if let dictionary = placed.dictionaryPageOffset { placed.dictionaryPageOffset = dictionary + fileOffset }
        return placed
    }
}

/// Encodes one leaf column of one row group into pages (SPEC.md §5).
///
/// Pages start at row boundaries and hold about ``ParquetWriterOptions/targetPageBytes`` of
/// values or at most ``ParquetWriterOptions/maxPageRows`` rows. Values are dictionary-encoded when
/// the whole chunk's dictionary stays under the limit, else PLAIN; levels are RLE/bit-packed.
struct ColumnChunkEncoder {
    var descriptor: ColumnDescriptor
    var options: ParquetWriterOptions

    /// Encodes `leaf` (the row group's levels and dense values for this column).
    func encode(_ leaf: ShreddedLeaf) throws(ParquetError) -> EncodedChunk {
        let physical = PhysicalValues(leaf.values)
        var accumulator = LeafStatisticsAccumulator(dataType: descriptor.dataType)
        accumulator.append(leaf.values, nullCount: leaf.levelCount - leaf.values.count)
        let statistics = accumulator.statistics
        let compressor = Compressor(level: options.compressionLevel)
        let codec = options.compression
        var bytes = ContiguousArray<UInt8>()
        bytes.reserveCapacity(physical.plainByteCount / 2 + 1024)
        var encodings: Set<Int32> = []
        var encodingStats: [PageEncodingStats] = []
        var uncompressedTotal: Int64 = 0
        var dictionaryOffset: Int64?

        // Dictionary page first, when the whole chunk fits a dictionary.
        var dictionary: DictionaryEncoding?
        if options.useDictionary, descriptor.physicalType != .boolean, physical.count > 0 {
            dictionary = DictionaryEncoding.build(
                leaf.values, dataType: descriptor.dataType, maxBytes: options.maxDictionaryBytes)
        }
        if let dictionary {
            dictionaryOffset = 0
            var body = ContiguousArray<UInt8>()
            dictionary.values.encodePlain(0..<dictionary.values.count, into: &body)
            var header = PageHeader(type: .dictionaryPage, uncompressedPageSize: 0, compressedPageSize: 0)
            header.dictionaryPageHeader = DictionaryPageHeader(numValues: Int32(dictionary.values.count), encoding: .plain)
            uncompressedTotal += try appendPage(header, body: body, codec: codec, compressor: compressor, into: &bytes)
            encodings.insert(Encoding.plain.rawValue)
            encodingStats.append(PageEncodingStats(pageType: .dictionaryPage, encoding: .plain, count: 1))
        }
        let dataPageOffset = Int64(bytes.count)
        let valueEncoding: Encoding = dictionary == nil ? .plain : .rleDictionary
        encodings.insert(valueEncoding.rawValue)
        if descriptor.maxDefinitionLevel > 0 || descriptor.maxRepetitionLevel > 0 {
            encodings.insert(Encoding.rle.rawValue)
        }

        var pageCount: Int32 = 0
        for page in pageBounds(leaf, physical: physical, dictionary: dictionary) {
            var levels = ContiguousArray<UInt8>()
            var repetitionLength = 0
            if descriptor.maxRepetitionLevel > 0 {
                repetitionLength = encodeLevels(
                    leaf.repetitionLevels, page.slots, maxLevel: descriptor.maxRepetitionLevel,
                    prefixed: options.dataPageVersion == 1, into: &levels)
            }
            var definitionLength = 0
            if descriptor.maxDefinitionLevel > 0 {
                definitionLength = encodeLevels(
                    leaf.definitionLevels, page.slots, maxLevel: descriptor.maxDefinitionLevel,
                    prefixed: options.dataPageVersion == 1, into: &levels)
            }
            var values = ContiguousArray<UInt8>()
            if let dictionary {
                dictionary.encodeIndices(page.values, into: &values)
            } else {
                physical.encodePlain(page.values, into: &values)
            }
            let slotCount = Int32(page.slots.count)
            if options.dataPageVersion == 2 {
                var header = PageHeader(type: .dataPageV2, uncompressedPageSize: 0, compressedPageSize: 0)
                header.dataPageHeaderV2 = DataPageHeaderV2(
                    numValues: slotCount, numNulls: slotCount - Int32(page.values.count), numRows: Int32(page.rows),
                    encoding: valueEncoding, definitionLevelsByteLength: Int32(definitionLength),
                    repetitionLevelsByteLength: Int32(repetitionLength))
                uncompressedTotal += try appendPageV2(
                    header, levels: levels, values: values, codec: codec, compressor: compressor, into: &bytes)
            } else {
                var header = PageHeader(type: .dataPage, uncompressedPageSize: 0, compressedPageSize: 0)
                header.dataPageHeader = DataPageHeader(numValues: slotCount, encoding: valueEncoding)
                levels.append(contentsOf: values)
                uncompressedTotal += try appendPage(header, body: levels, codec: codec, compressor: compressor, into: &bytes)
            }
            pageCount += 1
        }
        encodingStats.append(
            PageEncodingStats(
                pageType: options.dataPageVersion == 2 ? .dataPageV2 : .dataPage, encoding: valueEncoding,
                count: pageCount))

        var metadata = ColumnMetaData(
            type: descriptor.physicalType, encodings: encodings.sorted().map { Encoding(rawValue: $0) },
            pathInSchema: descriptor.path, codec: codec, numValues: Int64(leaf.levelCount),
            totalUncompressedSize: uncompressedTotal, totalCompressedSize: Int64(bytes.count),
            dataPageOffset: dataPageOffset)
        metadata.dictionaryPageOffset = dictionaryOffset
        metadata.statistics = statistics.thriftStatistics(physicalType: descriptor.physicalType)
        metadata.encodingStats = encodingStats
        return EncodedChunk(bytes: bytes, metadata: metadata, statistics: statistics)
    }

    /// One data page: its slots (level entries), its dense values, and its row count.
    struct PageBounds {
        var slots: Range<Int>
        var values: Range<Int>
        var rows: Int
    }

    /// Cuts the chunk into pages at row boundaries (a slot with repetition level 0).
    private func pageBounds(_ leaf: ShreddedLeaf, physical: PhysicalValues, dictionary: DictionaryEncoding?)
        -> [PageBounds]
    {
        let slotCount = leaf.levelCount
        guard slotCount > 0 else { return [PageBounds(slots: 0..<0, values: 0..<0, rows: 0)] }
        let valueBytes = dictionary.map { $0.estimatedIndexBytes } ?? physical.plainByteCount
        let bytesPerSlot = max(1, valueBytes / slotCount)
        let slotsPerPage = max(1, min(options.maxPageRows, options.targetPageBytes / bytesPerSlot))
        let maxDefinition = UInt16(descriptor.maxDefinitionLevel)
        let hasDefinitions = !leaf.definitionLevels.isEmpty
        let hasRepetitions = !leaf.repetitionLevels.isEmpty
        if !hasDefinitions && !hasRepetitions {
            // Flat required: slots, values and rows coincide.
            return stride(from: 0, to: slotCount, by: slotsPerPage).map { start in
                let end = min(slotCount, start + slotsPerPage)
                return PageBounds(slots: start..<end, values: start..<end, rows: end - start)
            }
        }
        var pages: [PageBounds] = []
        var pageStart = 0
        var valueStart = 0
        var value = 0
        var rows = 0
        leaf.definitionLevels.withUnsafeBufferPointer { definitions in
            leaf.repetitionLevels.withUnsafeBufferPointer { repetitions in
                for slot in 0..<slotCount {
                    let startsRow = !hasRepetitions || repetitions[slot] == 0
                    if startsRow {
                        if slot - pageStart >= slotsPerPage || rows >= options.maxPageRows {
                            pages.append(PageBounds(slots: pageStart..<slot, values: valueStart..<value, rows: rows))
                            pageStart = slot
                            valueStart = value
                            rows = 0
                        }
                        rows += 1
                    }
                    if !hasDefinitions || definitions[slot] == maxDefinition { value += 1 }
                }
            }
        }
        pages.append(PageBounds(slots: pageStart..<slotCount, values: valueStart..<value, rows: rows))
        return pages
    }

    /// Appends RLE/bit-packed levels for `slots`, with a 4-byte length prefix for v1 pages.
    /// Returns the bytes written, prefix excluded.
    private func encodeLevels(
        _ levels: ContiguousArray<UInt16>, _ slots: Range<Int>, maxLevel: Int, prefixed: Bool,
        into output: inout ContiguousArray<UInt8>
    ) -> Int {
        var encoder = RLEBitPackedEncoder(bitWidth: bitWidth(forMaxValue: UInt64(maxLevel)))
        levels.withUnsafeBufferPointer { buffer in
            encoder.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[slots]))
        }
        var encoded = ContiguousArray<UInt8>()
        encoder.finish(into: &encoded)
        if prefixed {
            withUnsafeBytes(of: UInt32(encoded.count).littleEndian) { output.append(contentsOf: $0) }
        }
        output.append(contentsOf: encoded)
        return encoded.count
    }

    /// Compresses `body` and appends header + body. Returns the uncompressed size (header included).
    private func appendPage(
        _ header: PageHeader, body: ContiguousArray<UInt8>, codec: CompressionCodec, compressor: Compressor,
        into output: inout ContiguousArray<UInt8>
    ) throws(ParquetError) -> Int64 {
        let stored = try compress(body, codec: codec, compressor: compressor)
        var header = header
        header.uncompressedPageSize = Int32(body.count)
        header.compressedPageSize = Int32(stored.count)
        let headerBytes = header.encoded()
        output.append(contentsOf: headerBytes)
        output.append(contentsOf: stored)
        return Int64(headerBytes.count + body.count)
    }

    /// Appends a v2 page: uncompressed levels, then compressed values.
    private func appendPageV2(
        _ header: PageHeader, levels: ContiguousArray<UInt8>, values: ContiguousArray<UInt8>,
        codec: CompressionCodec, compressor: Compressor, into output: inout ContiguousArray<UInt8>
    ) throws(ParquetError) -> Int64 {
        var stored = try compress(values, codec: codec, compressor: compressor)
        var header = header
        if codec != .uncompressed, stored.count >= values.count {
            // Compression did not help: store the values plainly, as pyarrow does.
            stored = values
            header.dataPageHeaderV2?.isCompressed = false
        }
        header.uncompressedPageSize = Int32(levels.count + values.count)
        header.compressedPageSize = Int32(levels.count + stored.count)
        let headerBytes = header.encoded()
        output.append(contentsOf: headerBytes)
        output.append(contentsOf: levels)
        output.append(contentsOf: stored)
        return Int64(headerBytes.count + levels.count + values.count)
    }

    private func compress(_ body: ContiguousArray<UInt8>, codec: CompressionCodec, compressor: Compressor)
        throws(ParquetError) -> ContiguousArray<UInt8>
    {
        let name: Codec
        switch codec {
        case .uncompressed: return body
        case .snappy: name = .snappy
        case .gzip: name = .gzip
        case .zstd: name = .zstd
        case .lz4Raw: name = .lz4Raw
        default:
            throw .invalidInput(path: descriptor.dottedPath, reason: "lake does not write the \(codec.name) codec")
        }
        var output = ContiguousArray<UInt8>()
        do throws(CompressionError) {
            try body.withBytes { raw throws(CompressionError) in
                try compressor.compress(name, raw, appendingTo: &output)
            }
        } catch {
            throw .invalidInput(path: descriptor.dottedPath, reason: error.description)
        }
        return output
    }
}

extension PageHeader {
    /// The header's Thrift compact bytes.
    func encoded() -> ContiguousArray<UInt8> {
        var writer = ThriftCompactWriter()
        write(to: &writer)
        return writer.bytes
    }
}
