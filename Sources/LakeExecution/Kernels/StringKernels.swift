import LakeColumnar

/// Kernels over UTF-8 string columns: comparison as bytes, LIKE, and the string functions.
enum StringKernels {
    static func compare(_ function: ScalarFunction, _ left: StringColumn, _ right: StringColumn) -> PrimitiveColumn<Bool> {
        let count = left.count
        let values = ContiguousArray<Bool>(unsafeUninitializedCapacity: count) { target, initialized in
            left.withRows { lo, lb in
                right.withRows { ro, rb in
                    for row in 0..<count {
                        let order = compareBytes(
                            lb, Int(lo[row]), Int(lo[row + 1]), rb, Int(ro[row]), Int(ro[row + 1]))
                        let result: Bool
                        switch function {
                        case .equal: result = order == 0
                        case .notEqual: result = order != 0
                        case .less: result = order < 0
                        case .lessOrEqual: result = order <= 0
                        case .greater: result = order > 0
                        default: result = order >= 0
                        }
                        target[row] = result
                    }
                }
            }
            initialized = count
        }
        return PrimitiveColumn(values: values, validity: Validity.and(left.validity, right.validity))
    }

    @inline(__always)
    static func compareBytes(
        _ a: UnsafeBufferPointer<UInt8>, _ aStart: Int, _ aEnd: Int, _ b: UnsafeBufferPointer<UInt8>, _ bStart: Int,
        _ bEnd: Int
    ) -> Int {
        let aLength = aEnd - aStart
        let bLength = bEnd - bStart
        let common = min(aLength, bLength)
        if common > 0 {
            let order = memcmpBytes(a.baseAddress! + aStart, b.baseAddress! + bStart, common)
            if order != 0 { return order }
        }
        return aLength - bLength
    }

    @inline(__always)
    static func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Int {
        var index = 0
        while index < count {
            let x = a[index]
            let y = b[index]
            if x != y { return x < y ? -1 : 1 }
            index &+= 1
        }
        return 0
    }

    // MARK: LIKE

    static func like(
        _ function: ScalarFunction, _ column: Column, _ patternExpression: PhysicalExpression,
        escape escapeExpression: PhysicalExpression? = nil
    ) -> Column {
        var escape: Int = -1
        if case .literal(.string(let text), _)? = escapeExpression, let byte = text.utf8.first { escape = Int(byte) }
        guard case .string(let strings) = column else { return .allNull(.boolean, count: column.count) }
        guard case .literal(let patternValue, _) = patternExpression, case .string(let patternText) = patternValue else {
            return .allNull(.boolean, count: column.count)
        }
        let caseInsensitive = function == .ilike || function == .notIlike
        let negated = function == .notLike || function == .notIlike
        let pattern = Array((caseInsensitive ? patternText.lowercased() : patternText).utf8)
        let count = strings.count
        var scratch: [UInt8] = []
        let values = ContiguousArray<Bool>(unsafeUninitializedCapacity: count) { target, initialized in
            strings.withRows { offsets, bytes in
                pattern.withUnsafeBufferPointer { p in
                    for row in 0..<count {
                        let start = Int(offsets[row])
                        let end = Int(offsets[row + 1])
                        var matched: Bool
                        if caseInsensitive {
                            scratch.removeAll(keepingCapacity: true)
                            appendLowercased(UnsafeBufferPointer(rebasing: bytes[start..<end]), into: &scratch)
                            matched = scratch.withUnsafeBufferPointer { likeMatch($0, p, escape: escape) }
                        } else {
                            matched = likeMatch(UnsafeBufferPointer(rebasing: bytes[start..<end]), p, escape: escape)
                        }
                        if negated { matched.toggle() }
                        target[row] = matched
                    }
                }
            }
            initialized = count
        }
        return .boolean(PrimitiveColumn(values: values, validity: strings.validity))
    }

