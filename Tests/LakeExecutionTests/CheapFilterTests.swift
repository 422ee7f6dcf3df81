import LakeColumnar
import Testing

@testable import LakeExecution

/// The fused comparison filter (``CheapFilter``) against the expression evaluator.
@Suite("Cheap comparison filters")
struct CheapFilterTests {
    /// Sizes around the 64-row word boundary and a full batch.
    static let rowCounts = [0, 1, 63, 64, 65, 2048]
    static let functions: [ScalarFunction] = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]

    static func batch(_ rowCount: Int) -> RecordBatch {
        let a = ContiguousArray((0..<rowCount).map { Int32(($0 * 7) % 11) })
        var validA = ValidityBitmap(allValidCount: rowCount)
        for row in stride(from: 3, to: rowCount, by: 5) { validA.setNull(at: row) }
        let b = ContiguousArray((0..<rowCount).map { Int32(($0 * 3) % 11) })
        var validB = ValidityBitmap(allValidCount: rowCount)
        for row in stride(from: 0, to: rowCount, by: 7) { validB.setNull(at: row) }
        let c = ContiguousArray((0..<rowCount).map { Int64(($0 * 5) % 13) - 6 })
        let schema = Schema([
            Field("a", .int32), Field("b", .date), Field("c", .int64), Field("d", .date),
            Field("e", .decimal(precision: 15, scale: 2)),
        ])
        return RecordBatch(
            schema: schema,
            columns: [
                .int32(PrimitiveColumn(values: a, validity: validA)), .date(PrimitiveColumn(values: b, validity: validB)),
                .int64(PrimitiveColumn(values: c)), .date(PrimitiveColumn(values: a)),
                .decimal64(PrimitiveColumn(values: ContiguousArray(c.map { $0 * 25 }), validity: validB), precision: 15, scale: 2),
            ], rowCount: rowCount)
    }

    @Test("matches the expression evaluator, nulls never selected", arguments: rowCounts)
    func matchesEvaluator(rowCount: Int) throws {
        let batch = Self.batch(rowCount)
        for function in Self.functions {
            let comparisons: [PhysicalExpression] = [
                .call(function, [.column(0, .int32), .literal(.integer(5), .int32)], .boolean),
                .call(function, [.literal(.integer(-2), .int64), .column(2, .int64)], .boolean),
                .call(function, [.column(1, .date), .column(3, .date)], .boolean),
                .call(function, [.column(3, .date), .literal(.date(4), .date)], .boolean),
                .call(
                    function,
                    [.column(4, .decimal(precision: 15, scale: 2)), .literal(.decimal(50, scale: 2), .decimal(precision: 15, scale: 2))],
                    .boolean),
            ]
            for comparison in comparisons {
                let got = try #require(CheapFilter.select(comparison, batch))
                #expect(got == (try ExpressionEvaluator.select(comparison, batch)), "\(comparison)")
            }
            let all = PhysicalExpression.call(.and, comparisons, .boolean)
            let got = try #require(CheapFilter.select(all, batch))
            #expect(got == (try ExpressionEvaluator.select(all, batch)), "\(function) AND")
        }
    }

    @Test("declines operands it does not read")
    func declines() {
        let batch = Self.batch(10)
        let text = PhysicalExpression.call(.equal, [.literal(.string("x"), .string), .literal(.string("x"), .string)], .boolean)
        #expect(CheapFilter.select(text, batch) == nil)
        let mixed = PhysicalExpression.call(.less, [.column(0, .int32), .column(2, .int64)], .boolean)
        #expect(CheapFilter.select(mixed, batch) == nil)
        let otherScale = PhysicalExpression.call(
            .less,
            [.column(4, .decimal(precision: 15, scale: 2)), .literal(.decimal(50, scale: 3), .decimal(precision: 15, scale: 3))],
            .boolean)
        #expect(CheapFilter.select(otherScale, batch) == nil)
    }
}
