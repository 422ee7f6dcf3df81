/// The unit of a TIME or TIMESTAMP logical type (`TimeUnit` union: 1 MILLIS, 2 MICROS, 3 NANOS).
package enum TimeUnit: Sendable, Hashable, CaseIterable {
    case millis
    case micros
    case nanos

    /// The union member's field id.
    package var fieldID: Int16 {
        switch self {
        case .millis: 1
        case .micros: 2
        case .nanos: 3
        }
    }

    /// The spec's name, e.g. `MICROS`.
    package var name: String {
        switch self {
        case .millis: "MILLIS"
        case .micros: "MICROS"
        case .nanos: "NANOS"
        }
    }

    /// Decodes a `TimeUnit` union; `nil` when its member is one this reader does not know.
    ///
    /// - Throws: ``DecodeError/corrupt(_:)`` when the union has no member or more than one.
    package static func decode(from reader: inout ThriftCompactReader) throws(DecodeError) -> TimeUnit? {
        var unit: TimeUnit?
        var members = 0
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            members += 1
            switch field.id {
            case 1 where field.type == .struct: unit = .millis
            case 2 where field.type == .struct: unit = .micros
            case 3 where field.type == .struct: unit = .nanos
            default: break
            }
            try reader.skip(field.type)
        }
        reader.endStruct(frame)
        guard members == 1 else { throw reader.corrupt("TimeUnit union has \(members) members set, not 1") }
        return unit
    }

    /// Encodes the union.
    package func write(to writer: inout ThriftCompactWriter) {
        let frame = writer.beginStruct()
        writer.writeEmptyStructField(fieldID)
        writer.endStruct(frame)
    }
}
