/// A block codec: how one Parquet page body (or any other block) is compressed.
///
/// The cases map one-to-one to Parquet's `CompressionCodec` values that `lake` reads
/// (parquet.md §7); the mapping from the Thrift enum lives in LakeParquet.
public enum Codec: String, Sendable, Hashable, CaseIterable {
    /// No compression (Parquet `UNCOMPRESSED`, 0): the block is the data.
    case none
    /// One raw snappy block (Parquet `SNAPPY`, 1), not the framed stream format.
    case snappy
    /// One or more concatenated RFC 1952 gzip members (Parquet `GZIP`, 2).
    case gzip
    /// Parquet's deprecated `LZ4` (5): Hadoop-framed LZ4 blocks, or a bare LZ4 block from old parquet-cpp.
    case lz4Hadoop
    /// One raw LZ4 block with no frame and no prefix (Parquet `LZ4_RAW`, 7).
    case lz4Raw
    /// One or more zstd frames (Parquet `ZSTD`, 6).
    case zstd

    /// The codec's name as Parquet spells it, lowercased, for messages: `uncompressed`, `lz4_raw`, ...
    public var name: String {
        switch self {
        case .none: "uncompressed"
        case .snappy: "snappy"
        case .gzip: "gzip"
        case .lz4Hadoop: "lz4"
        case .lz4Raw: "lz4_raw"
        case .zstd: "zstd"
        }
    }

    /// The most bytes `compressedSize` bytes of this codec can inflate to, by the format's own limits.
    ///
    /// Readers compare a page header's uncompressed size with this before allocating the output, so
    /// a forged size cannot make them allocate more than a fixed multiple of the bytes they hold
    /// (SPEC.md §4.5). The bounds are the formats' best cases plus a little slack: snappy copies 64
    /// bytes for 3, LZ4 adds 255 bytes per extra length byte, deflate 258 bytes per 2 bits, and a
    /// zstd RLE block 128 KiB for 4 bytes.
    public func maximumDecompressedSize(compressedSize: Int) -> Int {
        let ratio: Int
        switch self {
        case .none: return compressedSize
        case .snappy: ratio = 22
        case .lz4Hadoop, .lz4Raw: ratio = 256
        case .gzip: ratio = 1_032
        case .zstd: ratio = 32_768
        }
        let (product, overflow) = max(0, compressedSize).multipliedReportingOverflow(by: ratio)
        return overflow ? .max : product &+ 64
    }
}
