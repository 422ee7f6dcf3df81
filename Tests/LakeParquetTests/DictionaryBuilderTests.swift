import LakeColumnar
import LakeTestSupport
import Testing

@testable import LakeParquet

/// A value's identity for the reference: its bit pattern or bytes.
private func identity(_ column: Column, _ row: Int) -> [UInt8] {
    switch column {
    case .float32(let values): withUnsafeBytes(of: values.values[row].bitPattern) { Array($0) }
    case .float64(let values): withUnsafeBytes(of: values.values[row].bitPattern) { Array($0) }
    case .string(let values), .binary(let values): Array(values.bytes[values.byteRange(row)])
    default: Array("\(column.scalar(at: row))".utf8)
    }
}

/// The reference: first-seen indices from a Swift dictionary keyed by identity.
private func referenceIndices(_ batches: [Column]) -> (indices: [UInt32], entries: [[UInt8]]) {
    var seen: [[UInt8]: UInt32] = [:]
    var entries: [[UInt8]] = []
    var indices: [UInt32] = []
    for batch in batches {
        for row in 0..<batch.count {
            let key = identity(batch, row)
            if let index = seen[key] {
                indices.append(index)
            } else {
                seen[key] = UInt32(entries.count)
                entries.append(key)
                indices.append(UInt32(entries.count - 1))
            }
        }
    }
    return (indices, entries)
}

/// `count` random values of `type` drawn from about `distinct` different ones.
private func randomColumn(_ type: DataType, count: Int, distinct: Int, using rng: inout TestRandom) -> Column {
    let pool = max(distinct, 1)
    let picks = (0..<count).map { _ in Int.random(in: 0..<pool, using: &rng) }
    func values<T>(_ make: (Int) -> T) -> PrimitiveColumn<T> {
        PrimitiveColumn(values: ContiguousArray(picks.map(make)))
    }
    switch type {
    case .int8: return .int8(values { Int8(truncatingIfNeeded: $0 &* 37) })
    case .int16: return .int16(values { Int16(truncatingIfNeeded: $0 &* 977) })
    case .int32: return .int32(values { Int32(truncatingIfNeeded: $0 &* 7919 &- 500) })
    case .date: return .date(values { Int32($0) - 1000 })
    case .int64: return .int64(values { Int64($0) &* 0x1_0000_0001 &- 77 })
    case .timestamp: return .timestamp(values { Int64($0) * 1_000_000 })
    case .float32: return .float32(values { $0 % 7 == 0 ? -0.0 : $0 % 11 == 0 ? .nan : Float($0) / 8 })
    case .float64: return .float64(values { $0 % 7 == 0 ? -0.0 : $0 % 11 == 0 ? .nan : Double($0) * 1.5 })
    case .decimal(let precision, let scale) where precision <= 18:
        return .decimal64(values { Int64($0) - 50 }, precision: precision, scale: scale)
    case .decimal(let precision, let scale):
        return .decimal128(values { (Int128($0) << 70) - 3 }, precision: precision, scale: scale)
    case .string:
        let alphabet = ["a", "é", "中", "😀", "x"]
        return .string(
            StringColumn(
                picks.map { pick in
                    String((0..<(pick % 41)).map { Character(alphabet[($0 &+ pick) % alphabet.count]) })
                        + (pick % 3 == 0 ? "" : "\(pick)")
                }))
    case .binary:
        return .binary(StringColumn(picks.map { String(repeating: "b", count: $0 % 5) + "\u{0}\($0)" }))
    default:
        Issue.record("no random column of type \(type)")
        return .int32(PrimitiveColumn(values: []))
    }
}

@Suite("Dictionary builder")
struct DictionaryBuilderTests {
    static let types: [DataType] = [
        .int8, .int16, .int32, .date, .int64, .timestamp, .float32, .float64, .decimal(precision: 9, scale: 2),
        .decimal(precision: 30, scale: 2), .string, .binary,
    ]

