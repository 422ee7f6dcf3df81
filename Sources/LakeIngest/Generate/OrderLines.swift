import LakeColumnar

/// The `orders` sample data set: the lines of web-shop orders, with exact decimal prices
/// (SPEC.md §9).
///
/// One row per order line; an order has 1…5 consecutive lines sharing its id, time, customer,
/// coupon and status. Orders are laid out in blocks of ``blockRows`` rows, each generated from its
/// own random stream, so any row range can be made without the rows before it. Prices come from a
/// fixed catalog; `amount = quantity × unit_price × (1 − discount)`, rounded half up to cents.
public struct OrderLines: SampleDataSet {
    /// The columns of every batch.
    public static let schema = Schema([
        Field("order_id", .int64, isNullable: false),
        Field("line", .int32, isNullable: false),
        Field("ordered_at", .timestamp, isNullable: false),
        Field("customer_id", .string, isNullable: false),
        Field("country", .string, isNullable: false),
        Field("sku", .string, isNullable: false),
        Field("product", .string, isNullable: false),
        Field("category", .string, isNullable: false),
        Field("quantity", .int32, isNullable: false),
        Field("unit_price", .decimal(precision: 10, scale: 2), isNullable: false),
        Field("discount", .decimal(precision: 3, scale: 2), isNullable: false),
        Field("amount", .decimal(precision: 12, scale: 2), isNullable: false),
        Field("coupon", .string),
        Field("status", .string, isNullable: false),
        Field("ship_date", .date),
    ])

    /// Order statuses.
    public static let statuses = ["pending", "paid", "shipped", "delivered", "cancelled", "returned"]
    /// Coupon codes and the discount each gives, in hundredths.
    public static let coupons: [(code: String, percent: Int)] = [
        ("WELCOME10", 10), ("SPRING15", 15), ("VIP20", 20), ("FLASH25", 25), ("LOYAL5", 5),
    ]
    /// Customers' countries (ISO 3166 codes).
    public static let countries = ["US", "DE", "GB", "FR", "NL", "SE", "IT", "PL", "JP", "CA"]
    /// The number of distinct customers.
    public static let customerCount = 50_000
    /// Rows per independently generated block.
    public static let blockRows = 64

    /// The catalog: 200 products, each with a category and a fixed price in cents.
    public static let catalog: [(name: String, category: String, cents: Int)] = {
        let adjectives = ["classic", "organic", "compact", "deluxe", "eco", "pro", "mini", "smart", "vintage", "ultra"]
        let nouns: [(String, String, Int)] = [
            ("coffee beans", "grocery", 1299), ("green tea", "grocery", 649), ("olive oil", "grocery", 1099),
            ("dark chocolate", "grocery", 349), ("headphones", "electronics", 7999),
            ("usb-c cable", "electronics", 1499), ("desk lamp", "home", 3999), ("power bank", "electronics", 2999),
            ("keyboard", "electronics", 5999), ("rain jacket", "apparel", 8999), ("running shoes", "apparel", 11999),
            ("wool socks", "apparel", 1299), ("t-shirt", "apparel", 1999), ("yoga mat", "sports", 2999),
            ("water bottle", "sports", 1799), ("backpack", "sports", 6999), ("notebook", "office", 499),
            ("fountain pen", "office", 3499), ("plant pot", "home", 1599), ("chef's knife", "home", 4999),
        ]
        var catalog: [(name: String, category: String, cents: Int)] = []
        for index in 0..<200 {
            let (noun, category, base) = nouns[index % nouns.count]
            let adjective = adjectives[index / nouns.count]
            // Adjectives move the price by -20 % … +70 %, ending in 9 cents like shop prices.
            let factor = 80 + (index / nouns.count) * 10
            let cents = max(99, (base * factor / 100) / 10 * 10 + 9)
            catalog.append((adjective + " " + noun, category, cents))
        }
        return catalog
    }()

    /// The number of rows to generate.
    public let rowCount: Int
    /// The first order's time, in microseconds since the Unix epoch (UTC).
    public let startMicros: Int64
    private let seed: UInt64

    /// A generator of `rowCount` order lines starting at `startMicros` (default 2024-01-01T00:00:00Z).
    public init(rowCount: Int, seed: UInt64 = 42, startMicros: Int64 = 1_704_067_200_000_000) {
        precondition(rowCount >= 0)
        self.rowCount = rowCount
        self.seed = seed
        self.startMicros = startMicros
    }

    /// The columns of every batch.
    public var schema: Schema { Self.schema }

    private struct Texts {
        let customerPrefix = ContiguousArray("c-".utf8)
        let skuPrefix = ContiguousArray("SKU-".utf8)
        let countries = byteArrays(OrderLines.countries)
        let statuses = byteArrays(OrderLines.statuses)
        let coupons = byteArrays(OrderLines.coupons.map(\.code))
        let products = byteArrays(OrderLines.catalog.map(\.name))
        let categories = byteArrays(OrderLines.catalog.map(\.category))
    }

