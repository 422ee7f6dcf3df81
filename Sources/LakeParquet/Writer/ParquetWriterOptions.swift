/// How ``ParquetFileWriter`` lays out a file (SPEC.md §5 gives the defaults and why).
public struct ParquetWriterOptions: Sendable {
    /// The codec of every column chunk. Never the deprecated `.lz4` (write `.lz4Raw`).
    public var compression: CompressionCodec = .zstd
    /// The codec's level (zstd 1…22, gzip 1…9); `nil` for the codec's default (zstd 3, gzip 6).
    public var compressionLevel: Int?
    /// Data page format: 1 (most compatible) or 2.
    public var dataPageVersion: Int = 1
    /// A page is cut once its encoded values reach about this many bytes.
    public var targetPageBytes: Int = 1 << 20
    /// …or once it holds this many rows.
    public var maxPageRows: Int = 20_000
    /// A row group is cut once its uncompressed data reaches about this many bytes.
    public var targetRowGroupBytes: Int = 128 << 20
    /// …or once it holds this many rows. 128 Ki rows (DuckDB writes 122,880): a point lookup
    /// skipped to one row group decodes an eighth of what 1 Mi rows would, and scans get more
    /// parallel units, for about 4–9% more bytes than 1 Mi-row groups (SPEC.md §5).
    public var maxRowGroupRows: Int = 1 << 17
    /// Whether to dictionary-encode columns (all types but BOOLEAN).
    public var useDictionary: Bool = true
    /// A column chunk falls back to PLAIN once its dictionary's PLAIN size passes this.
    public var maxDictionaryBytes: Int = 1 << 20
    /// Key/value metadata written into the footer.
    public var keyValueMetadata: [(key: String, value: String)] = []
    /// Threads used to encode and compress the columns of a row group in parallel.
    public var threads: Int = 1
    /// Whether ``ParquetFileWriter/close()`` forces the file to stable storage (`fsync`) before
    /// returning: table writers need it so a commit never names a file a crash could lose.
    public var syncOnClose: Bool = false
    /// The writer name in the footer's `created_by`.
    public var createdBy: String = "lake version 0.1.0"

    /// The default options.
    public init() {}
}
