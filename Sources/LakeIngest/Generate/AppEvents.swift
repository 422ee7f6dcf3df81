import LakeColumnar

/// The `events` sample data set: app events of users, grouped in sessions (SPEC.md §9).
///
/// Rows come in sessions of 1…12 events, laid out in blocks of ``blockRows`` rows; each block is
/// generated from its own random stream, so any row range can be made without the rows before it.
/// A session's events are consecutive rows with increasing times; its event types follow a small
/// state machine (landing page view or login, browsing, searching, carts, purchases, errors,
/// sometimes a logout). `properties` is a JSON object whose keys depend on the event type.
public struct AppEvents: SampleDataSet {
    /// The columns of every batch.
    public static let schema = Schema([
        Field("event_id", .int64, isNullable: false),
        Field("ts", .timestamp, isNullable: false),
        Field("user_id", .string, isNullable: false),
        Field("session_id", .string, isNullable: false),
        Field("event_type", .string, isNullable: false),
        Field("platform", .string, isNullable: false),
        Field("country", .string),
        Field("properties", .string),
        Field("duration_ms", .int32),
    ])

    /// The event types, in the order of the state machine's tables.
    public static let eventTypes = [
        "page_view", "click", "search", "add_to_cart", "purchase", "login", "logout", "error",
    ]
    /// The platforms a session runs on.
    public static let platforms = ["web", "ios", "android"]
    /// Users' countries (ISO 3166 codes).
    public static let countries = ["US", "DE", "GB", "FR", "NL", "BR", "IN", "JP", "NG", "AU", "CA", "ES"]
    /// The number of distinct users.
    public static let userCount = 10_000
    /// Rows per independently generated block.
    public static let blockRows = 64

    /// The number of rows to generate.
    public let rowCount: Int
    /// The first session's start, in microseconds since the Unix epoch (UTC).
    public let startMicros: Int64
    private let seed: UInt64

    /// A generator of `rowCount` events starting at `startMicros` (default 2024-01-01T00:00:00Z).
    public init(rowCount: Int, seed: UInt64 = 42, startMicros: Int64 = 1_704_067_200_000_000) {
        precondition(rowCount >= 0)
        self.rowCount = rowCount
        self.seed = seed
        self.startMicros = startMicros
    }

    /// The columns of every batch.
    public var schema: Schema { Self.schema }

    private enum Event: Int {
        case pageView, click, search, addToCart, purchase, login, logout, error
    }

    /// Transition weights out of each event type (rows: from, columns: to, in ``eventTypes`` order).
    private static let transitions: [[Int]] = [
        [40, 25, 15, 15, 0, 0, 0, 5],  // page_view
        [50, 20, 0, 25, 0, 0, 0, 5],  // click
        [60, 20, 20, 0, 0, 0, 0, 0],  // search
        [50, 0, 0, 20, 30, 0, 0, 0],  // add_to_cart
        [100, 0, 0, 0, 0, 0, 0, 0],  // purchase
        [100, 0, 0, 0, 0, 0, 0, 0],  // login
        [100, 0, 0, 0, 0, 0, 0, 0],  // logout (never followed)
        [70, 0, 0, 0, 0, 0, 0, 30],  // error
    ]

    private struct Texts {
        let eventTypes = byteArrays(AppEvents.eventTypes)
        let platforms = byteArrays(AppEvents.platforms)
        let countries = byteArrays(AppEvents.countries)
        let paths = byteArrays(["/", "/search", "/cart", "/account", "/deals", "/products/"])
        let referrers = byteArrays(["google", "direct", "newsletter", "facebook", "bing"])
        let elements = byteArrays(["buy_button", "add_button", "menu", "banner", "filter", "next_page"])
        let queries = byteArrays([
            "running shoes", "coffee grinder", "usb-c cable", "rain jacket", "desk lamp", "yoga mat",
            "headphones", "water bottle", "backpack", "\"gift card\"",
        ])
        let methods = byteArrays(["password", "google", "apple", "magic_link"])
        let errors = byteArrays(["timeout", "payment declined", "not found", "internal error"])
        let errorCodes = [504, 402, 404, 500]
        let currencies = byteArrays(["EUR", "USD", "GBP"])
        let userPrefix = ContiguousArray("u-".utf8)
        let hexDigits = ContiguousArray("0123456789abcdef".utf8)
    }

