import LakeColumnar

/// Physical values → lake values, once per chunk (SPEC.md §4, type mapping).
extension ColumnChunkReader {
    func convert(int32 values: ContiguousArray<Int32>) throws(DecodeError) -> Column {
        switch descriptor.conversion {
        case .none:
            switch descriptor.dataType {
            case .date: return .date(PrimitiveColumn(values: values))
            default: return .int32(PrimitiveColumn(values: values))
            }
        case .int32ToInt8: return .int8(PrimitiveColumn(values: map(values) { Int8(truncatingIfNeeded: $0) }))
        case .int32ToInt16: return .int16(PrimitiveColumn(values: map(values) { Int16(truncatingIfNeeded: $0) }))
        case .uint8ToInt16:
            return .int16(PrimitiveColumn(values: map(values) { Int16(UInt8(truncatingIfNeeded: $0)) }))
        case .uint16ToInt32:
            return .int32(PrimitiveColumn(values: map(values) { Int32(UInt16(truncatingIfNeeded: $0)) }))
        case .uint32ToInt64: return .int64(PrimitiveColumn(values: map(values) { Int64(UInt32(bitPattern: $0)) }))
        case .int32MillisToMicros: return .time(PrimitiveColumn(values: map(values) { Int64($0) &* 1000 }))
        case .decimalFromInteger: return try decimal(map(values) { Int64($0) })
        default: throw .corrupt("internal: conversion \(descriptor.conversion) does not apply to INT32")
        }
    }

    func convert(int64 values: ContiguousArray<Int64>) throws(DecodeError) -> Column {
        switch descriptor.conversion {
        case .none: return try temporal(values)
        case .uint64ToDecimal:
            return .decimal128(
                PrimitiveColumn(values: map(values) { Int128(UInt64(bitPattern: $0)) }), precision: 20, scale: 0)
        case .int64MillisToMicros:
            var overflow = false
            let micros = map(values) { value -> Int64 in
                let (result, didOverflow) = value.multipliedReportingOverflow(by: 1000)
                overflow = overflow || didOverflow
                return result
            }
            if overflow { throw .corrupt("a millisecond value is outside the range of microsecond timestamps") }
            return try temporal(micros)
        case .int64NanosToMicros:
            return try temporal(map(values) { $0 >= 0 ? $0 / 1000 : ($0 &- 999) / 1000 })
        case .decimalFromInteger: return try decimal(values)
        default: throw .corrupt("internal: conversion \(descriptor.conversion) does not apply to INT64")
        }
    }

    private func temporal(_ values: ContiguousArray<Int64>) throws(DecodeError) -> Column {
        switch descriptor.dataType {
        case .timestamp: .timestamp(PrimitiveColumn(values: values))
        case .timestampNTZ: .timestampNTZ(PrimitiveColumn(values: values))
        case .time: .time(PrimitiveColumn(values: values))
        default: .int64(PrimitiveColumn(values: values))
        }
    }

    private func decimal(_ unscaled: ContiguousArray<Int64>) throws(DecodeError) -> Column {
        guard case .decimal(let precision, let scale) = descriptor.dataType else {
            throw .corrupt("internal: decimal conversion for type \(descriptor.dataType)")
        }
        if precision <= DataType.maxDecimal64Precision {
            return .decimal64(PrimitiveColumn(values: unscaled), precision: precision, scale: scale)
        }
        return .decimal128(PrimitiveColumn(values: map(unscaled) { Int128($0) }), precision: precision, scale: scale)
    }

    func convert(offsets: ContiguousArray<Int32>, bytes: ContiguousArray<UInt8>) throws(DecodeError) -> Column {
        switch descriptor.conversion {
        case .none:
            let column = StringColumn(offsets: offsets, bytes: bytes)
            return descriptor.dataType == .string ? .string(column) : .binary(column)
        case .decimalFromBigEndian:
            let count = offsets.count - 1
            var failure: DecodeError?
            let values = ContiguousArray<Int128>(unsafeUninitializedCapacity: count) { output, initialized in
                bytes.withUnsafeBufferPointer { raw in
                    offsets.withUnsafeBufferPointer { bounds in
                        for row in 0..<count {
                            let start = Int(bounds[row])
                            let end = Int(bounds[row + 1])
                            guard let value = Self.bigEndianInteger(raw, start, end) else {
                                failure = .corrupt("a decimal of \(end - start) bytes does not fit 128 bits")
                                output[row] = 0
                                continue
                            }
                            output[row] = value
                        }
                    }
                }
                initialized = count
            }
            if let failure { throw failure }
            return try narrowDecimal(values)
        default: throw .corrupt("internal: conversion \(descriptor.conversion) does not apply to BYTE_ARRAY")
        }
    }

