import Foundation
import LakeCompression
import LakeTestSupport
import Testing

/// A compressed page body in a file of the shared Parquet conformance corpus.
///
/// Offsets and sizes were read with `tools/pqinspect.py` (page header + header length; for
/// DATA_PAGE_V2 the level bytes are skipped, as they are never compressed).
struct ConformancePage: Sendable, CustomTestStringConvertible {
    /// The file name under `parquet/good/`.
    let file: String
    /// The column chunk's codec.
    let codec: Codec
    /// The byte offset of the compressed body.
    let offset: Int
    /// The compressed body's size.
    let compressed: Int
    /// The size it inflates to.
    let uncompressed: Int

    init(_ file: String, _ codec: Codec, offset: Int, compressed: Int, uncompressed: Int) {
        self.file = file
        self.codec = codec
        self.offset = offset
        self.compressed = compressed
        self.uncompressed = uncompressed
    }

    var testDescription: String { "\(file) @\(offset) (\(codec.name))" }
}

@Suite("Pages from other writers")
struct ConformancePageTests {
    static let pages = [
        ConformancePage("concatenated_gzip_members.parquet", .gzip, offset: 55, compressed: 1416, uncompressed: 4104),
        ConformancePage("rle_boolean_encoding.parquet", .gzip, offset: 40, compressed: 33, uncompressed: 13),
        ConformancePage(
            "data_index_bloom_encoding_stats.parquet", .gzip, offset: 29, compressed: 127, uncompressed: 138),
        ConformancePage("incorrect_map_schema.parquet", .gzip, offset: 96, compressed: 49, uncompressed: 34),
        ConformancePage("hadoop_lz4_compressed.parquet", .lz4Hadoop, offset: 17, compressed: 26, uncompressed: 16),
        ConformancePage("hadoop_lz4_compressed.parquet", .lz4Hadoop, offset: 104, compressed: 12, uncompressed: 3),
        ConformancePage("hadoop_lz4_compressed.parquet", .lz4Hadoop, offset: 208, compressed: 30, uncompressed: 24),
        ConformancePage("non_hadoop_lz4_compressed.parquet", .lz4Hadoop, offset: 18, compressed: 18, uncompressed: 16),
        ConformancePage("non_hadoop_lz4_compressed.parquet", .lz4Hadoop, offset: 97, compressed: 10, uncompressed: 9),
        ConformancePage("non_hadoop_lz4_compressed.parquet", .lz4Hadoop, offset: 347, compressed: 22, uncompressed: 24),
        ConformancePage("lz4_raw_compressed.parquet", .lz4Raw, offset: 65, compressed: 24, uncompressed: 32),
        ConformancePage("lz4_raw_compressed.parquet", .lz4Raw, offset: 341, compressed: 34, uncompressed: 38),
        ConformancePage("page_v2_empty_compressed.parquet", .zstd, offset: 18, compressed: 9, uncompressed: 0),
        ConformancePage("page_v2_empty_compressed.parquet", .zstd, offset: 55, compressed: 10, uncompressed: 1),
        ConformancePage("byte_stream_split.zstd.parquet", .zstd, offset: 1294, compressed: 2219, uncompressed: 2407),
        ConformancePage("delta_length_byte_array.parquet", .zstd, offset: 40, compressed: 2589, uncompressed: 23711),
        ConformancePage("datapage_v2.snappy.parquet", .snappy, offset: 129, compressed: 24, uncompressed: 32),
        ConformancePage("alltypes_plain.snappy.parquet", .snappy, offset: 44, compressed: 11, uncompressed: 9),
    ]

    @Test("decompresses into exactly the page header's size, and not one byte more or less", arguments: pages)
    func page(_ page: ConformancePage) throws {
        let path = TestPaths.conformance + "/parquet/good/" + page.file
        let file = try #require(FileManager.default.contents(atPath: path), "missing \(path)")
        try #require(page.offset + page.compressed <= file.count)
        let body = [UInt8](file[page.offset..<page.offset + page.compressed])
        let output = try TestData.decompress(page.codec, body, count: page.uncompressed)
        #expect(output.count == page.uncompressed)
        TestData.expectCorrupt("one byte over") {
            _ = try TestData.decompress(page.codec, body, count: page.uncompressed + 1)
        }
        if page.uncompressed > 0 {
            TestData.expectCorrupt("one byte short") {
                _ = try TestData.decompress(page.codec, body, count: page.uncompressed - 1)
            }
        }
    }

    @Test("the gzip page really holds two members, and a Hadoop page really is framed")
    func framingIsWhatTheCorpusSays() throws {
        let gzip = try #require(
            FileManager.default.contents(
                atPath: TestPaths.conformance
                    + "/parquet/good/concatenated_gzip_members.parquet"))
        let body = [UInt8](gzip[55..<55 + 1416])
        let magics = (0..<body.count - 2).filter { body[$0] == 0x1F && body[$0 + 1] == 0x8B && body[$0 + 2] == 8 }
        #expect(magics.count >= 2)
        let hadoop = try #require(
            FileManager.default.contents(
                atPath: TestPaths.conformance
                    + "/parquet/good/hadoop_lz4_compressed.parquet"))
        #expect([UInt8](hadoop[17..<21]) == TestData.bigEndian(16))
    }
}