    /// The rows `range` as one batch. Any split of the rows into ranges gives the same rows.
    public func batch(_ range: Range<Int>) -> RecordBatch {
        precondition(range.lowerBound >= 0 && range.upperBound <= rowCount)
        let count = range.count
        let texts = Texts()
        var eventIDs = ContiguousArray<Int64>()
        var timestamps = ContiguousArray<Int64>()
        var durations = ContiguousArray<Int32>()
        eventIDs.reserveCapacity(count)
        timestamps.reserveCapacity(count)
        durations.reserveCapacity(count)
        var durationValidity = ValidityBitmap(allValidCount: count)
        var users = StringColumnBuilder(rows: count, bytesPerRow: 7)
        var sessions = StringColumnBuilder(rows: count, bytesPerRow: 16)
        var types = StringColumnBuilder(rows: count, bytesPerRow: 9)
        var platforms = StringColumnBuilder(rows: count, bytesPerRow: 4)
        var countries = StringColumnBuilder(rows: count, bytesPerRow: 2)
        var properties = StringColumnBuilder(rows: count, bytesPerRow: 40)

        let blockRows = Self.blockRows
        let blockSpan: Int64 = 32_000_000  // a block of 64 events covers about 32 s of traffic
        var block = range.lowerBound / blockRows
        while block * blockRows < range.upperBound {
            var random = SplitMix64(seed: seed, salt: 0x4556_454E_5453, index: block)  // "EVENTS"
            let blockStart = block * blockRows
            let blockEnd = min(blockStart + blockRows, rowCount)
            var row = blockStart
            var sessionInBlock = 0
            while row < blockEnd {
                let length = 1 + random.below(4) + random.below(9)
                let sessionEnd = min(row + length, blockEnd)
                let sessionNumber = UInt64(block * blockRows + sessionInBlock)
                sessionInBlock += 1
                // Users follow a power law: a few heavy users, a long tail.
                let draw = random.unitInterval()
                let user = min(Int(draw * draw * draw * Double(Self.userCount)), Self.userCount - 1)
                let platform = random.pick([55, 25, 20], total: 100)
                var userRandom = SplitMix64(seed: seed, salt: 0x5553_4552, index: user)  // "USER"
                let country = userRandom.pick([30, 12, 10, 8, 5, 7, 8, 5, 4, 4, 4, 3], total: 100)
                let countryIsNull = userRandom.chance(per1000: 10)
                let sessionHash = Self.mix(sessionNumber ^ seed)
                var time = startMicros + Int64(block) * blockSpan + Int64(random.below(Int(blockSpan)))
                time -= time % 1000  // whole milliseconds, as apps log them
                var event = random.chance(per1000: 150) ? Event.login : Event.pageView
                var index = 0
                while row < sessionEnd {
                    let isLast = row + 1 == sessionEnd
                    let gap = Int64(500 + random.below(120_000)) * 1000
                    let inRange = range.contains(row)
                    if inRange {
                        eventIDs.append(Int64(row) + 1)
                        timestamps.append(time)
                        durations.append(isLast ? 0 : Int32(gap / 1000))
                        if isLast { durationValidity.setNull(at: row - range.lowerBound) }
                        users.append(texts.userPrefix)
                        users.appendDecimal(user, width: 5)
                        users.finishValue()
                        for shift in stride(from: 60, through: 0, by: -4) {
                            sessions.append(byte: texts.hexDigits[Int((sessionHash >> UInt64(shift)) & 15)])
                        }
                        sessions.finishValue()
                        types.append(texts.eventTypes[event.rawValue])
                        types.finishValue()
                        platforms.append(texts.platforms[platform])
                        platforms.finishValue()
                        if countryIsNull {
                            countries.appendNull()
                        } else {
                            countries.append(texts.countries[country])
                            countries.finishValue()
                        }
                    }
                    // Draw the properties' random numbers even for rows outside the range, so the
                    // stream stays aligned.
                    appendProperties(
                        event, isFirst: index == 0, to: &properties, random: &random, texts: texts, write: inRange)
                    time += gap
                    index += 1
                    row += 1
                    if row < sessionEnd {
                        if row + 1 == sessionEnd && index >= 2 && random.chance(per1000: 250) {
                            event = .logout
                        } else {
                            event = Event(rawValue: random.pick(Self.transitions[event.rawValue], total: 100))!
                        }
                    }
                }
            }
            block += 1
        }
        return RecordBatch(
            schema: Self.schema,
            columns: [
                .int64(PrimitiveColumn(values: eventIDs)),
                .timestamp(PrimitiveColumn(values: timestamps)),
                .string(users.build()),
                .string(sessions.build()),
                .string(types.build()),
                .string(platforms.build()),
                .string(countries.build()),
                .string(properties.build()),
                .int32(PrimitiveColumn(values: durations, validity: durationValidity)),
            ],
            rowCount: count
        )
    }

