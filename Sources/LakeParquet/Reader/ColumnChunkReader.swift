import LakeColumnar
import LakeCompression
import LakeIO

/// Reads one column chunk of one row group into a ``DecodedLeaf``.
///
/// Pages are walked by ``PageWalker``; each page's values are decoded by its own encoding
/// (a chunk may switch from dictionary to PLAIN pages mid-way, parquet.md §5) straight into one
/// typed buffer for the whole chunk. Physical values are then converted once to the leaf's lake
/// type (``ValueConversion``).
struct ColumnChunkReader {
    /// The file's path, for errors.
    var path: String
    /// The leaf being read.
    var descriptor: ColumnDescriptor
    /// The chunk's metadata from the footer.
    var metadata: ColumnMetaData
    /// The row group's index and row count.
    var rowGroup: Int
    var rowCount: Int
    /// The most level entries to decode (``ParquetFileReader/init(file:maxLevelsPerChunk:)``).
    var maxLevels: Int = .max

    /// How far past a chunk's declared end a page may run.
    static let overrunSlack = 64 << 10

    /// Reads and decodes the chunk.
    func read(from file: RandomAccessFile, decompressor: Decompressor) throws(ParquetError) -> DecodedLeaf {
        try read(from: file, decompressor: decompressor, rows: nil).leaf
    }

    /// Reads and decodes the chunk's pages that hold `rows` (all pages when `nil`, or when the
    /// column is not flat); `firstRow` is the row of the first level decoded.
    func read(from file: RandomAccessFile, decompressor: Decompressor, rows: Range<Int>?) throws(ParquetError) -> (
        leaf: DecodedLeaf, firstRow: Int
    ) {
        let column = descriptor.dottedPath
        let expectedLevels = Int(metadata.numValues)
        guard expectedLevels >= 0, expectedLevels <= Int(Int32.max) else {
            throw .corruptColumn(
                path: path, column: column, rowGroup: rowGroup, offset: nil,
                reason: "num_values \(metadata.numValues) is out of range")
        }
        if descriptor.maxRepetitionLevel == 0, expectedLevels != rowCount {
            throw .corruptColumn(
                path: path, column: column, rowGroup: rowGroup, offset: nil,
                reason: "the chunk holds \(expectedLevels) values but the row group has \(rowCount) rows")
        }
        if expectedLevels == 0 {
            return (
                DecodedLeaf(
                    definitionLevels: [], repetitionLevels: [], levelCount: 0, values: try emptyValues(column: column)),
                0
            )
        }
        var start = Int(metadata.dataPageOffset)
        if let dictionaryOffset = metadata.dictionaryPageOffset, dictionaryOffset >= 4, Int(dictionaryOffset) < start {
            start = Int(dictionaryOffset)
        }
        let length = Int(metadata.totalCompressedSize)
        guard start >= 4, length > 0, start <= file.size, length <= file.size - start else {
            throw .corruptColumn(
                path: path, column: column, rowGroup: rowGroup, offset: start,
                reason: "the chunk's byte range \(start)+\(length) lies outside the file (\(file.size) bytes)")
        }
        // Some writers understate total_compressed_size (old parquet-mr leaves the dictionary page
        // header out: good/nation.dict-malformed); read a little past it, within the file, so a
        // page may run over the declared end as it does for pyarrow.
        let readLength = min(file.size - start, length + Self.overrunSlack)
        let bytes: ContiguousArray<UInt8>
        do throws(StorageError) {
            bytes = try file.read(offset: start, count: readLength)
        } catch {
            throw .corruptColumn(path: path, column: column, rowGroup: rowGroup, offset: start, reason: error.description)
        }
        var walker: PageWalker?
        do throws(DecodeError) {
            let pages = try PageWalker(
                chunk: bytes, chunkFileOffset: start, codec: metadata.codec, descriptor: descriptor,
                expectedLevels: expectedLevels, maxLevels: maxLevels, decompressor: decompressor)
            walker = pages
            if descriptor.maxRepetitionLevel == 0 { pages.rowRange = rows }
            let values = try decodeValues(
                pages, capacity: expectedLevels, plausible: PageWalker.plausibleValueCount(chunkBytes: bytes.count))
            return (
                DecodedLeaf(
                    definitionLevels: pages.definitionLevels, repetitionLevels: pages.repetitionLevels,
                    levelCount: pages.levelsRead - pages.firstLevel, values: values),
                pages.firstLevel
            )
        } catch {
            switch error {
            case .unsupported(let feature):
                throw .unsupported(path: path, feature: "\(feature) in column '\(column)'")
            case .corrupt(let reason):
                throw .corruptColumn(
                    path: path, column: column, rowGroup: rowGroup, offset: walker?.fileOffset, reason: reason)
            }
        }
    }

