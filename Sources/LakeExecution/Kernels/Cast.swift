import LakeColumnar

/// CAST between the storage types. Numeric widening, decimal rescaling and date/timestamp
/// conversions run as typed kernels; conversions through text go value by value.
enum CastKernel {
    static func cast(_ column: Column, to target: DataType, isTry: Bool) throws(ExecutionError) -> Column {
        let source = column.dataType
        if source == target { return column }
        switch (column, target) {
        case (.int8(let c), .int32): return .int32(Kernels.map1(c) { Int32($0) })
        case (.int16(let c), .int32): return .int32(Kernels.map1(c) { Int32($0) })
        case (.int8(let c), .int64): return .int64(Kernels.map1(c) { Int64($0) })
        case (.int16(let c), .int64): return .int64(Kernels.map1(c) { Int64($0) })
        case (.int32(let c), .int64): return .int64(Kernels.map1(c) { Int64($0) })
        case (.int8(let c), .float64): return .float64(Kernels.map1(c) { Double($0) })
        case (.int16(let c), .float64): return .float64(Kernels.map1(c) { Double($0) })
        case (.int32(let c), .float64): return .float64(Kernels.map1(c) { Double($0) })
        case (.int64(let c), .float64): return .float64(Kernels.map1(c) { Double($0) })
        case (.float32(let c), .float64): return .float64(Kernels.map1(c) { Double($0) })
        case (.date(let c), .timestamp):
            return .timestamp(Kernels.map1(c) { Int64($0) &* CivilCalendar.microsecondsPerDay })
        case (.date(let c), .timestampNTZ):
            return .timestampNTZ(Kernels.map1(c) { Int64($0) &* CivilCalendar.microsecondsPerDay })
        case (.timestamp(let c), .timestampNTZ): return .timestampNTZ(c)
        case (.timestampNTZ(let c), .timestamp): return .timestamp(c)
        case (.timestamp(let c), .date), (.timestampNTZ(let c), .date):
            return .date(Kernels.map1(c) { Int32(truncatingIfNeeded: floorDivide($0, CivilCalendar.microsecondsPerDay)) })
        case (.decimal64, .float64), (.decimal128, .float64):
            guard case .decimal(_, let scale) = source, let values = column.decimalValues else { break }
            let divisor = Double(Decimal128.powerOfTen(scale))
            return .float64(Kernels.map1(values) { Double($0) / divisor })
        case (.decimal64, .decimal(let precision, let scale)), (.decimal128, .decimal(let precision, let scale)):
            guard case .decimal(_, let fromScale) = source, let values = column.decimalValues else { break }
            if scale >= fromScale {
                let factor = Decimal128.powerOfTen(scale - fromScale)
                let limit = Decimal128.powerOfTen(precision)
                let scaled = Kernels.map1(values) { $0.multipliedReportingOverflow(by: factor).partialValue }
                return try checkedDecimal(scaled, original: column, limit: limit, precision: precision, scale: scale, isTry: isTry)
            }
        case (.int32, .decimal(let precision, let scale)), (.int64, .decimal(let precision, let scale)),
            (.int8, .decimal(let precision, let scale)), (.int16, .decimal(let precision, let scale)):
            guard case .int64(let wide) = try cast(column, to: .int64, isTry: isTry) else { break }
            let factor = Decimal128.powerOfTen(scale)
            let scaled = Kernels.map1(wide) { Int128($0) &* factor }
            return try checkedDecimal(
                scaled, original: column, limit: Decimal128.powerOfTen(precision), precision: precision, scale: scale,
                isTry: isTry)
        default: break
        }
        return try castByValue(column, to: target, isTry: isTry)
    }

    private static func checkedDecimal(
        _ values: PrimitiveColumn<Int128>, original: Column, limit: Int128, precision: Int, scale: Int, isTry: Bool
    ) throws(ExecutionError) -> Column {
        var validity = values.validity
        for row in 0..<values.count where values.validity?.isValid(row) ?? true {
            let value = values.values[row]
            if value >= limit || value <= -limit {
                if !isTry {
                    throw .conversion(
                        value: describe(original.scalar(at: row)), from: original.dataType,
                        to: .decimal(precision: precision, scale: scale))
                }
                if validity == nil { validity = ValidityBitmap(allValidCount: values.count) }
                validity!.setNull(at: row)
            }
        }
        return .decimal(values.values, validity: validity, precision: precision, scale: scale)
    }

