import LakeColumnar

/// The `sensors` sample data set: IoT readings from devices spread over sites (SPEC.md §9).
///
/// Deterministic for a seed: the same seed, row count and batch size give the same rows, so demos,
/// tests and benchmarks can regenerate their inputs instead of storing them. About 1% of the
/// temperatures and humidities are null, 0.1% of the temperatures are outliers (sensor faults of
/// ±100 °C), and batteries drain slowly per device.
public struct SensorReadings: Sendable {
    /// The columns of every batch.
    public static let schema = Schema([
        Field("device_id", .string, isNullable: false),
        Field("site", .string, isNullable: false),
        Field("ts", .timestamp, isNullable: false),
        Field("temperature", .float64),
        Field("humidity", .float64),
        Field("battery", .int32),
    ])

    /// The sites devices belong to; device `n` is at site `n % sites.count`.
    public static let sites = [
        "amsterdam", "berlin", "chicago", "lagos", "lima", "osaka", "oslo", "sydney",
    ]

    /// The number of rows to generate.
    public let rowCount: Int
    /// The number of distinct devices.
    public let deviceCount: Int
    /// The first reading's time, in microseconds since the Unix epoch (UTC).
    public let startMicros: Int64
    /// The time between two consecutive rows, in microseconds.
    public let stepMicros: Int64
    private let seed: UInt64

    /// A generator of `rowCount` readings from `deviceCount` devices, one every `stepMicros`
    /// starting at `startMicros` (default 2024-01-01T00:00:00Z, one reading a second).
    public init(
        rowCount: Int, seed: UInt64 = 42, deviceCount: Int = 500,
        startMicros: Int64 = 1_704_067_200_000_000, stepMicros: Int64 = 1_000_000
    ) {
        precondition(rowCount >= 0 && deviceCount > 0 && stepMicros > 0)
        self.rowCount = rowCount
        self.seed = seed
        self.deviceCount = deviceCount
        self.startMicros = startMicros
        self.stepMicros = stepMicros
    }

    /// The rows `range` as one batch. Any split of the rows into ranges gives the same rows.
    public func batch(_ range: Range<Int>) -> RecordBatch {
        precondition(range.lowerBound >= 0 && range.upperBound <= rowCount)
        let count = range.count
        var deviceOffsets = ContiguousArray<Int32>()
        var deviceBytes = ContiguousArray<UInt8>()
        var siteOffsets = ContiguousArray<Int32>()
        var siteBytes = ContiguousArray<UInt8>()
        deviceOffsets.reserveCapacity(count + 1)
        siteOffsets.reserveCapacity(count + 1)
        deviceBytes.reserveCapacity(count * 8)
        siteBytes.reserveCapacity(count * 8)
        deviceOffsets.append(0)
        siteOffsets.append(0)
        var timestamps = ContiguousArray<Int64>(repeating: 0, count: count)
        var temperatures = ContiguousArray<Double>(repeating: 0, count: count)
        var humidities = ContiguousArray<Double>(repeating: 0, count: count)
        var batteries = ContiguousArray<Int32>(repeating: 0, count: count)
        var temperatureValidity = ValidityBitmap(allValidCount: count)
        var humidityValidity = ValidityBitmap(allValidCount: count)
        var batteryValidity = ValidityBitmap(allValidCount: count)
        let siteNames = Self.sites.map { Array($0.utf8) }
        let total = Int64(rowCount)
        for index in 0..<count {
            let row = range.lowerBound + index
            var random = SplitMix64(state: seed &+ UInt64(row) &* 0x9E37_79B9_7F4A_7C15)
            let device = Int(random.next() % UInt64(deviceCount))
            appendDeviceName(device, to: &deviceBytes)
            deviceOffsets.append(Int32(deviceBytes.count))
            let site = siteNames[device % siteNames.count]
            siteBytes.append(contentsOf: site)
            siteOffsets.append(Int32(siteBytes.count))
            timestamps[index] = startMicros &+ Int64(row) &* stepMicros
            // A daily cycle around a per-site mean, plus noise.
            let hour = Double((timestamps[index] / 3_600_000_000) % 24)
            let siteMean = 8.0 + Double(device % siteNames.count) * 2.5
            let daily = 6.0 * Self.dailyShape(hour)
            var temperature = siteMean + daily + random.unitInterval() * 2.0 - 1.0
            let fault = random.next() % 1000
            if fault == 0 { temperature += random.next() & 1 == 0 ? 100 : -100 }
            temperatures[index] = (temperature * 100).rounded() / 100
            if random.next() % 100 == 0 { temperatureValidity.setNull(at: index) }
            humidities[index] = ((40 + random.unitInterval() * 50) * 10).rounded() / 10
            if random.next() % 100 == 0 { humidityValidity.setNull(at: index) }
            let drained = Int64(row) * 60 / max(total, 1)
            batteries[index] = Int32(100 - drained - Int64(device % 30))
            if random.next() % 500 == 0 { batteryValidity.setNull(at: index) }
        }
        return RecordBatch(
            schema: Self.schema,
            columns: [
                .string(StringColumn(offsets: deviceOffsets, bytes: deviceBytes)),
                .string(StringColumn(offsets: siteOffsets, bytes: siteBytes)),
                .timestamp(PrimitiveColumn(values: timestamps)),
                .float64(PrimitiveColumn(values: temperatures, validity: temperatureValidity)),
                .float64(PrimitiveColumn(values: humidities, validity: humidityValidity)),
                .int32(PrimitiveColumn(values: batteries, validity: batteryValidity)),
            ],
            rowCount: count
        )
    }

    /// Batches of at most `batchRows` rows covering every row, in order.
    public func batches(batchRows: Int = 131_072) -> [RecordBatch] {
        precondition(batchRows > 0)
        return stride(from: 0, to: rowCount, by: batchRows).map { batch($0..<min($0 + batchRows, rowCount)) }
    }

    /// A smooth daily temperature shape in [-1, 1], coldest at 04:00 and warmest at 16:00.
    private static func dailyShape(_ hour: Double) -> Double {
        let distance = abs(hour - 16)
        return 1 - 2 * min(distance, 24 - distance) / 12
    }

    private static let devicePrefix: ContiguousArray<UInt8> = [0x64, 0x65, 0x76, 0x2D]  // "dev-"

    /// Appends `dev-NNNN` (at least four digits) for `device`.
    private func appendDeviceName(_ device: Int, to bytes: inout ContiguousArray<UInt8>) {
        bytes.append(contentsOf: Self.devicePrefix)
        var width = 1
        var rest = device / 10
        while rest > 0 {
            width += 1
            rest /= 10
        }
        width = max(width, 4)
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0x30, count: width))
        var value = device
        var position = start + width - 1
        while value > 0 {
            bytes[position] = UInt8(0x30 + value % 10)
            value /= 10
            position -= 1
        }
    }
}

/// Sebastiano Vigna's SplitMix64: a tiny, fast, well-mixed generator for deterministic data.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed &>> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed &>> 31)
    }

    /// A double in [0, 1) with 53 random bits.
    mutating func unitInterval() -> Double {
        Double(next() &>> 11) * 0x1.0p-53
    }
}