    /// SQL LIKE: `%` any sequence, `_` one character (UTF-8 code point). Backtracks only to the last `%`.
    static func likeMatch(
        _ text: UnsafeBufferPointer<UInt8>, _ pattern: UnsafeBufferPointer<UInt8>, escape: Int = -1
    ) -> Bool {
        var t = 0
        var p = 0
        var starP = -1
        var starT = 0
        let percent = UInt8(ascii: "%")
        let underscore = UInt8(ascii: "_")
        while t < text.count {
            if p + 1 < pattern.count && Int(pattern[p]) == escape {
                if pattern[p + 1] == text[t] {
                    t += 1
                    p += 2
                    continue
                }
                if starP >= 0 {
                    p = starP + 1
                    starT = nextCodePoint(text, starT)
                    t = starT
                    continue
                }
                return false
            }
            if p < pattern.count && pattern[p] == underscore {
                t = nextCodePoint(text, t)
                p += 1
            } else if p < pattern.count && pattern[p] == percent {
                starP = p
                starT = t
                p += 1
            } else if p < pattern.count && pattern[p] == text[t] {
                t += 1
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starT = nextCodePoint(text, starT)
                t = starT
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == percent { p += 1 }
        return p == pattern.count
    }

    @inline(__always)
    static func nextCodePoint(_ text: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int {
        var next = index + 1
        while next < text.count && text[next] & 0xC0 == 0x80 { next += 1 }
        return next
    }

    static func appendLowercased(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        if bytes.allSatisfy({ $0 < 0x80 }) {
            for byte in bytes { out.append(byte >= 65 && byte <= 90 ? byte + 32 : byte) }
        } else {
            out.append(contentsOf: String(decoding: bytes, as: UTF8.self).lowercased().utf8)
        }
    }

    // MARK: functions

    static func apply(_ function: ScalarFunction, _ values: [Column]) -> Column {
        guard case .string(let strings) = values[0] else { return .allNull(.string, count: values[0].count) }
        let count = strings.count
        switch function {
        case .length:
            let lengths = ContiguousArray<Int64>(unsafeUninitializedCapacity: count) { target, initialized in
                strings.withRows { offsets, bytes in
                    for row in 0..<count {
                        var length: Int64 = 0
                        for index in Int(offsets[row])..<Int(offsets[row + 1]) where bytes[index] & 0xC0 != 0x80 {
                            length &+= 1
                        }
                        target[row] = length
                    }
                }
                initialized = count
            }
            return .int64(PrimitiveColumn(values: lengths, validity: strings.validity))
        case .lower, .upper:
            var builder = StringColumnBuilder(capacity: count, byteCapacity: strings.bytes.count)
            var scratch: [UInt8] = []
            strings.withRows { offsets, bytes in
                for row in 0..<count {
                    let slice = UnsafeBufferPointer(rebasing: bytes[Int(offsets[row])..<Int(offsets[row + 1])])
                    scratch.removeAll(keepingCapacity: true)
                    if slice.allSatisfy({ $0 < 0x80 }) {
                        for byte in slice {
                            if function == .lower {
                                scratch.append(byte >= 65 && byte <= 90 ? byte + 32 : byte)
                            } else {
                                scratch.append(byte >= 97 && byte <= 122 ? byte - 32 : byte)
                            }
                        }
                    } else {
                        let text = String(decoding: slice, as: UTF8.self)
                        scratch.append(contentsOf: (function == .lower ? text.lowercased() : text.uppercased()).utf8)
                    }
                    builder.append(contentsOf: scratch)
                }
            }
            let result = builder.finish()
            return .string(StringColumn(offsets: result.offsets, bytes: result.bytes, validity: strings.validity))
        case .concat:
            guard case .string(let other) = values[1] else { return .allNull(.string, count: count) }
            var builder = StringColumnBuilder(capacity: count, byteCapacity: strings.bytes.count + other.bytes.count)
            for row in 0..<count {
                builder.bytes.append(contentsOf: strings.bytes[strings.byteRange(row)])
                builder.append(contentsOf: other.bytes[other.byteRange(row)])
            }
            let result = builder.finish()
            return .string(
                StringColumn(
                    offsets: result.offsets, bytes: result.bytes,
                    validity: Validity.and(strings.validity, other.validity)))
        case .substr:
            guard case .int64(let starts) = values[1] else { return .allNull(.string, count: count) }
            var lengths: PrimitiveColumn<Int64>?
            if values.count > 2, case .int64(let l) = values[2] { lengths = l }
            var builder = StringColumnBuilder(capacity: count)
            var validity = Validity.and(strings.validity, starts.validity)
            if let lengths { validity = Validity.and(validity, lengths.validity) }
            strings.withRows { offsets, bytes in
                for row in 0..<count {
                    let slice = UnsafeBufferPointer(rebasing: bytes[Int(offsets[row])..<Int(offsets[row + 1])])
                    // Code point boundaries.
                    var starts32: [Int] = []
                    for index in 0..<slice.count where slice[index] & 0xC0 != 0x80 { starts32.append(index) }
                    let characters = starts32.count
                    var first = starts.values[row]
                    if first < 0 { first = Int64(characters) &+ first &+ 1 }
                    var last: Int64 = Int64(characters) + 1
                    if let lengths {
                        let (end, overflow) = first.addingReportingOverflow(lengths.values[row])
                        last = overflow ? (lengths.values[row] > 0 ? Int64.max : Int64.min) : end
                    }
                    if let lengths, lengths.values[row] < 0 { last = first }
                    let lower = max(first, 1)
                    let upper = min(last, Int64(characters) + 1)
                    if lower >= upper {
                        builder.append(contentsOf: EmptyCollection<UInt8>())
                        continue
                    }
                    let byteStart = starts32[Int(lower) - 1]
                    let byteEnd = Int(upper) - 1 < characters ? starts32[Int(upper) - 1] : slice.count
                    builder.append(UnsafeBufferPointer(rebasing: slice[byteStart..<byteEnd]))
                }
            }
            let result = builder.finish()
            return .string(StringColumn(offsets: result.offsets, bytes: result.bytes, validity: validity))
        default:
            return .allNull(.string, count: count)
        }
    }
}

/// `abs` and `round`.
enum NumericFunctions {
    static func apply(_ function: ScalarFunction, _ values: [Column], type: DataType) throws(ExecutionError) -> Column {
        let input = values[0]
        var digits: Int64 = 0
        if values.count > 1, case .int64(let d) = values[1], d.count > 0 { digits = d.values[0] }
        if values.count > 1, case .int32(let d) = values[1], d.count > 0 { digits = Int64(d.values[0]) }
        switch (function, input) {
        case (.abs, .int32(let c)): return .int32(try absolute(c, type: .int32))
        case (.abs, .int64(let c)): return .int64(try absolute(c, type: .int64))
        case (.abs, .int16(let c)): return .int16(try absolute(c, type: .int16))
        case (.abs, .int8(let c)): return .int8(try absolute(c, type: .int8))
        case (.abs, .float64(let c)): return .float64(Kernels.map1(c) { Swift.abs($0) })
        case (.abs, .decimal64), (.abs, .decimal128):
            guard let wide = input.decimalValues, case .decimal(let p, let s) = type else { break }
            let result = Kernels.map1(wide) { $0 < 0 ? -$0 : $0 }
            return .decimal(result.values, validity: result.validity, precision: p, scale: s)
        case (.round, .float64(let c)):
            if digits == 0 { return .float64(Kernels.map1(c) { $0.rounded() }) }
            let factor = pow10(Int(digits))
            return .float64(Kernels.map1(c) { value in
                let rounded = digits > 0 ? (value * factor).rounded() / factor : (value / factor).rounded() * factor
                return rounded.isFinite ? rounded : value
            })
        case (.round, .decimal64), (.round, .decimal128):
            guard let wide = input.decimalValues, case .decimal(_, let fromScale) = input.dataType,
                case .decimal(let p, let s) = type
            else { break }
            let target = Int(digits)
            if target >= fromScale {
                let result = Kernels.map1(wide) { Decimal128.rescale($0, from: fromScale, to: s) ?? 0 }
                return .decimal(result.values, validity: result.validity, precision: p, scale: s)
            }
            // Round to `target` digits, then express at scale `s` (max(target, 0)).
            let result = Kernels.map1(wide) { value -> Int128 in
                if target >= 0 {
                    return Decimal128.rescale(value, from: fromScale, to: target) ?? 0
                }
                let whole = Decimal128.rescale(value, from: fromScale, to: target) ?? 0
                return whole * Decimal128.powerOfTen(-target)
            }
            return .decimal(result.values, validity: result.validity, precision: p, scale: s)
        case (.round, _):
            return input
        default: break
        }
        throw .failed("\(function.rawValue) does not apply to \(input.dataType)")
    }

    static func absolute<T: FixedWidthInteger & SignedInteger>(_ column: PrimitiveColumn<T>, type: DataType)
        throws(ExecutionError) -> PrimitiveColumn<T>
    {
        for row in 0..<column.count where column.values[row] == T.min && (column.validity?.isValid(row) ?? true) {
            throw .overflow(operation: "abs", type: type)
        }
        return Kernels.map1(column) { $0 == T.min ? $0 : Swift.abs($0) }
    }

    static func pow10(_ exponent: Int) -> Double {
        var value = 1.0
        for _ in 0..<Swift.abs(exponent) { value *= 10 }
        return value
    }
}
