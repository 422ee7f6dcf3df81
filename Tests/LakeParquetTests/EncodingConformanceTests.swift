import LakeIO
import LakeParquet
import LakeTestSupport
import Testing

/// Real pages from the conformance corpus, sliced out of the files by offset (the page headers were
/// walked once with `tools/pqinspect.py`; the file reader is not needed). Both files are
/// UNCOMPRESSED v2 pages with 3 bytes of uncompressed definition levels before the values.
@Suite("Encodings on real pages")
struct EncodingConformanceTests {
    static let good = TestPaths.conformance + "/parquet/good/"

    /// (page body offset, body size) of each column of `delta_binary_packed.parquet`: bitwidth0…64
    /// (INT64), then int_value (INT32).
    static let deltaBinaryPackedPages: [(offset: Int, size: Int)] = [
        (71, 28),
        (166, 47),
        (282, 75),
        (426, 103),
        (598, 131),
        (798, 159),
        (1026, 187),
        (1282, 215),
        (1566, 245),
        (1880, 273),
        (2222, 301),
        (2592, 329),
        (2990, 357),
        (3416, 385),
        (3870, 413),
        (4352, 443),
        (4864, 471),
        (5404, 499),
        (5972, 527),
        (6568, 555),
        (7192, 583),
        (7844, 611),
        (8524, 641),
        (9234, 669),
        (9972, 697),
        (10738, 725),
        (11532, 753),
        (12354, 781),
        (13204, 809),
        (14082, 839),
        (14990, 867),
        (15926, 895),
        (16890, 923),
        (17882, 951),
        (18902, 979),
        (19950, 1007),
        (21026, 1037),
        (22132, 1065),
        (23266, 1093),
        (24428, 1121),
        (25618, 1149),
        (26836, 1177),
        (28082, 1205),
        (29356, 1235),
        (30660, 1263),
        (31992, 1291),
        (33352, 1319),
        (34740, 1347),
        (36156, 1375),
        (37600, 1403),
        (39072, 1433),
        (40574, 1461),
        (42104, 1489),
        (43662, 1517),
        (45248, 1545),
        (46862, 1573),
        (48504, 1601),
        (50174, 1631),
        (51874, 1659),
        (53602, 1687),
        (55358, 1715),
        (57142, 1743),
        (58954, 1771),
        (60794, 1799),
        (62662, 1829),
        (64544, 927),
    ]

    /// Splits a CSV line on commas, dropping surrounding quotes (the expectation files quote only
    /// whole fields and contain no embedded commas).
    static func fields(_ line: Substring) -> [String] {
        line.split(separator: ",", omittingEmptySubsequences: false).map {
            String($0).trimmingQuotes()
        }
    }

    static func readLines(_ path: String) throws -> [Substring] {
        let bytes = try RandomAccessFile(path: path).readAll()
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n")
    }

    @Test("delta_binary_packed.parquet: every column matches delta_binary_packed_expect.csv")
    func deltaBinaryPacked() throws {
        let file = try RandomAccessFile(path: Self.good + "delta_binary_packed.parquet").readAll()
        let lines = try Self.readLines(Self.good + "delta_binary_packed_expect.csv")
        let header = Self.fields(lines[0])
        let rows = lines.dropFirst().map(Self.fields)
        #expect(header.count == 66 && rows.count == 200)
        for (column, page) in Self.deltaBinaryPackedPages.enumerated() {
            let body = Array(file[page.offset..<(page.offset + page.size)])
            // Definition levels: all 200 values present (max level 1).
            let levels = try fastHybrid(Array(body.prefix(3)), width: 1, count: 200, as: UInt8.self)
            #expect(levels == Array(repeating: 1, count: 200))
            let values = Array(body.dropFirst(3))
            let expected = rows.map { $0[column] }
            if column < 65 {
                let decoded = try fastDelta(values, capacity: 200, as: Int64.self)
                #expect(decoded.values.map { String($0) } == expected, "column \(header[column])")
                #expect(decoded.consumed == values.count, "column \(header[column]) must end exactly at the page end")
            } else {
                let decoded = try fastDelta(values, capacity: 200, as: Int32.self)
                #expect(decoded.values.map { String($0) } == expected, "column \(header[column])")
                #expect(decoded.consumed == values.count)
            }
        }
    }

    @Test("delta_byte_array.parquet: c_customer_id matches delta_byte_array_expect.csv")
    func deltaByteArray() throws {
        let file = try RandomAccessFile(path: Self.good + "delta_byte_array.parquet").readAll()
        let lines = try Self.readLines(Self.good + "delta_byte_array_expect.csv")
        let expected = lines.dropFirst().map { Self.fields($0)[0] }
        #expect(expected.count == 1000)
        // Page body at 69, 8183 bytes; 3 bytes of definition levels, then the values.
        let values = Array(file[72..<(69 + 8183)])
        var offsets: ContiguousArray<Int32> = [0]
        var bytes = ContiguousArray<UInt8>()
        let consumed = try withBytes(values) {
            try DeltaByteArrayDecoder.decode($0, count: 1000, offsets: &offsets, bytes: &bytes)
        }
        #expect(consumed == values.count)
        let decoded = (0..<1000).map { String(decoding: bytes[Int(offsets[$0])..<Int(offsets[$0 + 1])], as: UTF8.self) }
        #expect(decoded == expected)
        // c_login is all null: its 10-byte value section holds two empty delta headers.
        let login = Array(file[(36012 + 3)..<(36012 + 13)])
        var loginOffsets: ContiguousArray<Int32> = [0]
        let loginConsumed = try withBytes(login) {
            try DeltaByteArrayDecoder.decode($0, count: 0, offsets: &loginOffsets, bytes: &bytes)
        }
        #expect(loginConsumed == 10 && loginOffsets == [0])
    }
}

extension String {
    fileprivate func trimmingQuotes() -> String {
        hasPrefix("\"") && hasSuffix("\"") && count >= 2 ? String(dropFirst().dropLast()) : self
    }
}
