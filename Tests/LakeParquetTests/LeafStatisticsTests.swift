import LakeColumnar
import LakeTestSupport
import Testing

@testable import LakeParquet

/// Statistics of `values` (dense) in one batch.
private func statistics(_ type: DataType, _ values: [ScalarValue], nullCount: Int = 0) -> LeafStatistics {
    var accumulator = LeafStatisticsAccumulator(dataType: type)
    accumulator.append(ColumnFixtures.column(type, values), nullCount: nullCount)
    return widened(accumulator.statistics)
}

/// The statistics with FLOAT bounds widened to `.float`, the form these tests write values in.
private func widened(_ statistics: LeafStatistics) -> LeafStatistics {
    var result = statistics
    if case .float32(let value) = result.min { result.min = .float(Double(value)) }
    if case .float32(let value) = result.max { result.max = .float(Double(value)) }
    return result
}

/// The PLAIN bytes of a little-endian fixed-width value, the slow obvious way.
private func plain<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}

/// The reference order: numbers numerically, strings and binaries by unsigned bytes.
private func referenceLess(_ a: ScalarValue, _ b: ScalarValue) -> Bool {
    switch (a, b) {
    case (.integer(let x), .integer(let y)): x < y
    case (.float(let x), .float(let y)): x < y
    case (.decimal(let x, _), .decimal(let y, _)): x < y
    case (.date(let x), .date(let y)): x < y
    case (.timestamp(let x), .timestamp(let y)): x < y
    case (.boolean(let x), .boolean(let y)): !x && y
    case (.string(let x), .string(let y)): Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
    case (.binary(let x), .binary(let y)): x.lexicographicallyPrecedes(y)
    default: false
    }
}

/// The reference physical PLAIN bytes of a lake value of `type`.
private func referenceBytes(_ value: ScalarValue, _ type: DataType) -> [UInt8] {
    switch (value, type) {
    case (.boolean(let v), _): [v ? 1 : 0]
    case (.integer(let v), .int64): plain(v)
    case (.integer(let v), _): plain(Int32(v))
    case (.float(let v), .float32): plain(Float(v).bitPattern)
    case (.float(let v), _): plain(v.bitPattern)
    case (.date(let v), _): plain(v)
    case (.timestamp(let v), _): plain(v)
    case (.decimal(let v, _), .decimal(let precision, _)):
        if precision <= 9 {
            plain(Int32(v))
        } else if precision <= 18 {
            plain(Int64(v))
        } else {
            Array(plain(v).reversed().suffix(LeafStatistics.decimalByteWidth(precision: precision)))
        }
    case (.string(let v), _): Array(v.utf8)
    case (.binary(let v), _): v
    default: []
    }
}

