import LakeColumnar
import LakeCompression

/// One page of a column chunk, with its levels decoded and its value bytes uncompressed.
struct WalkedPage {
    /// Whether this is the chunk's dictionary page.
    var isDictionary: Bool
    /// The encoding of the value section.
    var encoding: Encoding
    /// Level entries in the page (0 for a dictionary page).
    var levelCount: Int
    /// Values in the value section: dictionary entries, or slots whose definition level is the max.
    var valueCount: Int
    /// The uncompressed value section; valid until the next call to ``PageWalker/next()``.
    var values: UnsafeRawBufferPointer
    /// The page's byte offset in the file, for error messages.
    var fileOffset: Int
}

/// Walks the pages of one column chunk: decodes page headers, decompresses bodies, decodes levels.
///
/// Levels are appended to ``definitionLevels`` and ``repetitionLevels``; the value section of each
/// data page is handed to the caller, which decodes it by the page's encoding. Pages of unknown
/// type (INDEX_PAGE) are skipped. parquet.md §5 (pages), §7 (codecs).
final class PageWalker {
    private let chunk: ContiguousArray<UInt8>
    private let chunkFileOffset: Int
    private let codec: Codec?
    private let codecName: String
    private let maxDefinitionLevel: Int
    private let maxRepetitionLevel: Int
    private let expectedLevels: Int
    /// The most level entries this walker decodes (a resource limit for fuzzing; see
    /// ``ParquetFileReader/init(file:maxLevelsPerChunk:)``).
    private let maxLevels: Int
    private let decompressor: Decompressor
    private var position = 0
    /// Decompression output, reused across pages.
    private var scratch: UnsafeMutableRawBufferPointer
    /// Level entries decoded so far.
    private(set) var levelsRead = 0
    /// Definition levels of all data pages so far (empty when the max definition level is 0).
    var definitionLevels = ContiguousArray<UInt16>()
    /// Repetition levels of all data pages so far (empty when the max repetition level is 0).
    var repetitionLevels = ContiguousArray<UInt16>()
    private var sawDictionary = false
    /// For a flat column (max repetition level 0, so one level per row): the rows the caller
    /// needs. Data pages wholly before them are skipped without being decompressed, and the walk
    /// ends once they are read. `nil`: every page.
    var rowRange: Range<Int>?
    /// The level (for a flat column, the row) of the first data page decoded: the levels of the
    /// pages skipped before it.
    private(set) var firstLevel = 0

    init(
        chunk: ContiguousArray<UInt8>, chunkFileOffset: Int, codec: CompressionCodec, descriptor: ColumnDescriptor,
        expectedLevels: Int, maxLevels: Int = .max, decompressor: Decompressor
    ) throws(DecodeError) {
        self.chunk = chunk
        self.chunkFileOffset = chunkFileOffset
        self.codecName = codec.name
        switch codec {
        case .uncompressed: self.codec = nil
        case .snappy: self.codec = .snappy
        case .gzip: self.codec = .gzip
        case .lz4: self.codec = .lz4Hadoop
        case .zstd: self.codec = .zstd
        case .lz4Raw: self.codec = .lz4Raw
        case .lzo, .brotli, .unknown: throw .unsupported("the \(codec.name) codec")
        }
        self.maxDefinitionLevel = descriptor.maxDefinitionLevel
        self.maxRepetitionLevel = descriptor.maxRepetitionLevel
        self.expectedLevels = expectedLevels
        self.maxLevels = maxLevels
        self.decompressor = decompressor
        self.scratch = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        // The footer's count is a claim: reserve only what the chunk's bytes could plausibly hold
        // and let pages that really decode more grow the arrays (SPEC.md §4.5).
        let reservation = min(expectedLevels, Self.plausibleValueCount(chunkBytes: chunk.count))
        if maxDefinitionLevel > 0 { definitionLevels.reserveCapacity(reservation) }
        if maxRepetitionLevel > 0 { repetitionLevels.reserveCapacity(reservation) }
    }

    deinit {
        scratch.deallocate()
    }