    func convert(fixed bytes: ContiguousArray<UInt8>, width: Int) throws(DecodeError) -> Column {
        let count = bytes.count / width
        switch descriptor.conversion {
        case .none:
            let offsets = ContiguousArray<Int32>((0...count).map { Int32(truncatingIfNeeded: $0 * width) })
            return .binary(StringColumn(offsets: offsets, bytes: bytes))
        case .int96ToMicros:
            let values = ContiguousArray<Int64>(unsafeUninitializedCapacity: count) { output, initialized in
                bytes.withUnsafeBytes { raw in
                    for row in 0..<count {
                        let nanos = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: row * 12, as: Int64.self))
                        let julianDay = Int32(littleEndian: raw.loadUnaligned(fromByteOffset: row * 12 + 8, as: Int32.self))
                        // Spark's arithmetic: signed, truncating, wrapping Int64 (parquet.md §9, INT96).
                        output[row] = (Int64(julianDay) &- 2_440_588) &* 86_400_000_000 &+ nanos / 1000
                    }
                }
                initialized = count
            }
            return try temporal(values)
        case .float16ToFloat32:
            guard width == 2 else { throw .corrupt("FLOAT16 values must be 2 bytes, not \(width)") }
            let values = ContiguousArray<Float>(unsafeUninitializedCapacity: count) { output, initialized in
                bytes.withUnsafeBytes { raw in
                    for row in 0..<count {
                        output[row] = Self.float(fromHalf: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: row * 2, as: UInt16.self)))
                    }
                }
                initialized = count
            }
            return .float32(PrimitiveColumn(values: values))
        case .decimalFromBigEndian:
            guard width <= 16 else { throw .unsupported("decimals stored in \(width) bytes") }
            let values = ContiguousArray<Int128>(unsafeUninitializedCapacity: count) { output, initialized in
                bytes.withUnsafeBufferPointer { raw in
                    for row in 0..<count { output[row] = Self.bigEndianInteger(raw, row * width, row * width + width) ?? 0 }
                }
                initialized = count
            }
            return try narrowDecimal(values)
        default: throw .corrupt("internal: conversion \(descriptor.conversion) does not apply to fixed-width bytes")
        }
    }

    private func narrowDecimal(_ values: ContiguousArray<Int128>) throws(DecodeError) -> Column {
        guard case .decimal(let precision, let scale) = descriptor.dataType else {
            throw .corrupt("internal: decimal conversion for type \(descriptor.dataType)")
        }
        guard precision <= DataType.maxDecimal64Precision else {
            return .decimal128(PrimitiveColumn(values: values), precision: precision, scale: scale)
        }
        var overflow = false
        let narrow = map(values) { value -> Int64 in
            guard let small = Int64(exactly: value) else {
                overflow = true
                return 0
            }
            return small
        }
        if overflow { throw .corrupt("a DECIMAL(\(precision),\(scale)) value does not fit its precision") }
        return .decimal64(PrimitiveColumn(values: narrow), precision: precision, scale: scale)
    }

    /// The big-endian two's complement integer in `raw[start..<end]`, or `nil` if it needs more
    /// than 128 bits. An empty value is 0.
    static func bigEndianInteger(_ raw: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int128? {
        guard end > start else { return 0 }
        let negative = raw[start] & 0x80 != 0
        var first = start
        // Leading sign-extension bytes carry no information.
        while end - first > 16 {
            guard raw[first] == (negative ? 0xFF : 0x00) else { return nil }
            first += 1
        }
        var value: UInt128 = negative ? UInt128.max : 0
        for index in first..<end { value = (value &<< 8) | UInt128(raw[index]) }
        return Int128(bitPattern: value)
    }

    /// IEEE 754 half precision to single precision, exactly (subnormals, infinities and NaN kept).
    static func float(fromHalf bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        if exponent == 0 {
            let magnitude = Float(mantissa) * 0x1p-24
            return sign != 0 ? -magnitude : magnitude
        }
        return Float(bitPattern: sign | (UInt32(exponent + 112) << 23) | (mantissa << 13))
    }

    private func map<Source, Target>(_ source: ContiguousArray<Source>, _ transform: (Source) -> Target)
        -> ContiguousArray<Target>
    {
        let count = source.count
        return ContiguousArray<Target>(unsafeUninitializedCapacity: count) { output, initialized in
            source.withUnsafeBufferPointer { input in
                for index in 0..<count { (output.baseAddress! + index).initialize(to: transform(input[index])) }
            }
            initialized = count
        }
    }
}
