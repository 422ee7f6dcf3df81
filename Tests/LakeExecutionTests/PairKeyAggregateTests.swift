import LakeColumnar
import Testing

@testable import LakeExecution

/// The packed two-key path of ``HashAggregator`` (``PairKeyTable``), its switch to byte keys when
/// a string does not pack, and the lane sums for a few groups, against a dictionary reference.
@Suite("Packed group keys")
struct PairKeyAggregateTests {
    /// Rows of (string key, int key, double value); `long` makes some strings longer than 7 bytes.
    static func batch(rows: Int, seed: Int, long: Bool) -> RecordBatch {
        var names: [String?] = []
        var numbers = ContiguousArray<Int64>()
        var numberValid: [Bool] = []
        var values = ContiguousArray<Double>()
        for row in 0..<rows {
            let mix = (row &* 7919 &+ seed &* 104_729) % 1_000
            switch mix % 5 {
            case 0: names.append(nil)
            case 1: names.append(long ? "a longer name \(mix % 3)" : "")
            default: names.append("k\(mix % 4)")
            }
            numbers.append(Int64(mix % 6) - 3)
            numberValid.append(mix % 11 != 0)
            values.append(Double(mix % 13) * 0.25)
        }
        let schema = Schema([Field("s", .string), Field("i", .int64), Field("v", .float64)])
        return RecordBatch(
            schema: schema,
            columns: [
                .string(StringColumn(names)), .int64(PrimitiveColumn(values: numbers, validity: ValidityBitmap(numberValid))),
                .float64(PrimitiveColumn(values: values)),
            ], rowCount: rows)
    }

    static func reference(_ batches: [RecordBatch]) -> [String: (count: Int64, sum: Double)] {
        var result: [String: (count: Int64, sum: Double)] = [:]
        for batch in batches {
            for row in 0..<batch.rowCount {
                let key = "\(batch.columns[0].scalar(at: row))|\(batch.columns[1].scalar(at: row))"
                let value = batch.columns[2].scalar(at: row)
                guard case .float(let number) = value else { continue }
                var entry = result[key] ?? (0, 0)
                entry.count += 1
                entry.sum += number
                result[key] = entry
            }
        }
        return result
    }

    @Test("two keys give the reference groups, also when a later batch holds long strings",
        arguments: [(false, false), (false, true), (true, false), (true, true)], [1, 63, 2_049])
    func matchesReference(longness: (Bool, Bool), rows: Int) throws {
        let batches = [
            Self.batch(rows: rows, seed: 1, long: longness.0), Self.batch(rows: rows, seed: 2, long: longness.1),
        ]
        let schema = Schema([Field("s", .string), Field("i", .int64), Field("n", .int64), Field("sum", .float64)])
        let aggregator = HashAggregator(
            groups: [.column(0, .string), .column(1, .int64)],
            aggregates: [
                AggregateCall(function: .countStar, argument: nil, type: .int64),
                AggregateCall(function: .sum, argument: .column(2, .float64), type: .float64),
            ], schema: schema)
        for batch in batches { try aggregator.consume(batch) }
        let result = aggregator.finish()
        let expected = Self.reference(batches)
        #expect(result.rowCount == expected.count)
        for row in 0..<result.rowCount {
            let key = "\(result.columns[0].scalar(at: row))|\(result.columns[1].scalar(at: row))"
            let entry = try #require(expected[key])
            #expect(result.columns[2].scalar(at: row) == .integer(entry.count))
            guard case .float(let sum) = result.columns[3].scalar(at: row) else {
                Issue.record("sum is not a double")
                continue
            }
            #expect(abs(sum - entry.sum) <= 1e-9 * max(1, abs(entry.sum)))
        }
    }