    /// How many values a column chunk of `chunkBytes` stored bytes may hold before the reader stops
    /// taking the footer's word for it: buffers sized from a count up to this are allocated at once,
    /// larger counts grow as pages are decoded.
    ///
    /// Generous for real files (64 values per stored byte), yet bounded by the file's size.
    static func plausibleValueCount(chunkBytes: Int) -> Int {
        max(1 << 16, chunkBytes &* 64)
    }

    /// The byte offset in the file of the next unread byte of the chunk.
    var fileOffset: Int { chunkFileOffset + position }

    /// The next dictionary or data page, or `nil` when every expected level has been read.
    func next() throws(DecodeError) -> WalkedPage? {
        while levelsRead < expectedLevels {
            if let rowRange, levelsRead >= rowRange.upperBound { return nil }
            guard position < chunk.count else {
                throw .corrupt("the column chunk ends after \(levelsRead) of \(expectedLevels) values")
            }
            let pageOffset = chunkFileOffset + position
            let header = try chunk.withBytes { bytes throws(DecodeError) -> PageHeader in
                var reader = ThriftCompactReader(UnsafeRawBufferPointer(rebasing: bytes[position...]))
                let header = try PageHeader(from: &reader)
                position += reader.position
                return header
            }
            let storedSize = Int(header.compressedPageSize)
            let rawSize = Int(header.uncompressedPageSize)
            guard storedSize >= 0, rawSize >= 0, storedSize <= chunk.count - position else {
                throw .corrupt(
                    "page at byte \(pageOffset) claims \(storedSize) stored bytes but only \(chunk.count - position) remain in the chunk")
            }
            let bodyStart = position
            position += storedSize
            switch header.type {
            case .dictionaryPage:
                guard let dictionaryHeader = header.dictionaryPageHeader else {
                    throw .corrupt("dictionary page at byte \(pageOffset) has no dictionary_page_header")
                }
                guard !sawDictionary else { throw .corrupt("second dictionary page at byte \(pageOffset)") }
                sawDictionary = true
                let count = Int(dictionaryHeader.numValues)
                guard count >= 0 else { throw .corrupt("dictionary page at byte \(pageOffset) has \(count) values") }
                let body = try uncompress(bodyStart, storedSize, rawSize, pageOffset: pageOffset)
                return WalkedPage(
                    isDictionary: true, encoding: dictionaryHeader.encoding, levelCount: 0, valueCount: count,
                    values: body, fileOffset: pageOffset)

            case .dataPage:
                guard let dataHeader = header.dataPageHeader else {
                    throw .corrupt("data page at byte \(pageOffset) has no data_page_header")
                }
                let levelCount = try checkedLevelCount(Int(dataHeader.numValues), pageOffset: pageOffset)
                if skipsPage(levelCount) { continue }
                let body = try uncompress(bodyStart, storedSize, rawSize, pageOffset: pageOffset)
                var cursor = 0
                if maxRepetitionLevel > 0 {
                    cursor += try decodePrefixedLevels(
                        body, from: cursor, count: levelCount, maxLevel: maxRepetitionLevel,
                        encoding: dataHeader.repetitionLevelEncoding, into: &repetitionLevels, what: "repetition",
                        pageOffset: pageOffset)
                }
                var present = levelCount
                if maxDefinitionLevel > 0 {
                    cursor += try decodePrefixedLevels(
                        body, from: cursor, count: levelCount, maxLevel: maxDefinitionLevel,
                        encoding: dataHeader.definitionLevelEncoding, into: &definitionLevels, what: "definition",
                        pageOffset: pageOffset)
                    present = countPresent(last: levelCount)
                }
                levelsRead += levelCount
                return WalkedPage(
                    isDictionary: false, encoding: dataHeader.encoding, levelCount: levelCount, valueCount: present,
                    values: UnsafeRawBufferPointer(rebasing: body[cursor...]), fileOffset: pageOffset)

            case .dataPageV2:
                guard let dataHeader = header.dataPageHeaderV2 else {
                    throw .corrupt("data page v2 at byte \(pageOffset) has no data_page_header_v2")
                }
                let levelCount = try checkedLevelCount(Int(dataHeader.numValues), pageOffset: pageOffset)
                if skipsPage(levelCount) { continue }
                let repetitionBytes = Int(dataHeader.repetitionLevelsByteLength)
                let definitionBytes = Int(dataHeader.definitionLevelsByteLength)
                guard repetitionBytes >= 0, definitionBytes >= 0, repetitionBytes + definitionBytes <= storedSize,
                    repetitionBytes + definitionBytes <= rawSize
                else {
                    throw .corrupt(
                        "data page v2 at byte \(pageOffset) has level lengths \(repetitionBytes)+\(definitionBytes) larger than the page")
                }
                let firstRepetition = repetitionLevels.count
                try chunk.withBytes { bytes throws(DecodeError) in
                    let levels = UnsafeRawBufferPointer(
                        rebasing: bytes[bodyStart..<(bodyStart + repetitionBytes + definitionBytes)])
                    if maxRepetitionLevel > 0 {
                        try decodeLevels(
                            UnsafeRawBufferPointer(rebasing: levels[0..<repetitionBytes]), count: levelCount,
                            maxLevel: maxRepetitionLevel, into: &repetitionLevels)
                    }
                    if maxDefinitionLevel > 0 {
                        try decodeLevels(
                            UnsafeRawBufferPointer(rebasing: levels[repetitionBytes...]), count: levelCount,
                            maxLevel: maxDefinitionLevel, into: &definitionLevels)
                    }
                }
                let levelBytes = repetitionBytes + definitionBytes
                // v2 pages must start a new row (parquet.md §4; bad/ARROW-GH-45185 starts with r = 1).
                if maxRepetitionLevel > 0, levelCount > 0, repetitionLevels[firstRepetition] != 0 {
                    throw .corrupt("data page v2 at byte \(pageOffset) does not start at a row boundary")
                }
                let present = maxDefinitionLevel > 0 ? countPresent(last: levelCount) : levelCount
                levelsRead += levelCount
                let isCompressed = dataHeader.isCompressed
                let values = try uncompress(
                    bodyStart + levelBytes, storedSize - levelBytes, rawSize - levelBytes,
                    pageOffset: pageOffset, compressed: isCompressed)
                return WalkedPage(
                    isDictionary: false, encoding: dataHeader.encoding, levelCount: levelCount, valueCount: present,
                    values: values, fileOffset: pageOffset)

            default:
                continue  // INDEX_PAGE and unknown page types carry nothing we need.
            }
        }
        return nil
    }