    private func emptyValues(column: String) throws(ParquetError) -> Column {
        do {
            switch descriptor.physicalType {
            case .boolean: return .boolean(PrimitiveColumn(values: []))
            case .int32: return try convert(int32: [])
            case .int64: return try convert(int64: [])
            case .float: return .float32(PrimitiveColumn(values: []))
            case .double: return .float64(PrimitiveColumn(values: []))
            case .byteArray: return try convert(offsets: [0], bytes: [])
            case .fixedLenByteArray, .int96: return try convert(fixed: [], width: max(1, descriptor.typeLength))
            }
        } catch {
            throw .unsupported(path: path, feature: "\(error) in column '\(column)'")
        }
    }

    // MARK: - Decoding by physical type

    /// Decodes the values of every page.
    ///
    /// `capacity` is the footer's level count, an upper bound on the values; `plausible` is how many
    /// values the chunk's bytes make believable (``PageWalker/plausibleValueCount(chunkBytes:)``).
    /// Buffers are sized from `capacity` only up to `plausible`; beyond it they grow as pages prove
    /// they hold the values.
    private func decodeValues(_ pages: PageWalker, capacity: Int, plausible: Int) throws(DecodeError) -> Column {
        func fixed<T: BitwiseCopyable>(_ type: T.Type) throws(DecodeError) -> ContiguousArray<T> {
            try decodeFixedWidth(type, pages, capacity: capacity, plausible: plausible)
        }
        switch descriptor.physicalType {
        case .boolean: return .boolean(PrimitiveColumn(values: try fixed(Bool.self)))
        case .int32: return try convert(int32: fixed(Int32.self))
        case .int64: return try convert(int64: fixed(Int64.self))
        case .float: return .float32(PrimitiveColumn(values: try fixed(Float.self)))
        case .double: return .float64(PrimitiveColumn(values: try fixed(Double.self)))
        case .byteArray:
            let (offsets, bytes) = try decodeByteArrays(pages, capacity: capacity, plausible: plausible)
            return try convert(offsets: offsets, bytes: bytes)
        case .fixedLenByteArray:
            let width = descriptor.typeLength
            guard width > 0 else { throw .corrupt("FIXED_LEN_BYTE_ARRAY column with type_length \(width)") }
            return try convert(
                fixed: decodeFixedBytes(pages, width: width, capacity: capacity, plausible: plausible), width: width)
        case .int96:
            return try convert(
                fixed: decodeFixedBytes(pages, width: 12, capacity: capacity, plausible: plausible), width: 12)
        }
    }

    /// Decodes every page of a BOOLEAN, INT32, INT64, FLOAT or DOUBLE chunk into one buffer.
    ///
    /// When the footer's count is plausible (`capacity <= plausible`, nearly every real file) the
    /// buffer is allocated once and pages decode straight into it. Otherwise it starts at
    /// `plausible` values and doubles as pages need, each page proving first that its bytes hold the
    /// values it claims (``checkHolds(_:count:width:)``); the result is copied once at the end.
    private func decodeFixedWidth<T: BitwiseCopyable>(
        _ type: T.Type, _ pages: PageWalker, capacity: Int, plausible: Int
    ) throws(DecodeError) -> ContiguousArray<T> {
        var dictionary: ContiguousArray<T>?
        var indices = ContiguousArray<UInt32>()
        if capacity <= plausible {
            var failure: DecodeError?
            let values = ContiguousArray<T>(unsafeUninitializedCapacity: capacity) { buffer, initialized in
                var written = 0
                do throws(DecodeError) {
                    while let page = try pages.next() {
                        if page.isDictionary {
                            dictionary = try decodeDictionary(T.self, page)
                            continue
                        }
                        let count = page.valueCount
                        guard count <= capacity - written else { throw .corrupt("more values than the chunk declares") }
                        try decodePage(
                            page, count: count, dictionary: dictionary, indices: &indices,
                            into: buffer.baseAddress! + written)
                        written += count
                    }
                } catch {
                    failure = error
                }
                initialized = written
            }
            if let failure { throw failure }
            return values
        }
        var allocated = plausible
        var storage = UnsafeMutablePointer<T>.allocate(capacity: allocated)
        defer { storage.deallocate() }
        var written = 0
        while let page = try pages.next() {
            if page.isDictionary {
                dictionary = try decodeDictionary(T.self, page)
                continue
            }
            let count = page.valueCount
            guard count <= capacity - written else { throw .corrupt("more values than the chunk declares") }
            if count > allocated - written {
                try checkHolds(page, count: count, width: MemoryLayout<T>.size)
                let grown = min(capacity, max(written + count, allocated * 2))
                let larger = UnsafeMutablePointer<T>.allocate(capacity: grown)
                larger.moveInitialize(from: storage, count: written)
                storage.deallocate()
                storage = larger
                allocated = grown
            }
            try decodePage(page, count: count, dictionary: dictionary, indices: &indices, into: storage + written)
            written += count
        }
        return ContiguousArray(UnsafeBufferPointer(start: storage, count: written))
    }

