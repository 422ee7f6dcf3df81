import LakeColumnar

/// A column chunk's statistics as lake values (SPEC.md §4.3).
public struct ChunkStatistics: Sendable, Equatable {
    /// The smallest value, or `nil` when unknown.
    public var min: ScalarValue?
    /// The largest value, or `nil` when unknown.
    public var max: ScalarValue?
    /// Null values, or `nil` when the writer did not say (absent is unknown, not zero).
    public var nullCount: Int?
    /// NaN values of a float column, when recorded.
    public var nanCount: Int?

    /// Decodes `statistics` of a chunk of `descriptor`'s column.
    ///
    /// `min_value`/`max_value` count only when the footer declares `column_orders`; the legacy
    /// `min`/`max` only for signed-ordered types (their order was signed for every type, which is
    /// wrong for strings, unsigned integers and byte-array decimals). A NaN bound is ignored.
    package init(_ statistics: Statistics, descriptor: ColumnDescriptor, hasColumnOrders: Bool) {
        nullCount = statistics.nullCount.map { Int($0) }
        nanCount = statistics.nanCount.map { Int($0) }
        var minBytes: [UInt8]?
        var maxBytes: [UInt8]?
        if hasColumnOrders, statistics.minValue != nil || statistics.maxValue != nil {
            minBytes = statistics.minValue
            maxBytes = statistics.maxValue
        } else if Self.legacyOrderIsSigned(descriptor) {
            minBytes = statistics.min
            maxBytes = statistics.max
        }
        min = minBytes.flatMap { Self.value($0, descriptor) }
        max = maxBytes.flatMap { Self.value($0, descriptor) }
    }

    private static func legacyOrderIsSigned(_ descriptor: ColumnDescriptor) -> Bool {
        switch descriptor.physicalType {
        case .boolean, .int32, .int64, .float, .double:
            switch descriptor.conversion {
            case .uint8ToInt16, .uint16ToInt32, .uint32ToInt64, .uint64ToDecimal: return false
            default: return true
            }
        case .int96, .byteArray, .fixedLenByteArray: return false
        }
    }

    /// One PLAIN-encoded value (no length prefix) as a lake value, or `nil` if it cannot be read.
    static func value(_ bytes: [UInt8], _ descriptor: ColumnDescriptor) -> ScalarValue? {
        func load<T: FixedWidthInteger>(_ type: T.Type) -> T? {
            guard bytes.count == MemoryLayout<T>.size else { return nil }
            return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
        }
        switch descriptor.physicalType {
        case .boolean:
            guard bytes.count == 1 else { return nil }
            return .boolean(bytes[0] != 0)
        case .int32:
            guard let raw = load(Int32.self) else { return nil }
            switch descriptor.conversion {
            case .none: return descriptor.dataType == .date ? .date(raw) : .integer(Int64(raw))
            case .int32ToInt8, .int32ToInt16: return .integer(Int64(raw))
            case .uint8ToInt16, .uint16ToInt32, .uint32ToInt64: return .integer(Int64(UInt32(bitPattern: raw)))
            case .int32MillisToMicros: return .time(Int64(raw) * 1000)
            case .decimalFromInteger: return decimal(Int128(raw), descriptor)
            default: return nil
            }
        case .int64:
            guard let raw = load(Int64.self) else { return nil }
            switch descriptor.conversion {
            case .none: return temporal(raw, descriptor)
            case .uint64ToDecimal: return .decimal(Int128(UInt64(bitPattern: raw)), scale: 0)
            case .int64MillisToMicros:
                let (micros, overflow) = raw.multipliedReportingOverflow(by: 1000)
                return overflow ? nil : temporal(micros, descriptor)
            case .int64NanosToMicros: return temporal(raw >= 0 ? raw / 1000 : (raw - 999) / 1000, descriptor)
            case .decimalFromInteger: return decimal(Int128(raw), descriptor)
            default: return nil
            }
        case .float:
            guard let raw = load(UInt32.self) else { return nil }
            let number = Float(bitPattern: raw)
            return number.isNaN ? nil : .float32(number)
        case .double:
            guard let raw = load(UInt64.self) else { return nil }
            let number = Double(bitPattern: raw)
            return number.isNaN ? nil : .float(number)
        case .int96:
            return nil  // INT96 statistics are undefined (parquet.md §8).
        case .byteArray, .fixedLenByteArray:
            switch descriptor.conversion {
            case .decimalFromBigEndian:
                let unscaled = bytes.withUnsafeBufferPointer {
                    ColumnChunkReader.bigEndianInteger($0, 0, bytes.count)
                }
                return unscaled.flatMap { decimal($0, descriptor) }
            case .float16ToFloat32:
                guard bytes.count == 2 else { return nil }
                let number = ColumnChunkReader.float(fromHalf: UInt16(bytes[0]) | UInt16(bytes[1]) << 8)
                return number.isNaN ? nil : .float32(number)
            default:
                if descriptor.dataType == .string { return .string(String(decoding: bytes, as: UTF8.self)) }
                return .binary(bytes)
            }
        }
    }

    private static func temporal(_ micros: Int64, _ descriptor: ColumnDescriptor) -> ScalarValue {
        switch descriptor.dataType {
        case .timestamp: .timestamp(micros)
        case .timestampNTZ: .timestampNTZ(micros)
        case .time: .time(micros)
        default: .integer(micros)
        }
    }

    private static func decimal(_ unscaled: Int128, _ descriptor: ColumnDescriptor) -> ScalarValue? {
        guard case .decimal(_, let scale) = descriptor.dataType else { return nil }
        return .decimal(unscaled, scale: scale)
    }
}