    /// Converts row by row through scalar values (text, narrowing, booleans).
    static func castByValue(_ column: Column, to target: DataType, isTry: Bool) throws(ExecutionError) -> Column {
        let source = column.dataType
        var values: [ScalarValue] = []
        values.reserveCapacity(column.count)
        for row in 0..<column.count {
            guard column.isValid(row) else {
                values.append(.null)
                continue
            }
            let value = column.scalar(at: row)
            if let converted = ScalarCast.cast(value, from: source, to: target) {
                values.append(converted)
            } else if isTry {
                values.append(.null)
            } else {
                throw .conversion(value: describe(value), from: source, to: target)
            }
        }
        return Column.build(values, type: target)
    }

    static func describe(_ value: ScalarValue) -> String {
        switch value {
        case .string(let text): "'\(text)'"
        default: ScalarCast.text(value) ?? "NULL"
        }
    }
}

@inline(__always)
func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    let quotient = value / divisor
    return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
}

/// Conversions of single values, shared by the cast kernel and constant folding.
public enum ScalarCast {
    /// The value converted to `target`, or `nil` when it does not convert.
    public static func cast(_ value: ScalarValue, from source: DataType, to target: DataType) -> ScalarValue? {
        if case .null = value { return .null }
        switch target {
        case .boolean:
            switch value {
            case .boolean: return value
            case .integer(let number): return .boolean(number != 0)
            case .string(let text):
                switch text.trimmingSpaces().lowercased() {
                case "true", "t", "1", "yes", "y": return .boolean(true)
                case "false", "f", "0", "no", "n": return .boolean(false)
                default: return nil
                }
            default: return nil
            }
        case .int8, .int16, .int32, .int64:
            let number: Int64?
            switch value {
            case .integer(let n): number = n
            case .boolean(let flag): number = flag ? 1 : 0
            case .float(let d): number = d.isFinite ? Int64(exactly: d.rounded()) : nil
            case .float32(let f): number = f.isFinite ? Int64(exactly: Double(f).rounded()) : nil
            case .decimal(let unscaled, let scale):
                number = Decimal128.rescale(unscaled, from: scale, to: 0).flatMap { Int64(exactly: $0) }
            case .string(let text):
                let trimmed = text.trimmingSpaces()
                if let n = Int64(trimmed) {
                    number = n
                } else if let d = Double(trimmed), d.isFinite, trimmed.contains(".") {
                    number = Int64(exactly: d.rounded())
                } else {
                    number = nil
                }
            default: number = nil
            }
            guard let number else { return nil }
            switch target {
            case .int8: return Int8(exactly: number) == nil ? nil : .integer(number)
            case .int16: return Int16(exactly: number) == nil ? nil : .integer(number)
            case .int32: return Int32(exactly: number) == nil ? nil : .integer(number)
            default: return .integer(number)
            }
        case .float32, .float64:
            let number: Double?
            switch value {
            case .integer(let n): number = Double(n)
            case .float(let d): number = d
            case .float32(let f): number = Double(f)
            case .boolean(let flag): number = flag ? 1 : 0
            case .decimal(let unscaled, let scale): number = Double(unscaled) / Double(Decimal128.powerOfTen(scale))
            case .string(let text):
                let trimmed = text.trimmingSpaces()
                switch trimmed.lowercased() {
                case "nan": number = .nan
                case "inf", "infinity": number = .infinity
                case "-inf", "-infinity": number = -.infinity
                default: number = Double(trimmed)
                }
            default: number = nil
            }
            guard let number else { return nil }
            return target == .float32 ? .float32(Float(number)) : .float(number)
        case .decimal(let precision, let scale):
            let unscaled: Int128?
            switch value {
            case .integer(let n): unscaled = Decimal128.rescale(Int128(n), from: 0, to: scale)
            case .decimal(let v, let s): unscaled = Decimal128.rescale(v, from: s, to: scale)
            case .float(let d):
                let scaled = (d * Double(Decimal128.powerOfTen(scale))).rounded()
                unscaled = scaled.isFinite && abs(scaled) < 1e38 ? Int128(scaled) : nil
            case .float32(let f):
                let scaled = (Double(f) * Double(Decimal128.powerOfTen(scale))).rounded()
                unscaled = scaled.isFinite && abs(scaled) < 1e38 ? Int128(scaled) : nil
            case .string(let text): unscaled = parseDecimal(text.trimmingSpaces(), scale: scale)
            default: unscaled = nil
            }
            guard let unscaled else { return nil }
            let limit = Decimal128.powerOfTen(precision)
            guard unscaled < limit && unscaled > -limit else { return nil }
            return .decimal(unscaled, scale: scale)
        case .string:
            return text(value).map { .string($0) }
        case .date:
            switch value {
            case .date: return value
            case .timestamp(let micros), .timestampNTZ(let micros):
                return .date(Int32(truncatingIfNeeded: floorDivide(micros, CivilCalendar.microsecondsPerDay)))
            case .string(let text): return parseDate(text.trimmingSpaces()).map { .date($0) }
            default: return nil
            }
        case .timestamp, .timestampNTZ:
            let micros: Int64?
            switch value {
            case .date(let days): micros = Int64(days) * CivilCalendar.microsecondsPerDay
            case .timestamp(let m), .timestampNTZ(let m): micros = m
            case .string(let text): micros = parseTimestamp(text.trimmingSpaces())
            default: micros = nil
            }
            guard let micros else { return nil }
            return target == .timestamp ? .timestamp(micros) : .timestampNTZ(micros)
        case .binary:
            switch value {
            case .binary: return value
            case .string(let text): return .binary(Array(text.utf8))
            default: return nil
            }
        default:
            return nil
        }
    }