    /// Decodes one data page's `count` values into `output`, by the page's encoding.
    private func decodePage<T: BitwiseCopyable>(
        _ page: WalkedPage, count: Int, dictionary: ContiguousArray<T>?, indices: inout ContiguousArray<UInt32>,
        into output: UnsafeMutablePointer<T>
    ) throws(DecodeError) {
        switch page.encoding {
        case .plain:
            try decodePlain(page.values, count: count, into: output)
        case .plainDictionary, .rleDictionary:
            guard let dictionary else { throw .corrupt("a dictionary-encoded page comes without a dictionary") }
            try gather(page, count: count, dictionary: dictionary, indices: &indices, into: output)
        case .deltaBinaryPacked where T.self == Int32.self || T.self == Int64.self:
            let decoded: Int
            if T.self == Int32.self {
                decoded = try UnsafeMutableRawPointer(output).withMemoryRebound(to: Int32.self, capacity: count) {
                    pointer throws(DecodeError) in
                    try DeltaBinaryPackedDecoder.decode(page.values, capacity: count, into: pointer).count
                }
            } else {
                decoded = try UnsafeMutableRawPointer(output).withMemoryRebound(to: Int64.self, capacity: count) {
                    pointer throws(DecodeError) in
                    try DeltaBinaryPackedDecoder.decode(page.values, capacity: count, into: pointer).count
                }
            }
            guard decoded == count else {
                throw .corrupt("a DELTA_BINARY_PACKED page holds \(decoded) values, expected \(count)")
            }
        case .byteStreamSplit where T.self != Bool.self:
            try ByteStreamSplitDecoder.decode(
                page.values, count: count, width: MemoryLayout<T>.size, into: UnsafeMutableRawPointer(output))
        case .rle where T.self == Bool.self:
            // RLE booleans keep a 4-byte length prefix, in v1 and v2 pages (parquet.md §14.2).
            guard page.values.count >= 4 else { throw .corrupt("an RLE boolean page is missing its length") }
            let length = Int(page.values.loadUnaligned(as: UInt32.self).littleEndian)
            guard length <= page.values.count - 4 else {
                throw .corrupt("an RLE boolean page says \(length) bytes but has \(page.values.count - 4)")
            }
            var decoder = try RLEBitPackedDecoder(
                UnsafeRawBufferPointer(rebasing: page.values[4..<(4 + length)]), bitWidth: 1)
            try UnsafeMutableRawPointer(output).withMemoryRebound(to: UInt8.self, capacity: count) {
                pointer throws(DecodeError) in
                try decoder.decode(count: count, into: pointer)
            }
        default:
            throw .unsupported("\(page.encoding.name) encoding for \(descriptor.physicalType) values")
        }
    }