    /// Appends the `properties` JSON object of one event (null for a logout), when `write`.
    private func appendProperties(
        _ event: Event, isFirst: Bool, to column: inout StringColumnBuilder, random: inout SplitMix64,
        texts: Texts, write: Bool
    ) {
        func key(_ name: StaticString, first: Bool = false) {
            guard write else { return }
            if !first { column.append(byte: UInt8(ascii: ",")) }
            column.append(byte: UInt8(ascii: "\""))
            name.withUTF8Buffer { column.bytes.append(contentsOf: $0) }
            column.append(byte: UInt8(ascii: "\""))
            column.append(byte: UInt8(ascii: ":"))
        }
        func string(_ text: ContiguousArray<UInt8>) {
            guard write else { return }
            column.append(byte: UInt8(ascii: "\""))
            for byte in text {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { column.append(byte: UInt8(ascii: "\\")) }
                column.append(byte: byte)
            }
            column.append(byte: UInt8(ascii: "\""))
        }
        func number(_ value: Int) {
            if write { column.appendDecimal(value) }
        }
        func cents(_ value: Int) {
            if write { column.appendCents(value) }
        }
        if event == .logout {
            if write { column.appendNull() }
            return
        }
        if write { column.append(byte: UInt8(ascii: "{")) }
        switch event {
        case .pageView:
            let path = random.below(texts.paths.count)
            key("path", first: true)
            if write {
                column.append(byte: UInt8(ascii: "\""))
                column.append(texts.paths[path])
                if path == texts.paths.count - 1 { column.appendDecimal(random.below(500)) }
                column.append(byte: UInt8(ascii: "\""))
            } else if path == texts.paths.count - 1 {
                _ = random.next()
            }
            if isFirst {
                key("referrer")
                string(texts.referrers[random.below(texts.referrers.count)])
            }
        case .click:
            key("element", first: true)
            string(texts.elements[random.below(texts.elements.count)])
            key("x")
            number(random.below(1920))
            key("y")
            number(random.below(1080))
        case .search:
            key("query", first: true)
            string(texts.queries[random.below(texts.queries.count)])
            key("results")
            number(random.chance(per1000: 100) ? 0 : random.below(200))
        case .addToCart:
            key("product_id", first: true)
            number(random.below(500))
            key("quantity")
            number(1 + random.below(3))
            key("price")
            cents(199 + random.below(20_000))
        case .purchase:
            key("order_id", first: true)
            number(100_000 + random.below(900_000))
            key("amount")
            cents(500 + random.below(50_000))
            key("currency")
            string(texts.currencies[random.pick([60, 30, 10], total: 100)])
        case .login:
            key("method", first: true)
            string(texts.methods[random.pick([50, 30, 15, 5], total: 100)])
        case .error:
            let kind = random.below(texts.errors.count)
            key("code", first: true)
            number(texts.errorCodes[kind])
            key("message")
            string(texts.errors[kind])
        case .logout:
            break
        }
        if write {
            column.append(byte: UInt8(ascii: "}"))
            column.finishValue()
        }
    }

    /// A bijective 64-bit mix (SplitMix64's finalizer): distinct sessions get distinct ids.
    private static func mix(_ value: UInt64) -> UInt64 {
        var mixed = value
        mixed = (mixed ^ (mixed &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed &>> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed &>> 31)
    }
}
