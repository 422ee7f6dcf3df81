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
}