    @Test(
        "indices map back to the values, entries in first-seen order",
        arguments: types, [0, 1, 63, 64, 65, 2048, 2049])
    func roundTrip(type: DataType, count: Int) throws {
        var rng = TestRandom(state: UInt64(count) &+ UInt64(type.description.utf8.count) &* 1000)
        for distinct in [3, 1000, 100_000] {
            var builder = try #require(DictionaryBuilder(dataType: type, maxDictionaryBytes: 64 << 20))
            var indices = ContiguousArray<UInt32>()
            let batches = (0..<3).map { batch in
                randomColumn(type, count: batch == 1 ? count / 2 : count, distinct: distinct, using: &rng)
            }
            for batch in batches { #expect(builder.append(batch, indicesInto: &indices)) }
            let reference = referenceIndices(batches)
            #expect(Array(indices) == reference.indices)
            let dictionary = builder.dictionary
            #expect(dictionary.dataType == type)
            #expect(dictionary.count == builder.count && builder.count == reference.entries.count)
            #expect((0..<dictionary.count).map { identity(dictionary, $0) } == reference.entries)
            let width =
                [DataType.int64, .timestamp, .float64].contains(type)
                ? 8 : type == .decimal(precision: 30, scale: 2) ? 13 : 4
            if type == .string || type == .binary {
                #expect(builder.plainEncodedByteCount == reference.entries.reduce(0) { $0 + 4 + $1.count })
            } else {
                #expect(builder.plainEncodedByteCount == reference.entries.count * width)
            }
        }
    }

    @Test("NaN payloads and -0.0 are entries of their own")
    func floatBitPatterns() throws {
        let otherNaN = Double(bitPattern: Double.nan.bitPattern | 1)
        let values: ContiguousArray<Double> = [0.0, -0.0, .nan, otherNaN, .nan, 1.0, -0.0]
        var builder = try #require(DictionaryBuilder(dataType: .float64))
        var indices = ContiguousArray<UInt32>()
        #expect(builder.append(.float64(PrimitiveColumn(values: values)), indicesInto: &indices))
        #expect(Array(indices) == [0, 1, 2, 3, 2, 4, 1])
        guard case .float64(let dictionary) = builder.dictionary else {
            Issue.record("wrong dictionary type")
            return
        }
        #expect(dictionary.values.map(\.bitPattern) == [0.0, -0.0, .nan, otherNaN, 1.0].map(\.bitPattern))
    }

    @Test("empty strings and Unicode, compared by bytes")
    func unicodeStrings() throws {
        let values = ["", "é", "", "中文", "e\u{301}", "é", "😀", "😀", ""]
        var builder = try #require(DictionaryBuilder(dataType: .string))
        var indices = ContiguousArray<UInt32>()
        #expect(builder.append(.string(StringColumn(values)), indicesInto: &indices))
        #expect(Array(indices) == [0, 1, 0, 2, 3, 1, 4, 4, 0])
        #expect(builder.dictionary == .string(StringColumn(["", "é", "中文", "e\u{301}", "😀"])))
        #expect(builder.plainEncodedByteCount == 5 * 4 + 0 + 2 + 6 + 3 + 4)
    }

    @Test("the size limit rejects a whole batch and keeps the dictionary usable")
    func limitFallsBack() throws {
        // 8-byte entries, at most 5 of them.
        var builder = try #require(DictionaryBuilder(dataType: .int64, maxDictionaryBytes: 40))
        var indices = ContiguousArray<UInt32>()
        let batch = { (values: [Int64]) in Column.int64(PrimitiveColumn(values: ContiguousArray(values))) }
        #expect(builder.append(batch([1, 2, 3, 1]), indicesInto: &indices))
        #expect(builder.append(batch([4, 5, 5]), indicesInto: &indices))  // exactly 40 bytes: fits
        #expect(builder.plainEncodedByteCount == 40)
        #expect(!builder.append(batch([1, 6, 2]), indicesInto: &indices))  // a 6th entry would not
        #expect(Array(indices) == [0, 1, 2, 0, 3, 4, 4])
        #expect(builder.count == 5)
        #expect(builder.append(batch([5, 4, 3, 2, 1]), indicesInto: &indices))
        #expect(Array(indices.suffix(5)) == [4, 3, 2, 1, 0])

        // Rejected midway through a batch that first added entries: they are rolled back.
        var strings = try #require(DictionaryBuilder(dataType: .string, maxDictionaryBytes: 20))
        var stringIndices = ContiguousArray<UInt32>()
        #expect(strings.append(.string(StringColumn(["ab"])), indicesInto: &stringIndices))  // 6 bytes
        #expect(!strings.append(.string(StringColumn(["cd", "ab", "efg", "hijk"])), indicesInto: &stringIndices))
        #expect(strings.count == 1 && strings.plainEncodedByteCount == 6 && Array(stringIndices) == [0])
        #expect(strings.append(.string(StringColumn(["cd", "ab", "efg"])), indicesInto: &stringIndices))  // 19 bytes
        #expect(Array(stringIndices) == [0, 1, 0, 2])
        #expect(strings.dictionary == .string(StringColumn(["ab", "cd", "efg"])))
    }

    @Test("the limit is hit exactly where the reference says", arguments: [DataType.int32, .string])
    func limitPoint(type: DataType) throws {
        var rng = TestRandom(state: 99)
        let limit = 4096
        var builder = try #require(DictionaryBuilder(dataType: type, maxDictionaryBytes: limit))
        var indices = ContiguousArray<UInt32>()
        var accepted: [Column] = []
        var rejected = false
        for _ in 0..<200 {
            let batch = randomColumn(type, count: 50, distinct: 100_000, using: &rng)
            let reference = referenceIndices(accepted + [batch])
            let size = reference.entries.reduce(0) { $0 + (type == .string ? 4 + $1.count : 4) }
            let fits = builder.append(batch, indicesInto: &indices)
            #expect(fits == (size <= limit))
            if fits {
                accepted.append(batch)
            } else {
                rejected = true
                break
            }
        }
        #expect(rejected)
        let reference = referenceIndices(accepted)
        #expect(Array(indices) == reference.indices && builder.count == reference.entries.count)
        #expect(builder.plainEncodedByteCount <= limit)
    }

    @Test("reset empties the dictionary; booleans and nested types have none")
    func resetAndUnsupported() throws {
        var builder = try #require(DictionaryBuilder(dataType: .binary))
        var indices = ContiguousArray<UInt32>()
        #expect(builder.append(.binary(StringColumn(["x", "y"])), indicesInto: &indices))
        builder.reset()
        indices.removeAll()
        #expect(builder.count == 0 && builder.plainEncodedByteCount == 0)
        #expect(builder.append(.binary(StringColumn(["y", "x", "y"])), indicesInto: &indices))
        #expect(Array(indices) == [0, 1, 0])
        #expect(DictionaryBuilder(dataType: .boolean) == nil)
        #expect(DictionaryBuilder(dataType: .list(Field("element", .int32))) == nil)
    }

    /// Release-build timing; run with `LAKE_BENCH=1 swift test -c release --filter speed`.
    @Test("the sample says a dictionary would not pay only when most sampled values differ", arguments: types)
    func sampleDecision(type: DataType) {
        var rng = TestRandom(state: 7)
        let rows = 2 * DictionaryBuilder.sampleRows
        var decided: Set<Bool> = []
        for distinct in [10, 4_000, 7_000, 1 << 30] {
            let column = randomColumn(type, count: rows, distinct: distinct, using: &rng)
            // The exact share of distinct values in the sample; the estimate is allowed to err
            // within 5% of the ¾ threshold.
            let exact = Set((0..<DictionaryBuilder.sampleRows).map { identity(column, $0) }).count
            let share = Double(exact) / Double(DictionaryBuilder.sampleRows)
            guard abs(share - 0.75) > 0.05 else { continue }
            let verdict = DictionaryBuilder.sampleLooksDistinct(column)
            #expect(verdict == (share > 0.75), "\(type): \(exact) distinct of \(DictionaryBuilder.sampleRows)")
            decided.insert(verdict)
        }
        #expect(decided.contains(false), "\(type)")
        // All distinct: no dictionary.
        let unique = Column.int64(PrimitiveColumn(values: ContiguousArray((0..<Int64(rows)).map { $0 * 7 })))
        #expect(DictionaryBuilder.sampleLooksDistinct(unique))
        // Too short to sample: left to the whole-chunk rule.
        let short = randomColumn(type, count: rows - 1, distinct: 1 << 30, using: &rng)
        #expect(!DictionaryBuilder.sampleLooksDistinct(short))
    }

    @Test("speed (only with LAKE_BENCH=1)", .enabled(if: WriterBenchmarkTiming.benchmarksEnabled))
    func speed() throws {
        var rng = TestRandom(state: 7)
        let count = 1_000_000
        let ints = Column.int64(
            PrimitiveColumn(
                values: ContiguousArray((0..<count).map { _ in Int64.random(in: 0..<1000, using: &rng) * 7919 })))
        let strings = Column.string(
            StringColumn((0..<count).map { _ in "user_\(Int.random(in: 0..<100_000, using: &rng))" }))
        let fewStrings = Column.string(
            StringColumn((0..<count).map { _ in "user_\(Int.random(in: 0..<1000, using: &rng))" }))
        let cases = [
            ("1M Int64, 1000 distinct", ints), ("1M short strings, 100k distinct", strings),
            ("1M short strings, 1000 distinct", fewStrings),
        ]
        for (name, column) in cases {
            // 2048-row batches, as the writer feeds them, sliced outside the timing.
            let batches: [Column] = stride(from: 0, to: count, by: 2048).map { start in
                let rows = start..<min(count, start + 2048)
                switch column {
                case .int64(let c): return .int64(c.slice(rows))
                case .string(let c): return .string(c.slice(rows))
                default: return column
                }
            }
            var indices = ContiguousArray<UInt32>()
            indices.reserveCapacity(count)
            var entries = 0
            let time = WriterBenchmarkTiming.bestNanoseconds {
                var builder = DictionaryBuilder(dataType: column.dataType, maxDictionaryBytes: 16 << 20)!
                indices.removeAll(keepingCapacity: true)
                for batch in batches { _ = builder.append(batch, indicesInto: &indices) }
                entries = builder.count
            }
            #expect(indices.count == count)
            print("DictionaryBuilder \(name): \(time / Double(count)) ns/value, \(entries) entries")
            let single = WriterBenchmarkTiming.bestNanoseconds {
                var builder = DictionaryBuilder(dataType: column.dataType, maxDictionaryBytes: 16 << 20)!
                indices.removeAll(keepingCapacity: true)
                _ = builder.append(column, indicesInto: &indices)
            }
            print("DictionaryBuilder \(name), one 1M batch: \(single / Double(count)) ns/value")
        }
    }
}
