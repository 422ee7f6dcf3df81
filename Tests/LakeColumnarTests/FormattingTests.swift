import LakeColumnar
import Testing

@Suite("Calendar and value formatting")
struct FormattingTests {
    @Test("days round-trip through civil dates across eras")
    func civilRoundTrip() {
        for days in stride(from: Int64(-1_000_000), through: 3_000_000, by: 997) {
            let (year, month, day) = CivilCalendar.civil(fromDays: days)
            #expect(CivilCalendar.days(year: year, month: month, day: day) == days)
        }
    }

    @Test("dates and timestamps print like Python's isoformat")
    func isoText() {
        #expect(ValueFormatting.date(0) == "1970-01-01")
        #expect(ValueFormatting.date(-1) == "1969-12-31")
        #expect(ValueFormatting.date(2_932_896) == "9999-12-31")
        #expect(ValueFormatting.date(2_932_897) == "+10000-01-01")
        #expect(ValueFormatting.timestamp(-1, utc: true) == "1969-12-31T23:59:59.999999Z")
        #expect(ValueFormatting.timestamp(1_700_000_000_123_456, utc: false) == "2023-11-14T22:13:20.123456")
        #expect(ValueFormatting.time(3_723_000_001) == "01:02:03.000001")
    }

    @Test("decimals print with exactly scale fraction digits")
    func decimals() {
        #expect(ValueFormatting.decimal(-1230, scale: 2) == "-12.30")
        #expect(ValueFormatting.decimal(5, scale: 3) == "0.005")
        #expect(ValueFormatting.decimal(-5, scale: 3) == "-0.005")
        #expect(ValueFormatting.decimal(42, scale: 0) == "42")
        #expect(ValueFormatting.decimal(Int128.min, scale: 0) == "-170141183460469231731687303715884105728")
    }
}

@Suite("Column slicing and concatenation")
struct ColumnSliceTests {
    static let list: Column = .list(
        ListColumn(
            element: Field("element", .int32), offsets: [0, 2, 2, 3, 5],
            elements: .int32(PrimitiveColumn(values: [1, 2, 3, 4, 5], validity: ValidityBitmap([true, false, true, true, true]))),
            validity: ValidityBitmap([true, false, true, true])))

    @Test("slices of nested columns keep their rows", arguments: [0..<4, 1..<3, 2..<4, 0..<0, 3..<4])
    func sliceList(range: Range<Int>) {
        let sliced = Self.list.slice(range)
        #expect(sliced.count == range.count)
        for (index, row) in range.enumerated() { #expect(sliced.scalar(at: index) == Self.list.scalar(at: row)) }
    }

    @Test("concatenating the slices gives the column back")
    func concatenateSlices() {
        let parts = [Self.list.slice(0..<1), Self.list.slice(1..<3), Self.list.slice(3..<4)]
        let joined = Column.concatenate(parts)
        #expect((0..<4).map { joined.scalar(at: $0) } == (0..<4).map { Self.list.scalar(at: $0) })
        let strings = Column.concatenate([.string(StringColumn(["a", nil])), .string(StringColumn(["", "dé"]))])
        #expect((0..<4).map { strings.scalar(at: $0) } == [.string("a"), .null, .string(""), .string("dé")])
    }
}
