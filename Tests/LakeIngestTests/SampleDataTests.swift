import Foundation
import LakeColumnar
import LakeIngest
import Testing

/// The `events` and `orders` data sets and dirty-row selection (SPEC.md §9).
@Suite("sample data sets")
struct SampleDataTests {
    static let datasets = SampleDataSetName.allCases

    @Test("the same seed gives the same rows however they are split into batches", arguments: datasets)
    func deterministicAcrossSplits(dataset: SampleDataSetName) {
        let rows = 5_000
        let generator = dataset.makeGenerator(rowCount: rows, seed: 42)
        let whole = generator.batch(0..<rows)
        #expect(whole.rowCount == rows)
        #expect(whole.schema == generator.schema)
        for batchRows in [1, 63, 64, 65, 2049] {
            var parts: [RecordBatch] = []
            var start = 0
            while start < rows {
                parts.append(generator.batch(start..<min(start + batchRows, rows)))
                start += batchRows
            }
            for index in whole.columns.indices {
                #expect(Column.concatenate(parts.map { $0.columns[index] }) == whole.columns[index])
            }
        }
        #expect(dataset.makeGenerator(rowCount: rows, seed: 42).batch(0..<rows) == whole)
        #expect(dataset.makeGenerator(rowCount: rows, seed: 7).batch(0..<rows) != whole)
        #expect(generator.batch(100..<100).rowCount == 0)
    }

    @Test("events: sessions of consecutive rows with the documented shape (SPEC.md §9.2)")
    func eventsShape() throws {
        let rows = 20_000
        let batch = AppEvents(rowCount: rows).batch(0..<rows)
        #expect(batch.schema == AppEvents.schema)
        guard case .int64(let ids) = batch.columns[0], case .timestamp(let times) = batch.columns[1],
            case .string(let users) = batch.columns[2], case .string(let sessions) = batch.columns[3],
            case .string(let types) = batch.columns[4], case .string(let platforms) = batch.columns[5],
            case .string(let countries) = batch.columns[6], case .string(let properties) = batch.columns[7],
            case .int32(let durations) = batch.columns[8]
        else {
            Issue.record("unexpected column types")
            return
        }
        #expect(ids.values.elementsEqual(1...Int64(rows)))
        var sessionLengths: [Int] = []
        var sessionStart = 0
        var seenSessions = Set<String>()
        var countryNulls = 0
        var usersSeen = Set<String>()
        for row in 0..<rows {
            let session = sessions.string(at: row)!
            let type = types.string(at: row)!
            #expect(AppEvents.eventTypes.contains(type))
            #expect(AppEvents.platforms.contains(platforms.string(at: row)!))
            let user = users.string(at: row)!
            usersSeen.insert(user)
            #expect(user.hasPrefix("u-") && user.count == 7)
            if countries.string(at: row) == nil { countryNulls += 1 }
            let isLast = row + 1 == rows || sessions.string(at: row + 1) != session
            if row > sessionStart {
                #expect(times.values[row] > times.values[row - 1], "times increase within a session")
                #expect(users.string(at: row) == users.string(at: row - 1), "a session has one user")
            }
            #expect(times.values[row] % 1000 == 0, "whole milliseconds")
            // duration_ms is the gap to the session's next event, null on its last.
            if isLast {
                #expect(durations[row] == nil)
            } else {
                #expect(Int64(durations[row]!) * 1000 == times.values[row + 1] - times.values[row])
            }
            if type == "logout" {
                #expect(properties.string(at: row) == nil)
            } else {
                let text = try #require(properties.string(at: row))
                let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
                #expect(object is [String: Any], "properties is a JSON object: \(text)")
            }
            if isLast {
                #expect(!seenSessions.contains(session), "a session's rows are consecutive")
                seenSessions.insert(session)
                sessionLengths.append(row + 1 - sessionStart)
                sessionStart = row + 1
            }
        }
        #expect(sessionLengths.allSatisfy { (1...12).contains($0) })
        let meanLength = Double(rows) / Double(sessionLengths.count)
        #expect((4.0...7.5).contains(meanLength), "mean session length \(meanLength)")
        #expect((40...800).contains(countryNulls), "about 1% of rows have no country: \(countryNulls)")
        #expect(usersSeen.count > 500)
        #expect(sessionLengths.count == seenSessions.count)
    }