    /// The rows `range` as one batch. Any split of the rows into ranges gives the same rows.
    public func batch(_ range: Range<Int>) -> RecordBatch {
        precondition(range.lowerBound >= 0 && range.upperBound <= rowCount)
        let count = range.count
        let texts = Texts()
        let catalog = Self.catalog
        var orderIDs = ContiguousArray<Int64>()
        var lines = ContiguousArray<Int32>()
        var timestamps = ContiguousArray<Int64>()
        var quantities = ContiguousArray<Int32>()
        var unitPrices = ContiguousArray<Int64>()
        var discounts = ContiguousArray<Int64>()
        var amounts = ContiguousArray<Int64>()
        var shipDates = ContiguousArray<Int32>()
        orderIDs.reserveCapacity(count)
        lines.reserveCapacity(count)
        timestamps.reserveCapacity(count)
        quantities.reserveCapacity(count)
        unitPrices.reserveCapacity(count)
        discounts.reserveCapacity(count)
        amounts.reserveCapacity(count)
        shipDates.reserveCapacity(count)
        var shipValidity = ValidityBitmap(allValidCount: count)
        var customers = StringColumnBuilder(rows: count, bytesPerRow: 7)
        var countries = StringColumnBuilder(rows: count, bytesPerRow: 2)
        var skus = StringColumnBuilder(rows: count, bytesPerRow: 8)
        var products = StringColumnBuilder(rows: count, bytesPerRow: 16)
        var categories = StringColumnBuilder(rows: count, bytesPerRow: 8)
        var coupons = StringColumnBuilder(rows: count, bytesPerRow: 1)
        var statuses = StringColumnBuilder(rows: count, bytesPerRow: 9)

        let blockRows = Self.blockRows
        let secondsPerRow: Int64 = 90  // about one order line every 90 s
        let recent = rowCount - max(1, rowCount / 50)  // the last 2 % of orders are still open
        var block = range.lowerBound / blockRows
        while block * blockRows < range.upperBound {
            var random = SplitMix64(seed: seed, salt: 0x4F52_4445_5253, index: block)  // "ORDERS"
            let blockStart = block * blockRows
            let blockEnd = min(blockStart + blockRows, rowCount)
            var row = blockStart
            while row < blockEnd {
                let lineCount = 1 + random.pick([35, 25, 20, 12, 8], total: 100)
                let orderEnd = min(row + lineCount, blockEnd)
                let orderID = Int64(row) + 1
                var time = startMicros + Int64(row) * secondsPerRow * 1_000_000
                time += Int64(random.below(Int(secondsPerRow) * 1000)) * 1000
                let draw = random.unitInterval()
                let customer = min(Int(draw * draw * Double(Self.customerCount)), Self.customerCount - 1)
                var customerRandom = SplitMix64(seed: seed, salt: 0x4355_5354, index: customer)  // "CUST"
                let country = customerRandom.pick([35, 15, 12, 10, 6, 5, 5, 5, 4, 3], total: 100)
                let coupon = random.chance(per1000: 120) ? random.below(Self.coupons.count) : -1
                let percent = coupon >= 0 ? Self.coupons[coupon].percent : 0
                let status: Int
                if row >= recent {
                    status = random.pick([30, 30, 30, 0, 10, 0], total: 100)
                } else {
                    status = random.pick([0, 0, 3, 88, 5, 4], total: 100)
                }
                let shipped = status == 2 || status == 3 || status == 5
                let orderDay = Int32(time / 86_400_000_000)
                let shipDay = orderDay + 1 + Int32(random.below(5))
                var line = 1
                while row < orderEnd {
                    let product = Int(random.next() % UInt64(catalog.count))
                    let quantityDraw = random.below(100)
                    let quantity = quantityDraw < 60 ? 1 : quantityDraw < 80 ? 2 : 3 + random.below(8)
                    if range.contains(row) {
                        let price = catalog[product].cents
                        orderIDs.append(orderID)
                        lines.append(Int32(line))
                        timestamps.append(time)
                        quantities.append(Int32(quantity))
                        unitPrices.append(Int64(price))
                        discounts.append(Int64(percent))
                        // cents × (100 − percent) / 100, rounded half up.
                        amounts.append(Int64((quantity * price * (100 - percent) + 50) / 100))
                        shipDates.append(shipped ? shipDay : 0)
                        if !shipped { shipValidity.setNull(at: row - range.lowerBound) }
                        customers.append(texts.customerPrefix)
                        customers.appendDecimal(customer, width: 5)
                        customers.finishValue()
                        countries.append(texts.countries[country])
                        countries.finishValue()
                        skus.append(texts.skuPrefix)
                        skus.appendDecimal(product, width: 4)
                        skus.finishValue()
                        products.append(texts.products[product])
                        products.finishValue()
                        categories.append(texts.categories[product])
                        categories.finishValue()
                        if coupon >= 0 {
                            coupons.append(texts.coupons[coupon])
                            coupons.finishValue()
                        } else {
                            coupons.appendNull()
                        }
                        statuses.append(texts.statuses[status])
                        statuses.finishValue()
                    }
                    line += 1
                    row += 1
                }
            }
            block += 1
        }
        return RecordBatch(
            schema: Self.schema,
            columns: [
                .int64(PrimitiveColumn(values: orderIDs)),
                .int32(PrimitiveColumn(values: lines)),
                .timestamp(PrimitiveColumn(values: timestamps)),
                .string(customers.build()),
                .string(countries.build()),
                .string(skus.build()),
                .string(products.build()),
                .string(categories.build()),
                .int32(PrimitiveColumn(values: quantities)),
                .decimal64(PrimitiveColumn(values: unitPrices), precision: 10, scale: 2),
                .decimal64(PrimitiveColumn(values: discounts), precision: 3, scale: 2),
                .decimal64(PrimitiveColumn(values: amounts), precision: 12, scale: 2),
                .string(coupons.build()),
                .string(statuses.build()),
                .date(PrimitiveColumn(values: shipDates, validity: shipValidity)),
            ],
            rowCount: count
        )
    }
}
