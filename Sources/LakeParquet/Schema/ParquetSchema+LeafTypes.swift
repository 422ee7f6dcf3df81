import LakeColumnar

extension ParquetSchema {
    /// The lake type of a leaf and how its physical values become that type (parquet.md §9).
    ///
    /// The ``LogicalType`` decides when present; otherwise the ``ConvertedType``; otherwise the
    /// physical type. An annotation that does not fit the physical type (e.g. STRING on INT32),
    /// an unknown union member and `UNKNOWN` (the null type) all fall back to the physical type.
    ///
    /// | physical | annotation | lake type | conversion |
    /// |---|---|---|---|
    /// | INT32 | INT(8/16, signed) / INT_8, INT_16 | int8 / int16 | ``ValueConversion/int32ToInt8`` / ``ValueConversion/int32ToInt16`` |
    /// | INT32 | INT(8/16/32, unsigned) / UINT_* | int16 / int32 / int64 | `uint8ToInt16` / `uint16ToInt32` / `uint32ToInt64` |
    /// | INT32 | DATE; TIME(MILLIS) / TIME_MILLIS | date; time | none; `int32MillisToMicros` |
    /// | INT64 | INT(64, unsigned) / UINT_64 | decimal(20, 0) | `uint64ToDecimal` |
    /// | INT64 | TIMESTAMP(utc, unit) | timestamp if utc else timestampNTZ | by unit |
    /// | INT64 | TIMESTAMP_MILLIS / _MICROS (no LogicalType) | timestamp (UTC) | by unit |
    /// | INT64 | TIME(MICROS / NANOS) / TIME_MICROS | time | none / `int64NanosToMicros` |
    /// | INT32, INT64 | DECIMAL | decimal(p, s) | `decimalFromInteger` |
    /// | BYTE_ARRAY, FLBA | DECIMAL | decimal(p, s) | `decimalFromBigEndian` |
    /// | INT96 | - | timestampNTZ | `int96ToMicros` |
    /// | BYTE_ARRAY | STRING / UTF8, ENUM, JSON | string | none |
    /// | FLBA(2) | FLOAT16 | float32 | `float16ToFloat32` |
    /// | BYTE_ARRAY, FLBA | anything else (UUID, INTERVAL, BSON, geo, none) | binary | none |
    ///
    /// - Throws: ``DecodeError/unsupported(_:)`` for a decimal whose precision is outside 1...38
    ///   or whose scale is outside 0...precision; ``DecodeError/corrupt(_:)`` for a
    ///   FIXED_LEN_BYTE_ARRAY without a positive `type_length`.
    static func leafType(
        of element: SchemaElement,
        physicalType: PhysicalType
    ) throws(DecodeError) -> (DataType, ValueConversion) {
        if physicalType == .fixedLenByteArray {
            guard let length = element.typeLength, length > 0 else {
                throw .corrupt("FIXED_LEN_BYTE_ARRAY column '\(element.name)' has no positive type_length")
            }
        }
        if let logicalType = element.logicalType {
            if let mapped = try logicalLeafType(logicalType, of: element, physicalType: physicalType) {
                return mapped
            }
        } else if let convertedType = element.convertedType {
            if let mapped = try convertedLeafType(convertedType, of: element, physicalType: physicalType) {
                return mapped
            }
        }
        return physicalLeafType(physicalType)
    }

    /// The mapping of an unannotated physical type.
    static func physicalLeafType(_ physicalType: PhysicalType) -> (DataType, ValueConversion) {
        switch physicalType {
        case .boolean: (.boolean, .none)
        case .int32: (.int32, .none)
        case .int64: (.int64, .none)
        case .int96: (.timestampNTZ, .int96ToMicros)
        case .float: (.float32, .none)
        case .double: (.float64, .none)
        case .byteArray, .fixedLenByteArray: (.binary, .none)
        }
    }

