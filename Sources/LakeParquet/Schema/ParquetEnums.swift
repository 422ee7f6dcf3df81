// Parquet's enums, with the wire values of parquet.thrift (apache/parquet-format).
// See ../shared/briefs/parquet.md §3 for the tables these follow.

/// The physical storage type of a leaf column (`Type` in parquet.thrift).
public enum PhysicalType: Int32, Sendable, Hashable, CaseIterable {
    case boolean = 0
    case int32 = 1
    case int64 = 2
    case int96 = 3
    case float = 4
    case double = 5
    case byteArray = 6
    case fixedLenByteArray = 7
}

/// Whether a schema node is required, optional or repeated (`FieldRepetitionType`).
public enum Repetition: Int32, Sendable, Hashable, CaseIterable {
    case required = 0
    case optional = 1
    case repeated = 2
}

/// How values in a page are encoded (`Encoding`). Unknown wire values are kept, not rejected,
/// because `ColumnMetaData.encodings` is informative only.
public enum Encoding: Sendable, Hashable {
    case plain
    case plainDictionary
    case rle
    case bitPacked
    case deltaBinaryPacked
    case deltaLengthByteArray
    case deltaByteArray
    case rleDictionary
    case byteStreamSplit
    /// A value this reader does not know (e.g. ALP, 10).
    case unknown(Int32)

    /// Creates the encoding for a wire value.
    public init(rawValue: Int32) {
        switch rawValue {
        case 0: self = .plain
        case 2: self = .plainDictionary
        case 3: self = .rle
        case 4: self = .bitPacked
        case 5: self = .deltaBinaryPacked
        case 6: self = .deltaLengthByteArray
        case 7: self = .deltaByteArray
        case 8: self = .rleDictionary
        case 9: self = .byteStreamSplit
        default: self = .unknown(rawValue)
        }
    }

    /// The wire value.
    public var rawValue: Int32 {
        switch self {
        case .plain: 0
        case .plainDictionary: 2
        case .rle: 3
        case .bitPacked: 4
        case .deltaBinaryPacked: 5
        case .deltaLengthByteArray: 6
        case .deltaByteArray: 7
        case .rleDictionary: 8
        case .byteStreamSplit: 9
        case .unknown(let value): value
        }
    }

    /// The spec's name, e.g. `RLE_DICTIONARY`.
    public var name: String {
        switch self {
        case .plain: "PLAIN"
        case .plainDictionary: "PLAIN_DICTIONARY"
        case .rle: "RLE"
        case .bitPacked: "BIT_PACKED"
        case .deltaBinaryPacked: "DELTA_BINARY_PACKED"
        case .deltaLengthByteArray: "DELTA_LENGTH_BYTE_ARRAY"
        case .deltaByteArray: "DELTA_BYTE_ARRAY"
        case .rleDictionary: "RLE_DICTIONARY"
        case .byteStreamSplit: "BYTE_STREAM_SPLIT"
        case .unknown(let value): "UNKNOWN(\(value))"
        }
    }
}

/// The codec of a column chunk (`CompressionCodec`). Unknown wire values are kept so the reader
/// can name them in an "unsupported" error.
public enum CompressionCodec: Sendable, Hashable {
    case uncompressed
    case snappy
    case gzip
    case lzo
    case brotli
    /// Deprecated `LZ4` (5): Hadoop-framed blocks, or a bare block from old parquet-cpp.
    case lz4
    case zstd
    /// `LZ4_RAW` (7): one bare LZ4 block.
    case lz4Raw
    case unknown(Int32)

    /// Creates the codec for a wire value.
    public init(rawValue: Int32) {
        switch rawValue {
        case 0: self = .uncompressed
        case 1: self = .snappy
        case 2: self = .gzip
        case 3: self = .lzo
        case 4: self = .brotli
        case 5: self = .lz4
        case 6: self = .zstd
        case 7: self = .lz4Raw
        default: self = .unknown(rawValue)
        }
    }

    /// The wire value.
    public var rawValue: Int32 {
        switch self {
        case .uncompressed: 0
        case .snappy: 1
        case .gzip: 2
        case .lzo: 3
        case .brotli: 4
        case .lz4: 5
        case .zstd: 6
        case .lz4Raw: 7
        case .unknown(let value): value
        }
    }

    /// The spec's name, e.g. `ZSTD`.
    public var name: String {
        switch self {
        case .uncompressed: "UNCOMPRESSED"
        case .snappy: "SNAPPY"
        case .gzip: "GZIP"
        case .lzo: "LZO"
        case .brotli: "BROTLI"
        case .lz4: "LZ4"
        case .zstd: "ZSTD"
        case .lz4Raw: "LZ4_RAW"
        case .unknown(let value): "UNKNOWN(\(value))"
        }
    }
}

/// The kind of a page (`PageType`).
public enum PageType: Sendable, Hashable {
    case dataPage
    case indexPage
    case dictionaryPage
    case dataPageV2
    case unknown(Int32)

    /// Creates the page type for a wire value.
    public init(rawValue: Int32) {
        switch rawValue {
        case 0: self = .dataPage
        case 1: self = .indexPage
        case 2: self = .dictionaryPage
        case 3: self = .dataPageV2
        default: self = .unknown(rawValue)
        }
    }

    /// The wire value.
    public var rawValue: Int32 {
        switch self {
        case .dataPage: 0
        case .indexPage: 1
        case .dictionaryPage: 2
        case .dataPageV2: 3
        case .unknown(let value): value
        }
    }

    /// The spec's name, e.g. `DATA_PAGE_V2`.
    public var name: String {
        switch self {
        case .dataPage: "DATA_PAGE"
        case .indexPage: "INDEX_PAGE"
        case .dictionaryPage: "DICTIONARY_PAGE"
        case .dataPageV2: "DATA_PAGE_V2"
        case .unknown(let value): "UNKNOWN(\(value))"
        }
    }
}
