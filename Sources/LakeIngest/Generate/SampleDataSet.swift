import LakeColumnar

/// A deterministic generator of sample rows, cut into batches on demand (SPEC.md §9).
///
/// The rows depend only on the seed and the row count: ``batch(_:)`` returns the same rows for a
/// range however the whole is split, so batches can be made in parallel and in any order.
public protocol SampleDataSet: Sendable {
    /// The columns of every batch.
    var schema: Schema { get }
    /// The number of rows in the data set.
    var rowCount: Int { get }
    /// The rows `range` as one batch.
    func batch(_ range: Range<Int>) -> RecordBatch
}

extension SensorReadings: SampleDataSet {
    /// The columns of every batch (``SensorReadings/schema``).
    public var schema: Schema { Self.schema }
}

/// The sample data sets `lake generate` knows, by name (SPEC.md §2.9, §9).
public enum SampleDataSetName: String, Sendable, CaseIterable {
    /// IoT readings: ``SensorReadings``.
    case sensors
    /// App events grouped in sessions: ``AppEvents``.
    case events
    /// Order lines with decimal prices: ``OrderLines``.
    case orders

    /// The generator of `rowCount` rows for `seed`.
    public func makeGenerator(rowCount: Int, seed: UInt64) -> any SampleDataSet {
        switch self {
        case .sensors: SensorReadings(rowCount: rowCount, seed: seed)
        case .events: AppEvents(rowCount: rowCount, seed: seed)
        case .orders: OrderLines(rowCount: rowCount, seed: seed)
        }
    }
}

/// Appends values to the offsets and bytes of a string column without making a `String` per value.
struct StringColumnBuilder {
    var offsets = ContiguousArray<Int32>()
    var bytes = ContiguousArray<UInt8>()
    private var validity: ValidityBitmap?
    private let capacity: Int

    /// A builder for `rows` values of about `bytesPerRow` bytes each.
    init(rows: Int, bytesPerRow: Int) {
        offsets.reserveCapacity(rows &+ 1)
        offsets.append(0)
        bytes.reserveCapacity(rows &* bytesPerRow)
        capacity = rows
    }

    /// Ends the current value.
    @inline(__always) mutating func finishValue() {
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }

    /// Appends a null value.
    mutating func appendNull() {
        if validity == nil { validity = ValidityBitmap(allValidCount: capacity) }
        validity?.setNull(at: offsets.count &- 1)
        finishValue()
    }

    /// Appends `text` to the current value.
    @inline(__always) mutating func append(_ text: ContiguousArray<UInt8>) {
        bytes.append(contentsOf: text)
    }

    /// Appends one byte to the current value.
    @inline(__always) mutating func append(byte: UInt8) {
        bytes.append(byte)
    }

    /// Appends `value` in decimal, left-padded with zeros to at least `width` digits.
    mutating func appendDecimal(_ value: Int, width: Int = 1) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // up to 24 digits, least significant first
        var count = 0
        var rest = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(truncatingIfNeeded: rest % 10) &+ 48
                rest /= 10
                count &+= 1
            } while rest > 0
            while count < width && count < 24 {
                buffer[count] = 48
                count &+= 1
            }
            while count > 0 {
                count &-= 1
                bytes.append(buffer[count])
            }
        }
    }

    /// Appends `unscaled × 10^-2` with two fraction digits (`1999` → `19.99`).
    mutating func appendCents(_ unscaled: Int) {
        if unscaled < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = Int(unscaled.magnitude)
        appendDecimal(magnitude / 100)
        bytes.append(UInt8(ascii: "."))
        appendDecimal(magnitude % 100, width: 2)
    }

    /// The finished column.
    func build() -> StringColumn {
        StringColumn(offsets: offsets, bytes: bytes, validity: validity)
    }
}

/// A stream of random numbers for one unit of data (a row or a group of rows), seeded by position.
extension SplitMix64 {
    /// The generator for unit `index` of stream `salt` under `seed`: independent of every other unit.
    init(seed: UInt64, salt: UInt64, index: Int) {
        var mixer = SplitMix64(state: seed ^ salt)
        let base = mixer.next()
        self.init(state: base &+ UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03)
        _ = next()
    }

    /// A number in `0..<bound`.
    @inline(__always) mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next() % UInt64(bound))
    }

    /// Whether an event of probability `per1000 / 1000` happens.
    @inline(__always) mutating func chance(per1000: Int) -> Bool {
        below(1000) < per1000
    }

    /// An index into `weights` chosen with probability proportional to each weight.
    mutating func pick(_ weights: [Int], total: Int) -> Int {
        var draw = below(total)
        for (index, weight) in weights.enumerated() {
            if draw < weight { return index }
            draw &-= weight
        }
        return weights.count &- 1
    }
}

/// Texts as byte arrays, made once per generator rather than per row.
func byteArrays(_ texts: [String]) -> [ContiguousArray<UInt8>] {
    texts.map { ContiguousArray($0.utf8) }
}
