import LakeColumnar
import LakeTestSupport
import Testing

@Suite("Column.take")
struct TakeTests {
    @Test("gathers the same rows as a row-by-row reference, for random nested and flat columns")
    func matchesReference() {
        var rng = TestRandom(state: 0x7A4E)
        for round in 0..<200 {
            let field = ColumnFixtures.randomField(name: "c\(round)", depth: 2, using: &rng)
            let rowCount = Int.random(in: 0...40, using: &rng)
            let rows = (0..<rowCount).map { _ in ColumnFixtures.randomValue(field, using: &rng) }
            let column = ColumnFixtures.column(field.type, rows)
            let picks: [Int32] = rowCount == 0 ? [] : (0..<Int.random(in: 0...60, using: &rng)).map { _ in
                Int32.random(in: 0..<Int32(rowCount), using: &rng)
            }
            let taken = picks.withUnsafeBufferPointer { column.take($0) }
            let expected = ColumnFixtures.column(field.type, picks.map { rows[Int($0)] })
            #expect(taken.count == picks.count)
            for index in picks.indices {
                #expect(taken.scalar(at: index) == expected.scalar(at: index), "round \(round) \(field) row \(index)")
            }
        }
    }

    @Test("a batch keeps its schema; taking no rows gives an empty batch")
    func batch() {
        let batch = RecordBatch(
            schema: Schema([Field("a", .int64), Field("s", .string)]),
            columns: [
                .int64(PrimitiveColumn(values: [1, 2, 3], validity: ValidityBitmap([true, false, true]))),
                .string(StringColumn(["x", nil, "zz"])),
            ])
        let picked: [Int32] = [2, 1, 2, 0]
        let taken = picked.withUnsafeBufferPointer { batch.take($0) }
        #expect(taken.rowCount == 4)
        #expect(taken.columns[0] == .int64(PrimitiveColumn(values: [3, 0, 3, 1], validity: ValidityBitmap([true, false, true, true]))))
        #expect(taken.columns[1] == .string(StringColumn(["zz", nil, "zz", "x"])))
        let none: [Int32] = []
        #expect(none.withUnsafeBufferPointer { batch.take($0) }.rowCount == 0)
        let valid: [Int32] = [0, 2]
        if case .int64(let column) = valid.withUnsafeBufferPointer({ batch.take($0) }).columns[0] {
            #expect(column.validity == nil)
        }
    }
}
