/// The type annotation of a schema element (`LogicalType` union, parquet.md §9).
///
/// Members this reader does not know decode as ``unrecognized(_:)`` instead of failing, so a file
/// from a newer writer degrades to the physical type (`good/unknown-logical-type.parquet`).
package enum LogicalType: ThriftStruct {
    /// 1: UTF-8 text on BYTE_ARRAY.
    case string
    /// 2: a map group.
    case map
    /// 3: a list group.
    case list
    /// 4: an enum label on BYTE_ARRAY (read as text).
    case `enum`
    /// 5: a decimal with `precision` digits, `scale` of them after the point.
    case decimal(scale: Int32, precision: Int32)
    /// 6: days since 1970-01-01 on INT32.
    case date
    /// 7: a time of day.
    case time(isAdjustedToUTC: Bool, unit: TimeUnit)
    /// 8: an instant (`isAdjustedToUTC`) or a wall-clock date and time.
    case timestamp(isAdjustedToUTC: Bool, unit: TimeUnit)
    /// 10: an integer of `bitWidth` bits (8, 16, 32 or 64), signed or not.
    case integer(bitWidth: Int8, isSigned: Bool)
    /// 11: `UNKNOWN` (the null type): the column is always null.
    case unknown
    /// 12: JSON text on BYTE_ARRAY.
    case json
    /// 13: BSON on BYTE_ARRAY.
    case bson
    /// 14: a UUID on FIXED_LEN_BYTE_ARRAY(16).
    case uuid
    /// 15: an IEEE half-precision float on FIXED_LEN_BYTE_ARRAY(2).
    case float16
    /// 16: a variant group (out of scope: read as its physical structure).
    case variant(specificationVersion: Int8?)
    /// 17: WKB geometry on BYTE_ARRAY (read as binary).
    case geometry(crs: String?)
    /// 18: WKB geography on BYTE_ARRAY (read as binary); `algorithm` is `EdgeInterpolationAlgorithm`.
    case geography(crs: String?, algorithm: Int32?)
    /// A union member this reader does not know, by field id (also TIME/TIMESTAMP with an
    /// unknown unit). Readers fall back to the physical type.
    case unrecognized(Int16)

    /// The union member's field id.
    package var fieldID: Int16 {
        switch self {
        case .string: 1
        case .map: 2
        case .list: 3
        case .enum: 4
        case .decimal: 5
        case .date: 6
        case .time: 7
        case .timestamp: 8
        case .integer: 10
        case .unknown: 11
        case .json: 12
        case .bson: 13
        case .uuid: 14
        case .float16: 15
        case .variant: 16
        case .geometry: 17
        case .geography: 18
        case .unrecognized(let id): id
        }
    }

    /// Decodes a `LogicalType` union.
    ///
    /// - Throws: ``DecodeError/corrupt(_:)`` when the union has no member or more than one, or a
    ///   known member lacks a required field.
    package init(from reader: inout ThriftCompactReader) throws(DecodeError) {
        var result: LogicalType?
        var members = 0
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            members += 1
            guard field.type == .struct else {
                try reader.skip(field.type)
                result = .unrecognized(field.id)
                continue
            }
            switch field.id {
            case 1: result = .string
            case 2: result = .map
            case 3: result = .list
            case 4: result = .enum
            case 5:
                result = try Self.decodeDecimal(from: &reader)
                continue
            case 6: result = .date
            case 7, 8:
                result = try Self.decodeTemporal(from: &reader, id: field.id)
                continue
            case 10:
                result = try Self.decodeInteger(from: &reader)
                continue
            case 11: result = .unknown
            case 12: result = .json
            case 13: result = .bson
            case 14: result = .uuid
            case 15: result = .float16
            case 16:
                result = try Self.decodeVariant(from: &reader)
                continue
            case 17, 18:
                result = try Self.decodeGeospatial(from: &reader, id: field.id)
                continue
            default: result = .unrecognized(field.id)
            }
            try reader.skipEmptyStruct()
        }
        reader.endStruct(frame)
        guard members == 1, let result else {
            throw reader.corrupt("LogicalType union has \(members) members set, not 1")
        }
        self = result
    }

    private static func decodeDecimal(from reader: inout ThriftCompactReader) throws(DecodeError) -> LogicalType {
        var scale: Int32?
        var precision: Int32?
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i32: scale = try reader.readI32()
            case 2 where field.type == .i32: precision = try reader.readI32()
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
        return .decimal(
            scale: try reader.require(scale, "DecimalType.scale"),
            precision: try reader.require(precision, "DecimalType.precision")
        )
    }

    private static func decodeTemporal(
        from reader: inout ThriftCompactReader,
        id: Int16
    ) throws(DecodeError) -> LogicalType {
        let name = id == 7 ? "TimeType" : "TimestampType"
        var isAdjustedToUTC: Bool?
        var unit: TimeUnit??
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type.isBool: isAdjustedToUTC = field.boolValue
            case 2 where field.type == .struct: unit = .some(try TimeUnit.decode(from: &reader))
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
        let adjusted = try reader.require(isAdjustedToUTC, "\(name).isAdjustedToUTC")
        guard let knownUnit = try reader.require(unit, "\(name).unit") else { return .unrecognized(id) }
        return id == 7
            ? .time(isAdjustedToUTC: adjusted, unit: knownUnit)
            : .timestamp(isAdjustedToUTC: adjusted, unit: knownUnit)
    }

    private static func decodeInteger(from reader: inout ThriftCompactReader) throws(DecodeError) -> LogicalType {
        var bitWidth: Int8?
        var isSigned: Bool?
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i8: bitWidth = try reader.readI8()
            case 2 where field.type.isBool: isSigned = field.boolValue
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
        return .integer(
            bitWidth: try reader.require(bitWidth, "IntType.bitWidth"),
            isSigned: try reader.require(isSigned, "IntType.isSigned")
        )
    }

    private static func decodeVariant(from reader: inout ThriftCompactReader) throws(DecodeError) -> LogicalType {
        var version: Int8?
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i8: version = try reader.readI8()
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
        return .variant(specificationVersion: version)
    }

    private static func decodeGeospatial(
        from reader: inout ThriftCompactReader,
        id: Int16
    ) throws(DecodeError) -> LogicalType {
        var crs: String?
        var algorithm: Int32?
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .binary: crs = try reader.readString()
            case 2 where field.type == .i32 && id == 18: algorithm = try reader.readI32()
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
        return id == 17 ? .geometry(crs: crs) : .geography(crs: crs, algorithm: algorithm)
    }

    /// Encodes the union.
    package func write(to writer: inout ThriftCompactWriter) {
        let frame = writer.beginStruct()
        writer.writeFieldHeader(fieldID, .struct)
        let member = writer.beginStruct()
        switch self {
        case .decimal(let scale, let precision):
            writer.writeField(1, i32: scale)
            writer.writeField(2, i32: precision)
        case .time(let isAdjustedToUTC, let unit), .timestamp(let isAdjustedToUTC, let unit):
            writer.writeField(1, bool: isAdjustedToUTC)
            writer.writeFieldHeader(2, .struct)
            unit.write(to: &writer)
        case .integer(let bitWidth, let isSigned):
            writer.writeField(1, i8: bitWidth)
            writer.writeField(2, bool: isSigned)
        case .variant(let version):
            if let version { writer.writeField(1, i8: version) }
        case .geometry(let crs):
            if let crs { writer.writeField(1, string: crs) }
        case .geography(let crs, let algorithm):
            if let crs { writer.writeField(1, string: crs) }
            if let algorithm { writer.writeField(2, i32: algorithm) }
        case .string, .map, .list, .enum, .date, .unknown, .json, .bson, .uuid, .float16, .unrecognized:
            break
        }
        writer.endStruct(member)
        writer.endStruct(frame)
    }
}