    /// Checks, before room is made for them, that a page's value section holds `count` values of
    /// `width` bytes by its encoding's own structure: enough bytes for PLAIN and BYTE_STREAM_SPLIT,
    /// enough runs for RLE and dictionary indices, the stated count for DELTA_BINARY_PACKED. The
    /// decoders check the same in full; this only keeps a forged count from sizing an allocation.
    private func checkHolds(_ page: WalkedPage, count: Int, width: Int) throws(DecodeError) {
        let values = page.values
        let held: Int
        switch page.encoding {
        case .plain, .byteStreamSplit:
            held = descriptor.physicalType == .boolean ? values.count &* 8 : values.count / max(1, width)
        case .plainDictionary, .rleDictionary:
            guard values.count >= 1 else { throw .corrupt("dictionary-index data is empty; expected a bit-width byte") }
            held = try RLEBitPackedDecoder.countValues(
                UnsafeRawBufferPointer(rebasing: values[1...]), bitWidth: Int(values[0]), limit: count)
        case .rle:
            guard values.count >= 4 else { throw .corrupt("an RLE boolean page is missing its length") }
            held = try RLEBitPackedDecoder.countValues(
                UnsafeRawBufferPointer(rebasing: values[4...]), bitWidth: 1, limit: count)
        case .deltaBinaryPacked:
            held = try DeltaBinaryPackedDecoder.headerValueCount(values)
        default:
            return  // The decoder rejects the encoding before writing anything.
        }
        guard held >= count else {
            throw .corrupt("a \(page.encoding.name) page claims \(count) values but its data holds \(held)")
        }
    }

    private func decodePlain<T: BitwiseCopyable>(
        _ input: UnsafeRawBufferPointer, count: Int, into output: UnsafeMutablePointer<T>
    ) throws(DecodeError) {
        if T.self == Bool.self {
            try UnsafeMutableRawPointer(output).withMemoryRebound(to: Bool.self, capacity: count) {
                pointer throws(DecodeError) in
                _ = try PlainDecoder.decodeBooleans(input, count: count, into: pointer)
            }
        } else {
            _ = try PlainDecoder.decode(input, count: count, into: output)
        }
    }