    /// Whether a data page of `levelCount` levels lies wholly before ``rowRange``; if so, counts
    /// its levels as read and skipped.
    private func skipsPage(_ levelCount: Int) -> Bool {
        guard let rowRange, maxRepetitionLevel == 0, levelsRead + levelCount <= rowRange.lowerBound else {
            return false
        }
        levelsRead += levelCount
        firstLevel = levelsRead
        return true
    }

    private func checkedLevelCount(_ count: Int, pageOffset: Int) throws(DecodeError) -> Int {
        guard count >= 0, count <= expectedLevels - levelsRead else {
            throw .corrupt(
                "page at byte \(pageOffset) holds \(count) values but only \(expectedLevels - levelsRead) remain in the chunk")
        }
        guard count <= maxLevels - levelsRead else {
            throw .unsupported("more than \(maxLevels) values in one column chunk (page at byte \(pageOffset))")
        }
        return count
    }

    /// Returns the page body uncompressed: a view of the chunk when stored plainly, else scratch.
    private func uncompress(
        _ start: Int, _ storedSize: Int, _ rawSize: Int, pageOffset: Int, compressed: Bool = true
    ) throws(DecodeError) -> UnsafeRawBufferPointer {
        guard let codec, compressed else {
            guard rawSize == storedSize else {
                throw .corrupt(
                    "uncompressed page at byte \(pageOffset) stores \(storedSize) bytes but says it holds \(rawSize)")
            }
            // SAFETY: `chunk` is immutable and outlives every page view handed out by this walker.
            return chunk.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[start..<(start + storedSize)]) }
        }
        if rawSize == 0 && storedSize == 0 { return UnsafeRawBufferPointer(start: nil, count: 0) }
        // The header's size is a claim: check it against what the stored bytes can inflate to, and
        // against the size the compressed data records itself, before allocating for it.
        let bound = codec.maximumDecompressedSize(compressedSize: storedSize)
        guard rawSize <= bound else {
            throw .corrupt(
                "page at byte \(pageOffset) says it inflates to \(rawSize) bytes, but \(storedSize) bytes of "
                    + "\(codecName) inflate to at most \(bound)")
        }
        let declared = chunk.withBytes { bytes in
            Decompressor.declaredSize(codec, of: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + storedSize)]))
        }
        if let declared, declared != rawSize {
            throw .corrupt(
                "page at byte \(pageOffset) says it inflates to \(rawSize) bytes, but its \(codecName) data "
                    + "records \(declared)")
        }
        if scratch.count < rawSize {
            scratch.deallocate()
            scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: max(rawSize, scratch.count * 2), alignment: 16)
        }
        let output = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<rawSize])
        do throws(CompressionError) {
            try chunk.withBytes { bytes throws(CompressionError) in
                try decompressor.decompress(
                    codec, UnsafeRawBufferPointer(rebasing: bytes[start..<(start + storedSize)]), into: output)
            }
        } catch {
            throw .corrupt("page at byte \(pageOffset): \(error.description)")
        }
        return UnsafeRawBufferPointer(output)
    }

    /// Decodes a v1 level section: `u32 LE length` then RLE/bit-packed runs. Returns bytes used.
    private func decodePrefixedLevels(
        _ body: UnsafeRawBufferPointer, from start: Int, count: Int, maxLevel: Int, encoding: Encoding,
        into levels: inout ContiguousArray<UInt16>, what: String, pageOffset: Int
    ) throws(DecodeError) -> Int {
        guard encoding == .rle else {
            throw .unsupported("\(what) levels encoded as \(encoding.name) (page at byte \(pageOffset))")
        }
        guard body.count - start >= 4 else {
            throw .corrupt("page at byte \(pageOffset) ends before its \(what) level length")
        }
        let length = Int(body.loadUnaligned(fromByteOffset: start, as: UInt32.self).littleEndian)
        guard length <= body.count - start - 4 else {
            throw .corrupt(
                "page at byte \(pageOffset) says its \(what) levels take \(length) bytes but only \(body.count - start - 4) remain")
        }
        try decodeLevels(
            UnsafeRawBufferPointer(rebasing: body[(start + 4)..<(start + 4 + length)]), count: count,
            maxLevel: maxLevel, into: &levels)
        return 4 + length
    }

    private func decodeLevels(
        _ bytes: UnsafeRawBufferPointer, count: Int, maxLevel: Int, into levels: inout ContiguousArray<UInt16>
    ) throws(DecodeError) {
        guard count > 0 else { return }
        let width = bitWidth(forMaxValue: UInt64(maxLevel))
        // Room for `count` levels only once the runs are seen to hold them.
        let held = try RLEBitPackedDecoder.countValues(bytes, bitWidth: width, limit: count)
        guard held >= count else {
            throw .corrupt("the levels hold \(held) values, fewer than the page's \(count)")
        }
        var decoder = try RLEBitPackedDecoder(bytes, bitWidth: width)
        let start = levels.count
        levels.append(contentsOf: repeatElement(0, count: count))
        var maximum: UInt16 = 0
        try levels.withUnsafeMutableBufferPointer { buffer throws(DecodeError) in
            let output = buffer.baseAddress! + start
            try decoder.decode(count: count, into: output)
            for index in 0..<count { maximum = max(maximum, output[index]) }
        }
        guard Int(maximum) <= maxLevel else {
            throw .corrupt("a level of \(maximum) exceeds the column's maximum of \(maxLevel)")
        }
    }

    /// Slots among the last `count` definition levels that hold a value.
    private func countPresent(last count: Int) -> Int {
        let maximum = UInt16(maxDefinitionLevel)
        var present = 0
        definitionLevels.withUnsafeBufferPointer { levels in
            for index in (levels.count - count)..<levels.count where levels[index] == maximum { present &+= 1 }
        }
        return present
    }
}