    private static func logicalLeafType(
        _ logicalType: LogicalType,
        of element: SchemaElement,
        physicalType: PhysicalType
    ) throws(DecodeError) -> (DataType, ValueConversion)? {
        switch (logicalType, physicalType) {
        case (.string, .byteArray), (.enum, .byteArray), (.json, .byteArray):
            return (.string, .none)
        case (.decimal(let scale, let precision), _):
            return try decimalLeafType(of: element, precision: precision, scale: scale, physicalType: physicalType)
        case (.date, .int32):
            return (.date, .none)
        case (.time(_, .millis), .int32):
            return (.time, .int32MillisToMicros)
        case (.time(_, .micros), .int64):
            return (.time, .none)
        case (.time(_, .nanos), .int64):
            return (.time, .int64NanosToMicros)
        case (.timestamp(let isAdjustedToUTC, let unit), .int64):
            return (isAdjustedToUTC ? .timestamp : .timestampNTZ, int64Conversion(unit))
        case (.integer(let bitWidth, let isSigned), .int32):
            return int32Integer(bitWidth: Int(bitWidth), isSigned: isSigned)
        case (.integer(64, false), .int64):
            return (.decimal(precision: 20, scale: 0), .uint64ToDecimal)
        case (.float16, .fixedLenByteArray) where element.typeLength == 2:
            return (.float32, .float16ToFloat32)
        default:
            return nil
        }
    }

    private static func convertedLeafType(
        _ convertedType: ConvertedType,
        of element: SchemaElement,
        physicalType: PhysicalType
    ) throws(DecodeError) -> (DataType, ValueConversion)? {
        switch (convertedType, physicalType) {
        case (.utf8, .byteArray), (.enum, .byteArray), (.json, .byteArray):
            return (.string, .none)
        case (.decimal, _):
            guard let precision = element.precision else {
                throw .unsupported("DECIMAL column '\(element.name)' has no precision")
            }
            return try decimalLeafType(
                of: element,
                precision: precision,
                scale: element.scale ?? 0,
                physicalType: physicalType
            )
        case (.date, .int32):
            return (.date, .none)
        case (.timeMillis, .int32):
            return (.time, .int32MillisToMicros)
        case (.timeMicros, .int64):
            return (.time, .none)
        case (.timestampMillis, .int64):
            return (.timestamp, .int64MillisToMicros)
        case (.timestampMicros, .int64):
            return (.timestamp, .none)
        case (.int8, .int32): return int32Integer(bitWidth: 8, isSigned: true)
        case (.int16, .int32): return int32Integer(bitWidth: 16, isSigned: true)
        case (.int32, .int32): return int32Integer(bitWidth: 32, isSigned: true)
        case (.uint8, .int32): return int32Integer(bitWidth: 8, isSigned: false)
        case (.uint16, .int32): return int32Integer(bitWidth: 16, isSigned: false)
        case (.uint32, .int32): return int32Integer(bitWidth: 32, isSigned: false)
        case (.uint64, .int64): return (.decimal(precision: 20, scale: 0), .uint64ToDecimal)
        default:
            return nil
        }
    }

    private static func int32Integer(bitWidth: Int, isSigned: Bool) -> (DataType, ValueConversion)? {
        switch (bitWidth, isSigned) {
        case (8, true): (.int8, .int32ToInt8)
        case (16, true): (.int16, .int32ToInt16)
        case (32, true): (.int32, .none)
        case (8, false): (.int16, .uint8ToInt16)
        case (16, false): (.int32, .uint16ToInt32)
        case (32, false): (.int64, .uint32ToInt64)
        default: nil
        }
    }

    private static func int64Conversion(_ unit: TimeUnit) -> ValueConversion {
        switch unit {
        case .millis: .int64MillisToMicros
        case .micros: .none
        case .nanos: .int64NanosToMicros
        }
    }

    private static func decimalLeafType(
        of element: SchemaElement,
        precision: Int32,
        scale: Int32,
        physicalType: PhysicalType
    ) throws(DecodeError) -> (DataType, ValueConversion)? {
        let conversion: ValueConversion
        switch physicalType {
        case .int32, .int64: conversion = .decimalFromInteger
        case .byteArray, .fixedLenByteArray: conversion = .decimalFromBigEndian
        case .boolean, .int96, .float, .double: return nil
        }
        guard precision >= 1, precision <= DataType.maxDecimalPrecision else {
            throw .unsupported(
                "column '\(element.name)' is DECIMAL(\(precision),\(scale)); precision must be 1...\(DataType.maxDecimalPrecision)"
            )
        }
        guard scale >= 0, scale <= precision else {
            throw .unsupported(
                "column '\(element.name)' is DECIMAL(\(precision),\(scale)); scale must be 0...precision"
            )
        }
        return (.decimal(precision: Int(precision), scale: Int(scale)), conversion)
    }
}
