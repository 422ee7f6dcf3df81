import LakeColumnar
import LakeEngine
import Testing

/// `lake compact --where`: SQL filters over partition values (SPEC.md §2.10).
@Suite("Partition predicates")
struct PartitionPredicateTests {
    static let schema = Schema([
        Field("id", .int64), Field("day", .date), Field("site", .string), Field("hour", .int32), Field("ok", .boolean),
    ])
    static let partitions = ["day", "site", "hour", "ok"]

    static func predicate(_ text: String) throws -> PartitionPredicate {
        try PartitionPredicate(text, schema: schema, partitionColumns: partitions)
    }

    static let oslo: [String: String?] = ["day": "2024-01-05", "site": "Oslo", "hour": "7", "ok": "true"]
    static let rome: [String: String?] = ["day": "2024-01-04", "site": "Rome", "hour": "12", "ok": "false"]
    static let unknown: [String: String?] = ["day": nil, "site": nil, "hour": nil, "ok": nil]

    @Test(
        "typed comparisons, BETWEEN, IN, IS NULL, AND/OR/NOT with SQL's three-valued logic",
        arguments: [
            ("day = '2024-01-05'", [true, false, false]),
            ("day >= '2024-01-04' AND site <> 'Rome'", [true, false, false]),
            ("hour > 9", [false, true, false]),  // 12 > 9 as integers, though '12' < '9' as text
            ("hour BETWEEN 7 AND 12", [true, true, false]),
            ("site IN ('Oslo', 'Paris')", [true, false, false]),
            ("site NOT IN ('Oslo', NULL)", [false, false, false]),  // unknown for Rome: NULL in the list
            ("site IS NULL", [false, false, true]),
            ("NOT (site = 'Oslo') OR day IS NULL", [false, true, true]),
            ("ok", [true, false, false]),
            ("ok = false", [false, true, false]),
            ("hour = -1 OR hour < 10", [true, false, false]),
        ])
    func evaluates(text: String, expected: [Bool]) throws {
        let predicate = try Self.predicate(text)
        #expect([Self.oslo, Self.rome, Self.unknown].map { predicate.matches($0) } == expected)
    }

    @Test(
        "refuses data columns, functions, unknown names, values that are not of the column's type, bad SQL",
        arguments: [
            ("id = 1", "'id' is not a partition column"),
            ("nope = 1", "'nope' is not a partition column"),
            ("lower(site) = 'oslo'", "only partition columns"),
            ("day = 'yesterday'", "is not a value of partition column 'day' (DATE)"),
            ("hour = 'x'", "is not a value of partition column 'hour' (INT32)"),
            ("day = ", "expected"),
            ("site + 1 = 2", "'+' is not supported"),
        ])
    func refuses(text: String, message: String) {
        #expect {
            _ = try Self.predicate(text)
        } throws: { error in
            guard let error = error as? EngineError, case .invalidPartitionPredicate = error else { return false }
            return error.description.contains(message) && error.isUsageError
        }
    }
}