    @Test("orders: lines, exact amounts, statuses and ship dates (SPEC.md §9.3)")
    func ordersShape() throws {
        let rows = 20_000
        let batch = OrderLines(rowCount: rows).batch(0..<rows)
        #expect(batch.schema == OrderLines.schema)
        guard case .int64(let orders) = batch.columns[0], case .int32(let lines) = batch.columns[1],
            case .timestamp(let times) = batch.columns[2], case .string(let products) = batch.columns[6],
            case .int32(let quantities) = batch.columns[8],
            case .decimal64(let prices, 10, 2) = batch.columns[9],
            case .decimal64(let discounts, 3, 2) = batch.columns[10],
            case .decimal64(let amounts, 12, 2) = batch.columns[11], case .string(let coupons) = batch.columns[12],
            case .string(let statuses) = batch.columns[13], case .date(let shipDates) = batch.columns[14]
        else {
            Issue.record("unexpected column types")
            return
        }
        var couponCount = 0
        var statusCounts: [String: Int] = [:]
        for row in 0..<rows {
            if row == 0 || orders.values[row] != orders.values[row - 1] {
                #expect(lines.values[row] == 1)
                #expect(orders.values[row] == Int64(row) + 1, "an order's id is its first row's number")
            } else {
                #expect(lines.values[row] == lines.values[row - 1] + 1)
                #expect(times.values[row] == times.values[row - 1])
                #expect(statuses.string(at: row) == statuses.string(at: row - 1))
            }
            #expect((1...5).contains(lines.values[row]))
            #expect((1...10).contains(quantities.values[row]))
            let product = try #require(OrderLines.catalog.firstIndex { $0.name == products.string(at: row) })
            #expect(prices.values[row] == Int64(OrderLines.catalog[product].cents))
            let percent = discounts.values[row]
            if let coupon = coupons.string(at: row) {
                couponCount += 1
                #expect(OrderLines.coupons.first { $0.code == coupon }?.percent == Int(percent))
            } else {
                #expect(percent == 0)
            }
            let exact = Int64(quantities.values[row]) * prices.values[row] * (100 - percent)
            #expect(amounts.values[row] == (exact + 50) / 100, "amount rounded half up to cents")
            let status = try #require(statuses.string(at: row))
            statusCounts[status, default: 0] += 1
            let shipped = ["shipped", "delivered", "returned"].contains(status)
            #expect((shipDates[row] != nil) == shipped)
            if let ship = shipDates[row] {
                let orderDay = Int32(times.values[row] / 86_400_000_000)
                #expect((orderDay + 1...orderDay + 5).contains(ship))
            }
        }
        #expect((1600...3200).contains(couponCount), "about 12% of orders use a coupon: \(couponCount)")
        #expect(Set(statusCounts.keys) == Set(OrderLines.statuses))
        #expect(statusCounts["delivered", default: 0] > rows * 3 / 4)
        #expect(Set((0..<rows).compactMap { products.string(at: $0) }).count == OrderLines.catalog.count)
    }

    @Test("dirty rows: exactly round(rows × fraction), the same however the rows are split", arguments: [0, 0.001, 0.05, 0.5, 1])
    func dirtyCountAndSplits(fraction: Double) {
        let rows = 5_003
        for format in [DirtyFormat.csv, .jsonl] {
            let dirty = DirtyRows(
                rowCount: rows, fraction: fraction, seed: 42, schema: SensorReadings.schema, format: format)
            let whole = dirty.rows(in: 0..<rows)
            #expect(whole.count == Int((Double(rows) * fraction).rounded()))
            #expect(dirty.count == whole.count)
            #expect(zip(whole, whole.dropFirst()).allSatisfy { $0.row < $1.row })
            var parts: [DirtyRow] = []
            for start in stride(from: 0, to: rows, by: 499) { parts += dirty.rows(in: start..<min(start + 499, rows)) }
            #expect(parts == whole)
            for row in whole { #expect(row.kind.formats.contains(format)) }
        }
    }

    @Test("dirty rows: every kind of the format appears, aimed at a column of the right type")
    func dirtyKinds() {
        let schema = OrderLines.schema
        for format in [DirtyFormat.csv, .jsonl] {
            let dirty = DirtyRows(rowCount: 20_000, fraction: 0.02, seed: 3, schema: schema, format: format)
            let rows = dirty.rows(in: 0..<20_000)
            let kinds = Set(rows.map(\.kind))
            #expect(kinds == Set(DirtyKind.allCases.filter { $0.formats.contains(format) }))
            for row in rows {
                switch row.kind {
                case .badNumber, .wrongType:
                    #expect([DataType.int32, .int64].contains(schema.fields[row.column].type)
                        || { if case .decimal = schema.fields[row.column].type { true } else { false } }())
                case .badTimestamp: #expect([DataType.date, .timestamp].contains(schema.fields[row.column].type))
                case .badQuoting: #expect(schema.fields[row.column].type == .string)
                case .missingField, .extraField, .truncatedLine: #expect(row.column == -1)
                }
            }
        }
    }
}