    @Test("a lone string key packs up to 15 bytes, and a longer one later switches to byte keys", arguments: [false, true])
    func loneStringKey(longLater: Bool) throws {
        // Lengths 0…15 (and NULL), near-equal strings that differ only in byte 7 or 14.
        func batch(_ extra: [String?]) -> RecordBatch {
            var names: [String?] = [nil, "", "1-URGENT", "2-HIGH", "4-NOT SPECIFIED", "4-NOT SPECIFIEE", "abcdefgX", "abcdefgY"]
            for length in 0...15 { names.append(String(repeating: "z", count: length)) }
            names += extra
            let rows = names.count * 3
            let column = Column.string(StringColumn((0..<rows).map { names[$0 % names.count] }))
            let values = Column.int64(PrimitiveColumn(values: ContiguousArray((0..<Int64(rows)))))
            return RecordBatch(schema: Schema([Field("s", .string), Field("v", .int64)]), columns: [column, values], rowCount: rows)
        }
        let batches = [batch([]), batch(longLater ? ["a string of sixteen+"] : ["x"])]
        let aggregator = HashAggregator(
            groups: [.column(0, .string)],
            aggregates: [AggregateCall(function: .countStar, argument: nil, type: .int64)],
            schema: Schema([Field("s", .string), Field("n", .int64)]))
        for batch in batches { try aggregator.consume(batch) }
        let result = aggregator.finish()
        var expected: [String: Int64] = [:]
        for batch in batches {
            for row in 0..<batch.rowCount { expected["\(batch.columns[0].scalar(at: row))", default: 0] += 1 }
        }
        var seen: [String: Int64] = [:]
        for row in 0..<result.rowCount {
            guard case .integer(let count) = result.columns[1].scalar(at: row) else { continue }
            seen["\(result.columns[0].scalar(at: row))"] = count
        }
        #expect(seen == expected)
    }

    @Test("a few groups over many rows (lane sums and counts) match a plain loop", arguments: [255, 256, 1_001, 4_099])
    func fewGroups(rows: Int) throws {
        let keys = ContiguousArray((0..<rows).map { Int32(($0 / 3) % 5) })
        let values = ContiguousArray((0..<rows).map { Double($0 % 17) * 0.5 })
        let input = RecordBatch(
            schema: Schema([Field("k", .int32), Field("v", .float64)]),
            columns: [.int32(PrimitiveColumn(values: keys)), .float64(PrimitiveColumn(values: values))], rowCount: rows)
        let aggregator = HashAggregator(
            groups: [.column(0, .int32)],
            aggregates: [
                AggregateCall(function: .countStar, argument: nil, type: .int64),
                AggregateCall(function: .sum, argument: .column(1, .float64), type: .float64),
            ], schema: Schema([Field("k", .int32), Field("n", .int64), Field("s", .float64)]))
        try aggregator.consume(input)
        try aggregator.consume(input)
        let result = aggregator.finish()
        #expect(result.rowCount == 5)
        for row in 0..<result.rowCount {
            guard case .integer(let key) = result.columns[0].scalar(at: row) else { continue }
            let members = (0..<rows).filter { Int64(keys[$0]) == key }
            #expect(result.columns[1].scalar(at: row) == .integer(Int64(2 * members.count)))
            let sum = 2 * members.reduce(0.0) { $0 + values[$1] }
            #expect(result.columns[2].scalar(at: row) == .float(sum))
        }
    }

    @Test("doubles as keys: -0.0 groups with 0.0 and NaN with NaN")
    func doubleKeys() throws {
        let keys = PrimitiveColumn(values: ContiguousArray<Double>([0.0, -0.0, .nan, -.nan, 1.5]))
        let input = RecordBatch(schema: Schema([Field("d", .float64)]), columns: [.float64(keys)], rowCount: 5)
        let aggregator = HashAggregator(
            groups: [.column(0, .float64)], aggregates: [AggregateCall(function: .countStar, argument: nil, type: .int64)],
            schema: Schema([Field("d", .float64), Field("n", .int64)]))
        try aggregator.consume(input)
        let result = aggregator.finish()
        #expect(result.rowCount == 3)
        #expect((0..<3).map { result.columns[1].scalar(at: $0) } == [.integer(2), .integer(2), .integer(1)])
    }
}