    private func decodeDictionary<T: BitwiseCopyable>(_ type: T.Type, _ page: WalkedPage) throws(DecodeError)
        -> ContiguousArray<T>
    {
        let count = page.valueCount
        guard T.self == Bool.self || count <= page.values.count / MemoryLayout<T>.size else {
            throw .corrupt("the dictionary page claims \(count) values but holds \(page.values.count) bytes")
        }
        guard T.self != Bool.self || count <= page.values.count * 8 else {
            throw .corrupt("the dictionary page claims \(count) booleans but holds \(page.values.count) bytes")
        }
        var failure: DecodeError?
        let values = ContiguousArray<T>(unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(DecodeError) {
                if count > 0 { try decodePlain(page.values, count: count, into: buffer.baseAddress!) }
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return values
    }

    private func gather<T: BitwiseCopyable>(
        _ page: WalkedPage, count: Int, dictionary: ContiguousArray<T>, indices: inout ContiguousArray<UInt32>,
        into output: UnsafeMutablePointer<T>
    ) throws(DecodeError) {
        guard count > 0 else { return }
        try decodeIndices(page, count: count, dictionaryCount: dictionary.count, into: &indices)
        indices.withUnsafeBufferPointer { indexBuffer in
            dictionary.withUnsafeBufferPointer { entries in
                for index in 0..<count { output[index] = entries[Int(indexBuffer[index])] }
            }
        }
    }

    private func decodeIndices(
        _ page: WalkedPage, count: Int, dictionaryCount: Int, into indices: inout ContiguousArray<UInt32>
    ) throws(DecodeError) {
        if indices.count < count {
            // Room for `count` indices only once the runs are seen to hold them.
            try checkHolds(page, count: count, width: 4)
            indices = ContiguousArray(repeating: 0, count: count)
        }
        try indices.withUnsafeMutableBufferPointer { buffer throws(DecodeError) in
            try DictionaryIndexDecoder.decode(
                page.values, count: count, dictionaryCount: dictionaryCount, into: buffer.baseAddress!)
        }
    }

    /// Decodes every page of a BYTE_ARRAY chunk into offsets and bytes.
    private func decodeByteArrays(_ pages: PageWalker, capacity: Int, plausible: Int) throws(DecodeError) -> (
        ContiguousArray<Int32>, ContiguousArray<UInt8>
    ) {
        // Reservations from the footer's counts are capped by what the chunk's bytes make plausible;
        // the decoders append what pages really hold.
        var offsets = ContiguousArray<Int32>()
        offsets.reserveCapacity(min(capacity, plausible) + 1)
        offsets.append(0)
        var bytes = ContiguousArray<UInt8>()
        bytes.reserveCapacity(max(0, min(Int(metadata.totalUncompressedSize), plausible, 1 << 28)))
        var dictionaryOffsets = ContiguousArray<Int32>()
        var dictionaryBytes = ContiguousArray<UInt8>()
        var hasDictionary = false
        var indices = ContiguousArray<UInt32>()
        var written = 0
        while let page = try pages.next() {
            if page.isDictionary {
                guard page.valueCount <= page.values.count / 4 else {
                    throw .corrupt("the dictionary page claims \(page.valueCount) strings but holds \(page.values.count) bytes")
                }
                dictionaryOffsets = [0]
                dictionaryOffsets.reserveCapacity(page.valueCount + 1)
                dictionaryBytes = []
                _ = try PlainDecoder.decodeByteArrays(
                    page.values, count: page.valueCount, offsets: &dictionaryOffsets, bytes: &dictionaryBytes)
                hasDictionary = true
                continue
            }
            let count = page.valueCount
            guard count <= capacity - written else { throw .corrupt("more values than the chunk declares") }
            switch page.encoding {
            case .plain:
                _ = try PlainDecoder.decodeByteArrays(page.values, count: count, offsets: &offsets, bytes: &bytes)
            case .plainDictionary, .rleDictionary:
                guard hasDictionary else { throw .corrupt("a dictionary-encoded page comes without a dictionary") }
                guard count > 0 else { break }
                try decodeIndices(page, count: count, dictionaryCount: dictionaryOffsets.count - 1, into: &indices)
                try gatherByteArrays(
                    count: count, indices: indices, dictionaryOffsets: dictionaryOffsets,
                    dictionaryBytes: dictionaryBytes, offsets: &offsets, bytes: &bytes)
            case .deltaLengthByteArray:
                _ = try DeltaLengthByteArrayDecoder.decode(page.values, count: count, offsets: &offsets, bytes: &bytes)
            case .deltaByteArray:
                _ = try DeltaByteArrayDecoder.decode(page.values, count: count, offsets: &offsets, bytes: &bytes)
            default:
                throw .unsupported("\(page.encoding.name) encoding for BYTE_ARRAY values")
            }
            written += count
            guard offsets.count == written + 1 else {
                throw .corrupt("a page decoded to \(offsets.count - 1 - (written - count)) values, expected \(count)")
            }
        }
        return (offsets, bytes)
    }

    private func gatherByteArrays(
        count: Int, indices: ContiguousArray<UInt32>, dictionaryOffsets: ContiguousArray<Int32>,
        dictionaryBytes: ContiguousArray<UInt8>, offsets: inout ContiguousArray<Int32>,
        bytes: inout ContiguousArray<UInt8>
    ) throws(DecodeError) {
        // First the total size, so the bytes grow once and the 2 GiB offset limit is checked up front.
        var total = 0
        indices.withUnsafeBufferPointer { indexBuffer in
            dictionaryOffsets.withUnsafeBufferPointer { entryOffsets in
                for index in 0..<count {
                    let entry = Int(indexBuffer[index])
                    total &+= Int(entryOffsets[entry &+ 1] &- entryOffsets[entry])
                }
            }
        }
        guard bytes.count + total <= StringColumn.maxByteCount else {
            throw .unsupported("more than 2 GiB of string data in one column chunk")
        }
        let base = bytes.count
        let firstOffset = offsets.count
        bytes.append(contentsOf: repeatElement(0, count: total))
        offsets.append(contentsOf: repeatElement(0, count: count))
        // Both outputs are sized, so the loop writes through pointers: no per-value append (with
        // its uniqueness check) and no memmove call for the short strings dictionaries hold.
        bytes.withUnsafeMutableBufferPointer { output in
            offsets.withUnsafeMutableBufferPointer { offsetBuffer in
                indices.withUnsafeBufferPointer { indexBuffer in
                    dictionaryOffsets.withUnsafeBufferPointer { entryOffsets in
                        dictionaryBytes.withUnsafeBufferPointer { entryBytes in
                            let target = output.baseAddress.map { $0 + base }
                            let out = offsetBuffer.baseAddress! + firstOffset
                            if let target, Self.allOneByte(entryOffsets) {
                                // One-byte entries (flags such as TPC-H's l_returnflag): a lookup per value.
                                for index in 0..<count {
                                    target[index] = entryBytes[Int(indexBuffer[index])]
                                    out[index] = Int32(truncatingIfNeeded: base &+ index &+ 1)
                                }
                                return
                            }
                            var position = 0
                            for index in 0..<count {
                                let entry = Int(indexBuffer[index])
                                let start = Int(entryOffsets[entry])
                                let length = Int(entryOffsets[entry &+ 1]) &- start
                                if length > 16 {
                                    (target! + position).update(from: entryBytes.baseAddress! + start, count: length)
                                } else if length > 0 {
                                    let from = entryBytes.baseAddress! + start
                                    let to = target! + position
                                    var byte = 0
                                    while byte < length {
                                        to[byte] = from[byte]
                                        byte &+= 1
                                    }
                                }
                                position &+= length
                                out[index] = Int32(truncatingIfNeeded: base &+ position)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Whether every dictionary entry is exactly one byte long.
    private static func allOneByte(_ entryOffsets: UnsafeBufferPointer<Int32>) -> Bool {
        for entry in 0..<(entryOffsets.count - 1) where entryOffsets[entry &+ 1] &- entryOffsets[entry] != 1 { return false }
        return true
    }

    /// Decodes every page of a FIXED_LEN_BYTE_ARRAY (or INT96) chunk into `width`-byte values.
    private func decodeFixedBytes(_ pages: PageWalker, width: Int, capacity: Int, plausible: Int) throws(DecodeError)
        -> ContiguousArray<UInt8>
    {
        var bytes = ContiguousArray<UInt8>()
        var dictionary = ContiguousArray<UInt8>()
        var dictionaryCount = 0
        var hasDictionary = false
        var indices = ContiguousArray<UInt32>()
        var written = 0
        while let page = try pages.next() {
            if page.isDictionary {
                guard page.valueCount <= page.values.count / width else {
                    throw .corrupt("the dictionary page claims \(page.valueCount) values but holds \(page.values.count) bytes")
                }
                dictionary = []
                _ = try PlainDecoder.decodeFixed(page.values, count: page.valueCount, width: width, bytes: &dictionary)
                dictionaryCount = page.valueCount
                hasDictionary = true
                continue
            }
            let count = page.valueCount
            guard count <= capacity - written else { throw .corrupt("more values than the chunk declares") }
            if bytes.isEmpty { bytes.reserveCapacity(min(capacity, plausible) * min(width, 1 << 16)) }
            switch page.encoding {
            case .plain:
                _ = try PlainDecoder.decodeFixed(page.values, count: count, width: width, bytes: &bytes)
            case .plainDictionary, .rleDictionary:
                guard hasDictionary else { throw .corrupt("a dictionary-encoded page comes without a dictionary") }
                guard count > 0 else { break }
                try decodeIndices(page, count: count, dictionaryCount: dictionaryCount, into: &indices)
                let base = bytes.count
                bytes.append(contentsOf: repeatElement(0, count: count * width))
                bytes.withUnsafeMutableBufferPointer { output in
                    dictionary.withUnsafeBufferPointer { entries in
                        indices.withUnsafeBufferPointer { indexBuffer in
                            for index in 0..<count {
                                (output.baseAddress! + base + index * width).update(
                                    from: entries.baseAddress! + Int(indexBuffer[index]) * width, count: width)
                            }
                        }
                    }
                }
            case .deltaByteArray:
                _ = try DeltaByteArrayDecoder.decodeFixed(page.values, count: count, width: width, bytes: &bytes)
            case .byteStreamSplit:
                guard page.values.count == count * width else {
                    throw .corrupt(
                        "a BYTE_STREAM_SPLIT page of \(count) values holds \(page.values.count) bytes, not \(count * width)")
                }
                let base = bytes.count
                bytes.append(contentsOf: repeatElement(0, count: count * width))
                try bytes.withUnsafeMutableBufferPointer { output throws(DecodeError) in
                    try ByteStreamSplitDecoder.decode(
                        page.values, count: count, width: width, into: UnsafeMutableRawPointer(output.baseAddress! + base))
                }
            default:
                throw .unsupported("\(page.encoding.name) encoding for FIXED_LEN_BYTE_ARRAY values")
            }
            written += count
            guard bytes.count == written * width else { throw .corrupt("a page decoded to the wrong number of bytes") }
        }
        return bytes
    }
}