/// Random non-null values of `type`, floats including NaN, ±0 and ±infinity.
private func randomValues(_ type: DataType, count: Int, using rng: inout TestRandom) -> [ScalarValue] {
    (0..<count).map { _ in
        switch type {
        case .boolean: return .boolean(Int.random(in: 0..<8, using: &rng) == 0)
        case .int8: return .integer(Int64(Int8.random(in: .min ... .max, using: &rng)))
        case .int32: return .integer(Int64(Int32.random(in: .min ... .max, using: &rng)))
        case .int64: return .integer(Int64.random(in: .min ... .max, using: &rng))
        case .float32, .float64:
            let specials: [Double] = [.nan, 0, -0.0, .infinity, -.infinity]
            if Int.random(in: 0..<4, using: &rng) == 0 { return .float(specials.randomElement(using: &rng)!) }
            let value = Double.random(in: -1e6...1e6, using: &rng)
            return .float(type == .float32 ? Double(Float(value)) : value)
        case .date: return .date(Int32.random(in: -1_000_000...1_000_000, using: &rng))
        case .timestamp: return .timestamp(Int64.random(in: .min ... .max, using: &rng))
        case .decimal(let precision, let scale):
            let bound = precision <= 9 ? Int128(999_999_999) : precision <= 18 ? Int128(Int64.max) : Int128.max / 4
            return .decimal(Int128.random(in: -bound...bound, using: &rng), scale: scale)
        case .string:
            let alphabet = ["a", "b", "z", "é", "ÿ", "中", "😀", "\u{7F}", ""]
            return .string(
                (0..<Int.random(in: 0...3, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined())
        case .binary:
            return .binary((0..<Int.random(in: 0...3, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        default: return .null
        }
    }
}

@Suite("Leaf statistics")
struct LeafStatisticsTests {
    static let types: [DataType] = [
        .boolean, .int8, .int32, .int64, .float32, .float64, .date, .timestamp, .decimal(precision: 9, scale: 2),
        .decimal(precision: 18, scale: 0), .decimal(precision: 38, scale: 4), .decimal(precision: 20, scale: 1),
        .string, .binary,
    ]

    @Test(
        "match a scalar reference, in one batch and merged from several",
        arguments: types, [0, 1, 63, 64, 65, 2048, 2049])
    func matchesReference(type: DataType, count: Int) throws {
        var rng = TestRandom(state: UInt64(count) &* 31 &+ UInt64(type.description.utf8.count))
        let values = randomValues(type, count: count, using: &rng)
        let nullCount = count / 3

        let isFloat = type == .float32 || type == .float64
        let comparable = values.filter { if case .float(let v) = $0 { !v.isNaN } else { true } }
        var expected = LeafStatistics(nullCount: nullCount, nanCount: isFloat ? values.count - comparable.count : nil)
        if var min = comparable.min(by: referenceLess), var max = comparable.max(by: referenceLess) {
            if case .float(0) = min { min = .float(-0.0) }
            if case .float(0) = max { max = .float(0.0) }
            expected.min = min
            expected.max = max
            expected.minBytes = referenceBytes(min, type)
            expected.maxBytes = referenceBytes(max, type)
        }

        let whole = statistics(type, values, nullCount: nullCount)
        #expect(whole == expected)

        // The same values in uneven batches: appended to one accumulator, merged accumulators,
        // and merged finished statistics must all agree.
        var appended = LeafStatisticsAccumulator(dataType: type)
        var merged = LeafStatisticsAccumulator(dataType: type)
        var mergedStatistics = LeafStatistics()
        var start = 0
        var batch = 0
        while start < count || batch == 0 {
            let end = min(count, start + [1, 7, 64, 500][batch % 4])
            let part = Array(values[start..<end])
            let column = ColumnFixtures.column(type, part)
            let nulls = batch == 0 ? nullCount : 0
            appended.append(column, nullCount: nulls)
            var single = LeafStatisticsAccumulator(dataType: type)
            single.append(column, nullCount: nulls)
            merged.merge(single)
            mergedStatistics.merge(widened(single.statistics))
            start = end
            batch += 1
        }
        #expect(widened(appended.statistics) == expected)
        #expect(widened(merged.statistics) == expected)
        #expect(mergedStatistics.min == expected.min && mergedStatistics.max == expected.max)
        #expect(mergedStatistics.minBytes == expected.minBytes && mergedStatistics.maxBytes == expected.maxBytes)
        #expect(mergedStatistics.nullCount == nullCount)
        if isFloat { #expect(mergedStatistics.nanCount == expected.nanCount) }
        // A float's zero bounds carry their sign (Equatable cannot see it).
        if case .float(let min) = whole.min, min == 0 { #expect(min.sign == .minus) }
        if case .float(let max) = whole.max, max == 0 { #expect(max.sign == .plus) }
    }

    @Test("floats: NaN excluded and counted, zeros signed, all-NaN has no bounds")
    func floatSpecialValues() {
        let nans = statistics(.float64, [.float(.nan), .float(.nan)], nullCount: 1)
        #expect(nans == LeafStatistics(nullCount: 1, nanCount: 2))

        let zeros = statistics(.float64, [.float(0.0), .float(-0.0), .float(0.0)])
        #expect(zeros.minBytes == plain((-0.0 as Double).bitPattern))
        #expect(zeros.maxBytes == plain((0.0 as Double).bitPattern))

        let negativeZeroOnly = statistics(.float32, [.float(-0.0)])
        #expect(negativeZeroOnly.minBytes == [0, 0, 0, 0x80])
        #expect(negativeZeroOnly.maxBytes == [0, 0, 0, 0])

        let mixed = statistics(.float64, [.float(.nan), .float(.infinity), .float(-.infinity), .float(1)])
        #expect(mixed.min == .float(-.infinity) && mixed.max == .float(.infinity) && mixed.nanCount == 1)

        let positive = statistics(.float32, [.float(2.5), .float(0)])
        #expect(positive.minBytes == plain((-0.0 as Float).bitPattern) && positive.max == .float(2.5))
    }

    @Test("no values: only counts")
    func emptyAndAllNull() {
        var empty = LeafStatisticsAccumulator(dataType: .string)
        #expect(empty.statistics == LeafStatistics())
        empty.appendNulls(4)
        empty.append(.string(StringColumn([String?]())), nullCount: 3)
        #expect(empty.statistics == LeafStatistics(nullCount: 7))
        #expect(statistics(.float32, [], nullCount: 2) == LeafStatistics(nullCount: 2, nanCount: 0))
    }

    @Test("strings compare as unsigned bytes (UTF-8 above 0x7F sorts last), prefixes first")
    func unicodeStrings() {
        let stats = statistics(.string, ["é", "z", "中", "a", "ab", "", "ÿ"].map { .string($0) })
        #expect(stats.min == .string("") && stats.minBytes == [])
        #expect(stats.max == .string("中") && stats.maxBytes == [0xE4, 0xB8, 0xAD])
        let prefix = statistics(.binary, [.binary([0x80]), .binary([0x80, 0]), .binary([0x7F, 0xFF])])
        #expect(prefix.minBytes == [0x7F, 0xFF] && prefix.maxBytes == [0x80, 0])
        // Ties in the first 8 bytes, trailing zero bytes, and values at the buffer's end.
        let ties = statistics(
            .binary,
            [[0x61, 0], [0x61, 0, 0, 0, 0, 0, 0, 0, 1], [0x61], [0x61, 0, 0, 0, 0, 0, 0, 0], [0x61, 0, 0]].map {
                .binary($0)
            })
        #expect(ties.minBytes == [0x61] && ties.maxBytes == [0x61, 0, 0, 0, 0, 0, 0, 0, 1])
        let long = statistics(.string, ["abcdefghY", "abcdefghX", "abcdefghXa", "abcdefgh"].map { .string($0) })
        #expect(long.min == .string("abcdefgh") && long.max == .string("abcdefghY"))
    }

    @Test("decimal128 compares signed and encodes big-endian two's complement")
    func negativeDecimal128() {
        let values: [ScalarValue] = [
            .decimal(-5, scale: 2), .decimal(-(Int128(1) << 70), scale: 2), .decimal(3, scale: 2),
        ]
        let stats = statistics(.decimal(precision: 38, scale: 2), values)
        #expect(stats.min == .decimal(-(Int128(1) << 70), scale: 2) && stats.max == .decimal(3, scale: 2))
        // -2^70 in 16 bytes: FF…FF C0 00 … 00 (bit 70 is bit 6 of byte 7 from the end).
        #expect(stats.minBytes == [UInt8](repeating: 0xFF, count: 7) + [0xC0] + [UInt8](repeating: 0, count: 8))
        #expect(stats.maxBytes == [UInt8](repeating: 0, count: 15) + [3])
        let narrow = statistics(.decimal(precision: 19, scale: 0), [.decimal(-1, scale: 0), .decimal(256, scale: 0)])
        #expect(narrow.minBytes == [UInt8](repeating: 0xFF, count: 9))
        #expect(narrow.maxBytes == [0, 0, 0, 0, 0, 0, 0, 1, 0])
    }

    @Test("PLAIN bytes of one value of each type, by hand")
    func byteEncodings() {
        let cases: [(DataType, ScalarValue, [UInt8])] = [
            (.boolean, .boolean(true), [1]),
            (.boolean, .boolean(false), [0]),
            (.int8, .integer(-2), [0xFE, 0xFF, 0xFF, 0xFF]),
            (.int16, .integer(300), [0x2C, 0x01, 0, 0]),
            (.int32, .integer(-1), [0xFF, 0xFF, 0xFF, 0xFF]),
            (.int64, .integer(1), [1, 0, 0, 0, 0, 0, 0, 0]),
            (.float32, .float(1.5), [0, 0, 0xC0, 0x3F]),
            (.float64, .float(-2), [0, 0, 0, 0, 0, 0, 0, 0xC0]),
            (.date, .date(19000), [0x38, 0x4A, 0, 0]),
            (.timestamp, .timestamp(1_000_000), [0x40, 0x42, 0x0F, 0, 0, 0, 0, 0]),
            (.timestampNTZ, .timestampNTZ(-1), [UInt8](repeating: 0xFF, count: 8)),
            (.time, .time(256), [0, 1, 0, 0, 0, 0, 0, 0]),
            (.decimal(precision: 9, scale: 2), .decimal(-12345, scale: 2), [0xC7, 0xCF, 0xFF, 0xFF]),
            (.decimal(precision: 18, scale: 2), .decimal(1, scale: 2), [1, 0, 0, 0, 0, 0, 0, 0]),
            (.decimal(precision: 25, scale: 0), .decimal(-2, scale: 0), [UInt8](repeating: 0xFF, count: 10) + [0xFE]),
            (.string, .string("é"), [0xC3, 0xA9]),
            (.binary, .binary([0, 0xFF]), [0, 0xFF]),
        ]
        for (type, value, bytes) in cases {
            let stats = statistics(type, [value])
            #expect(stats.min == value && stats.max == value, "\(type)")
            #expect(stats.minBytes == bytes && stats.maxBytes == bytes, "\(type)")
        }
    }

    @Test("decimal byte widths follow 10^p - 1 < 2^(8n - 1)")
    func decimalWidths() {
        let expected = [
            1, 1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6, 6, 6, 7, 7, 8, 8, 9, 9, 9, 10, 10, 11, 11, 11, 12, 12, 13, 13, 13, 14,
            14,
            15, 15, 16, 16, 16,
        ]
        #expect((1...38).map { LeafStatistics.decimalByteWidth(precision: $0) } == expected)
    }
}

@Suite("Leaf statistics speed")
struct LeafStatisticsSpeedTests {
    /// Release-build timing; run with `LAKE_BENCH=1 swift test -c release --filter speed`.
    @Test("speed (only with LAKE_BENCH=1)", .enabled(if: WriterBenchmarkTiming.benchmarksEnabled))
    func speed() {
        var rng = TestRandom(state: 3)
        let count = 1_000_000
        let columns: [(String, Column)] = [
            (
                "Int64",
                .int64(
                    PrimitiveColumn(
                        values: ContiguousArray((0..<count).map { _ in Int64.random(in: .min ... .max, using: &rng) })))
            ),
            (
                "Double",
                .float64(
                    PrimitiveColumn(
                        values: ContiguousArray((0..<count).map { _ in Double.random(in: -1...1, using: &rng) })))
            ),
            (
                "short strings",
                .string(StringColumn((0..<count).map { _ in "user_\(Int.random(in: 0..<100_000, using: &rng))" }))
            ),
        ]
        for (name, column) in columns {
            var statistics = LeafStatistics()
            let time = WriterBenchmarkTiming.bestNanoseconds {
                var accumulator = LeafStatisticsAccumulator(dataType: column.dataType)
                accumulator.append(column, nullCount: 0)
                statistics = accumulator.statistics
            }
            #expect(statistics.min != nil)
            print("LeafStatisticsAccumulator \(name): \(time / Double(count)) ns/value")
        }
    }
}