    /// The text of a value as CAST(… AS VARCHAR) spells it (SPEC.md §8).
    public static func text(_ value: ScalarValue) -> String? {
        switch value {
        case .null: return nil
        case .boolean(let flag): return flag ? "true" : "false"
        case .integer(let n): return String(n)
        case .float(let d): return floatText(d)
        case .float32(let f): return f.isFinite ? f.description : floatText(Double(f))
        case .decimal(let v, let s): return ValueFormatting.decimal(v, scale: s)
        case .string(let text): return text
        case .binary(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .date(let days): return ValueFormatting.date(Int64(days))
        case .timestamp(let micros), .timestampNTZ(let micros): return timestampText(micros)
        case .time(let micros): return ValueFormatting.time(micros)
        default: return "\(value)"
        }
    }

    public static func floatText(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number < 0 ? "-inf" : "inf" }
        return number.description
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]`, fraction trimmed of trailing zeros.
    public static func timestampText(_ micros: Int64) -> String {
        var text = ValueFormatting.timestamp(micros, utc: false, separator: " ")
        if let dot = text.lastIndex(of: ".") {
            while text.last == "0" { text.removeLast() }
            if text.index(before: text.endIndex) == dot { text.removeLast() }
        }
        return text
    }

    static func parseDecimal(_ text: String, scale: Int) -> Int128? {
        var body = Substring(text)
        var negative = false
        if body.first == "-" || body.first == "+" {
            negative = body.first == "-"
            body = body.dropFirst()
        }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integerPart = parts[0].utf8
        let fractionPart = parts.count == 2 ? Array(parts[1].utf8) : []
        guard !integerPart.isEmpty || !fractionPart.isEmpty,
            integerPart.allSatisfy({ $0 >= 48 && $0 <= 57 }), fractionPart.allSatisfy({ $0 >= 48 && $0 <= 57 })
        else { return nil }
        var value: Int128 = 0
        func push(_ digit: UInt8) -> Bool {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int128(digit))
            value = a
            return !(o1 || o2)
        }
        for byte in integerPart where !push(byte - 48) { return nil }
        for index in 0..<scale where !push(index < fractionPart.count ? fractionPart[index] - 48 : 0) { return nil }
        if fractionPart.count > scale && fractionPart[scale] >= 53 { value += 1 }
        return negative ? -value : value
    }

    static func parseDate(_ text: String) -> Int32? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let year = Int64(parts[0]), let month = Int(parts[1]),
            let day = Int(parts[2].prefix(while: { $0 != " " && $0 != "T" })), (1...12).contains(month),
            day >= 1, day <= CivilCalendar.daysInMonth(year: year, month: month)
        else { return nil }
        return Int32(exactly: CivilCalendar.days(year: year, month: month, day: day))
    }

    static func parseTimestamp(_ text: String) -> Int64? {
        var body = Substring(text)
        if body.hasSuffix("Z") { body = body.dropLast() }
        if body.hasSuffix("+00:00") { body = body.dropLast(6) }
        let separatorIndex = body.firstIndex(where: { $0 == " " || $0 == "T" })
        let datePart = separatorIndex.map { body[..<$0] } ?? body
        guard let days = parseDate(String(datePart)) else { return nil }
        var micros = Int64(days) * CivilCalendar.microsecondsPerDay
        guard let separatorIndex else { return micros }
        let timePart = body[body.index(after: separatorIndex)...]
        let fields = timePart.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count >= 2, fields.count <= 3, let hour = Int64(fields[0]), let minute = Int64(fields[1]),
            (0..<24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        micros += (hour * 3600 + minute * 60) * 1_000_000
        if fields.count == 3 {
            let secondParts = fields[2].split(separator: ".", omittingEmptySubsequences: false)
            guard let second = Int64(secondParts[0]), (0..<60).contains(second) else { return nil }
            micros += second * 1_000_000
            if secondParts.count == 2 {
                var fraction = String(secondParts[1].prefix(6))
                guard !fraction.isEmpty, fraction.allSatisfy(\.isNumber) else { return nil }
                while fraction.count < 6 { fraction += "0" }
                micros += Int64(fraction) ?? 0
            }
        }
        return micros
    }
}

extension String {
    func trimmingSpaces() -> String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" || first == "\n" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\n" { slice = slice.dropLast() }
        return String(slice)
    }
}

extension Column {
    /// A column of `type` from scalar values (already converted to the type's kind).
    public static func build(_ values: [ScalarValue], type: DataType) -> Column {
        let count = values.count
        let valid = values.map { !$0.isNull }
        let validity: ValidityBitmap? = valid.contains(false) ? ValidityBitmap(valid) : nil
        func primitive<T>(_ zero: T, _ extract: (ScalarValue) -> T?) -> PrimitiveColumn<T> {
            PrimitiveColumn(values: ContiguousArray(values.map { extract($0) ?? zero }), validity: validity)
        }
        switch type {
        case .boolean: return .boolean(primitive(false) { if case .boolean(let v) = $0 { v } else { nil } })
        case .int8: return .int8(primitive(0) { if case .integer(let v) = $0 { Int8(truncatingIfNeeded: v) } else { nil } })
        case .int16: return .int16(primitive(0) { if case .integer(let v) = $0 { Int16(truncatingIfNeeded: v) } else { nil } })
        case .int32: return .int32(primitive(0) { if case .integer(let v) = $0 { Int32(truncatingIfNeeded: v) } else { nil } })
        case .int64: return .int64(primitive(0) { if case .integer(let v) = $0 { v } else { nil } })
        case .float32: return .float32(primitive(0) { if case .float32(let v) = $0 { v } else { nil } })
        case .float64: return .float64(primitive(0) { if case .float(let v) = $0 { v } else { nil } })
        case .decimal(let precision, let scale):
            let column = primitive(Int128(0)) { if case .decimal(let v, _) = $0 { v } else { nil } }
            return .decimal(column.values, validity: validity, precision: precision, scale: scale)
        case .date: return .date(primitive(0) { if case .date(let v) = $0 { v } else { nil } })
        case .timestamp:
            return .timestamp(primitive(0) { if case .timestamp(let v) = $0 { v } else if case .timestampNTZ(let v) = $0 { v } else { nil } })
        case .timestampNTZ:
            return .timestampNTZ(primitive(0) { if case .timestampNTZ(let v) = $0 { v } else if case .timestamp(let v) = $0 { v } else { nil } })
        case .time: return .time(primitive(0) { if case .time(let v) = $0 { v } else { nil } })
        case .binary:
            var builder = StringColumnBuilder(capacity: count)
            for value in values {
                if case .binary(let bytes) = value { builder.append(contentsOf: bytes) } else { builder.appendNull() }
            }
            return .binary(builder.finish())
        default:
            var builder = StringColumnBuilder(capacity: count)
            for value in values {
                if case .string(let text) = value { builder.append(contentsOf: text.utf8) } else { builder.appendNull() }
            }
            return .string(builder.finish())
        }
    }
}
