import LakeColumnar

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The scalar functions of SPEC.md §8.8: strings, regular expressions (POSIX extended regular
/// expressions from the C library), dates and math. Each switches on its arguments' types once
/// per batch and loops over typed buffers.
enum MoreFunctions {
    static func apply(_ function: ScalarFunction, _ values: [Column], arguments: [PhysicalExpression], type: DataType)
        throws(ExecutionError) -> Column
    {
        switch function {
        case .trim, .ltrim, .rtrim, .replace, .splitPart:
            return try TextFunctions.transform(function, values, arguments: arguments)
        case .startsWith, .endsWith, .contains:
            return try TextFunctions.test(function, values)
        case .regexpMatches, .regexpReplace:
            return try RegexFunctions.apply(function, values, arguments: arguments)
        case .dateDiff, .strftime, .strptime, .makeDate, .epochSeconds:
            return try TimeFunctions.apply(function, values, arguments: arguments)
        case .floor, .ceil, .sqrt, .ln, .log10, .power:
            return try MathFunctions.apply(function, values)
        case .greatest, .least:
            var result = values[0]
            for next in values.dropFirst() {
                // Take `next` where the result is NULL, or where it is valid and wins.
                let wins = try ExpressionEvaluator.compare(function == .greatest ? .greater : .less, next, result)
                guard case .boolean(let flags) = wins else { continue }
                let count = result.count
                var choice = ContiguousArray<Int32>(repeating: 0, count: count)
                for row in 0..<count {
                    if !result.isValid(row) {
                        choice[row] = 1
                    } else if flags.values[row] && (flags.validity?.isValid(row) ?? true) {
                        choice[row] = 1
                    }
                }
                result = Gather.choose([result, next], choice: choice, type: type, count: count)
            }
            return result
        default:
            throw .failed("function \(function.rawValue) is not implemented")
        }
    }
}

/// The string arguments of one call: each a ``StringColumn``, with the combined validity.
struct StringArguments {
    let columns: [StringColumn]
    let validity: ValidityBitmap?

    init(_ values: [Column]) throws(ExecutionError) {
        var columns: [StringColumn] = []
        var validity: ValidityBitmap?
        for (index, value) in values.enumerated() {
            if case .string(let c) = value {
                columns.append(c)
            } else if index > 0 {
                columns.append(StringColumn(offsets: ContiguousArray(repeating: 0, count: value.count + 1), bytes: []))
            } else {
                throw .failed("expected a string, got \(value.dataType)")
            }
            validity = index == 0 ? value.validity : Validity.and(validity, value.validity)
        }
        self.columns = columns
        self.validity = validity
    }

    @inline(__always) func isValid(_ row: Int) -> Bool { validity?.isValid(row) ?? true }
}

enum TextFunctions {
    /// Functions returning a string.
    static func transform(_ function: ScalarFunction, _ values: [Column], arguments expressions: [PhysicalExpression])
        throws(ExecutionError) -> Column
    {
        let arguments = try StringArguments(values)
        // Constant second and third arguments (the usual case) are read once per batch.
        func constant(_ index: Int) -> [UInt8]? {
            guard index < expressions.count, case .literal(.string(let text), _) = expressions[index] else { return nil }
            return Array(text.utf8)
        }
        let constantSecond = constant(1) ?? (expressions.count == 1 ? [0x20] : nil)
        let constantThird = constant(2)
        var second: [UInt8] = []
        var third: [UInt8] = []
        let strings = arguments.columns[0]
        let count = strings.count
        var indexes: PrimitiveColumn<Int64>?
        if function == .splitPart, case .int64(let c) = values[2] { indexes = c }
        var builder = StringColumnBuilder(capacity: count, byteCapacity: strings.bytes.count)
        var scratch: [UInt8] = []
        strings.bytes.withUnsafeBufferPointer { bytes in
            for row in 0..<count {
                guard arguments.isValid(row) else {
                    builder.append(contentsOf: EmptyCollection<UInt8>())
                    continue
                }
                let text = UnsafeBufferPointer(rebasing: bytes[strings.byteRange(row)])
                switch function {
                case .trim, .ltrim, .rtrim:
                    if constantSecond == nil { load(arguments.columns[1], row, into: &second) }
                    let range = trimmedRange(
                        text, characters: constantSecond ?? second, left: function != .rtrim, right: function != .ltrim)
                    builder.append(UnsafeBufferPointer(rebasing: text[range]))
                case .replace:
                    if constantSecond == nil { load(arguments.columns[1], row, into: &second) }
                    if constantThird == nil { load(arguments.columns[2], row, into: &third) }
                    let needle = constantSecond ?? second
                    let replacement = constantThird ?? third
                    scratch.removeAll(keepingCapacity: true)
                    var index = 0
                    while index < text.count {
                        if !needle.isEmpty, matches(text, at: index, needle) {
                            scratch.append(contentsOf: replacement)
                            index += needle.count
                        } else {
                            scratch.append(text[index])
                            index += 1
                        }
                    }
                    builder.append(contentsOf: scratch)
                case .splitPart:
                    if constantSecond == nil { load(arguments.columns[1], row, into: &second) }
                    let separator = constantSecond ?? second
                    let wanted = indexes?.values[row] ?? 0
                    let partCount = parts(text, separator, until: Int.max).count
                    var index = wanted > 0 ? Int(clamping: wanted) - 1 : partCount + Int(clamping: wanted)
                    if wanted == 0 { index = -1 }
                    if index >= 0 && index < partCount {
                        builder.append(UnsafeBufferPointer(rebasing: text[parts(text, separator, until: index).last]))
                    } else {
                        builder.append(contentsOf: EmptyCollection<UInt8>())
                    }
                default:
                    builder.append(contentsOf: EmptyCollection<UInt8>())
                }
            }
        }
        let result = builder.finish()
        return .string(StringColumn(offsets: result.offsets, bytes: result.bytes, validity: arguments.validity))
    }

    /// `starts_with`, `ends_with`, `contains`.
    static func test(_ function: ScalarFunction, _ values: [Column]) throws(ExecutionError) -> Column {
        let arguments = try StringArguments(values)
        let strings = arguments.columns[0]
        let needles = arguments.columns[1]
        let count = strings.count
        let flags = ContiguousArray<Bool>(unsafeUninitializedCapacity: count) { target, initialized in
            strings.bytes.withUnsafeBufferPointer { bytes in
                needles.bytes.withUnsafeBufferPointer { needleBytes in
                    for row in 0..<count {
                        let text = UnsafeBufferPointer(rebasing: bytes[strings.byteRange(row)])
                        let needle = UnsafeBufferPointer(rebasing: needleBytes[needles.byteRange(row)])
                        var result = false
                        if needle.count <= text.count {
                            switch function {
                            case .startsWith: result = matches(text, at: 0, needle)
                            case .endsWith: result = matches(text, at: text.count - needle.count, needle)
                            default:
                                if needle.isEmpty {
                                    result = true
                                } else {
                                    var index = 0
                                    while index + needle.count <= text.count {
                                        if matches(text, at: index, needle) {
                                            result = true
                                            break
                                        }
                                        index += 1
                                    }
                                }
                            }
                        }
                        (target.baseAddress! + row).initialize(to: result)
                    }
                }
            }
            initialized = count
        }
        return .boolean(PrimitiveColumn(values: flags, validity: arguments.validity))
    }

    @inline(__always)
    static func matches<C: Collection>(_ text: UnsafeBufferPointer<UInt8>, at index: Int, _ needle: C) -> Bool
    where C.Element == UInt8 {
        if index < 0 || index + needle.count > text.count { return false }
        var position = index
        for byte in needle {
            if text[position] != byte { return false }
            position += 1
        }
        return true
    }

    /// The byte range left after removing leading/trailing code points found in `characters`
    /// (UTF-8 bytes of the set).
    static func trimmedRange(_ text: UnsafeBufferPointer<UInt8>, characters: [UInt8], left: Bool, right: Bool) -> Range<Int> {
        // The set's code points, as byte ranges of `characters`.
        var points: [Range<Int>] = []
        var index = 0
        while index < characters.count {
            let width = codePointWidth(characters[index])
            points.append(index..<min(characters.count, index + width))
            index += width
        }
        func member(_ start: Int, _ end: Int) -> Bool {
            for point in points where point.count == end - start {
                var equal = true
                for offset in 0..<point.count where characters[point.lowerBound + offset] != text[start + offset] {
                    equal = false
                    break
                }
                if equal { return true }
            }
            return false
        }
        var lower = 0
        var upper = text.count
        if left {
            while lower < upper {
                let end = min(upper, lower + codePointWidth(text[lower]))
                if !member(lower, end) { break }
                lower = end
            }
        }
        if right {
            while upper > lower {
                var start = upper - 1
                while start > lower && text[start] & 0xC0 == 0x80 { start -= 1 }
                if !member(start, upper) { break }
                upper = start
            }
        }
        return lower..<upper
    }

    @inline(__always)
    static func codePointWidth(_ lead: UInt8) -> Int {
        if lead < 0x80 { return 1 }
        if lead >= 0xF0 { return 4 }
        if lead >= 0xE0 { return 3 }
        if lead >= 0xC0 { return 2 }
        return 1
    }

    /// Walks the parts of `text` between `separator`s up to part `until` (0-based): how many
    /// parts were seen and the byte range of the last one. An empty separator splits into code
    /// points (DuckDB). Allocates nothing.
    static func parts(_ text: UnsafeBufferPointer<UInt8>, _ separator: [UInt8], until: Int) -> (count: Int, last: Range<Int>) {
        var count = 0
        var last = 0..<0
        if separator.isEmpty {
            var index = 0
            while index < text.count && count <= until {
                let end = min(text.count, index + codePointWidth(text[index]))
                last = index..<end
                count += 1
                index = end
            }
            return (count, last)
        }
        var start = 0
        var index = 0
        while index + separator.count <= text.count {
            if matches(text, at: index, separator) {
                last = start..<index
                count += 1
                if count > until { return (count, last) }
                index += separator.count
                start = index
            } else {
                index += 1
            }
        }
        return (count + 1, start..<text.count)
    }

    /// Row `row` of `strings` into a reused buffer.
    @inline(__always)
    static func load(_ strings: StringColumn, _ row: Int, into buffer: inout [UInt8]) {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: strings.bytes[strings.byteRange(row)])
    }
}

/// `regexp_matches` and `regexp_replace` over POSIX extended regular expressions (`regcomp` with
/// `REG_EXTENDED`), compiled once per batch. `\d`, `\D` are rewritten to bracket expressions.
enum RegexFunctions {
    static func apply(_ function: ScalarFunction, _ values: [Column], arguments expressions: [PhysicalExpression])
        throws(ExecutionError) -> Column
    {
        let arguments = expressions
        guard case .literal(.string(let pattern), _) = arguments[1] else {
            throw .failed("\(function.rawValue) needs a constant pattern")
        }
        let optionIndex = function == .regexpMatches ? 2 : 3
        var options = ""
        if arguments.count > optionIndex, case .literal(.string(let text), _) = arguments[optionIndex] { options = text }
        let global = options.contains("g")
        var flags = REG_EXTENDED
        if options.contains("i") { flags |= REG_ICASE }
        var regex = regex_t()
        let status = regcomp(&regex, translate(pattern), flags)
        if status != 0 {
            var message = [CChar](repeating: 0, count: 256)
            regerror(status, &regex, &message, message.count)
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw .failed("invalid regular expression '\(pattern)': \(reason)")
        }
        defer { regfree(&regex) }
        let strings3 = try StringArguments(Array(values.prefix(function == .regexpMatches ? 1 : 3)))
        let strings = strings3.columns[0]
        let count = strings.count
        var cString: [CChar] = []
        var groups = [regmatch_t](repeating: regmatch_t(), count: 10)
        if function == .regexpMatches {
            var flags = ContiguousArray<Bool>(repeating: false, count: count)
            for row in 0..<count where strings3.isValid(row) {
                load(strings, row, into: &cString)
                flags[row] = regexec(&regex, cString, 0, nil, 0) == 0
            }
            return .boolean(PrimitiveColumn(values: flags, validity: strings3.validity))
        }
        let replacements = strings3.columns[2]
        var constantReplacement: [UInt8]?
        if case .literal(.string(let text), _) = expressions[2] { constantReplacement = Array(text.utf8) }
        var replacement: [UInt8] = []
        var builder = StringColumnBuilder(capacity: count, byteCapacity: strings.bytes.count)
        var output: [UInt8] = []
        for row in 0..<count {
            guard strings3.isValid(row) else {
                builder.append(contentsOf: EmptyCollection<UInt8>())
                continue
            }
            load(strings, row, into: &cString)
            let length = cString.count - 1
            if let constantReplacement {
                replacement = constantReplacement
            } else {
                TextFunctions.load(replacements, row, into: &replacement)
            }
            output.removeAll(keepingCapacity: true)
            var offset = 0
            while offset <= length {
                let found = cString.withUnsafeBufferPointer { buffer in
                    regexec(&regex, buffer.baseAddress! + offset, groups.count, &groups, offset > 0 ? REG_NOTBOL : 0) == 0
                }
                guard found else { break }
                let start = offset + Int(groups[0].rm_so)
                let end = offset + Int(groups[0].rm_eo)
                for index in offset..<start { output.append(UInt8(bitPattern: cString[index])) }
                appendReplacement(replacement, groups, base: offset, cString, into: &output)
                if end == start {
                    // An empty match: copy one code point and move on.
                    if start < length {
                        let width = TextFunctions.codePointWidth(UInt8(bitPattern: cString[start]))
                        for index in start..<min(length, start + width) { output.append(UInt8(bitPattern: cString[index])) }
                        offset = start + width
                    } else {
                        offset = length + 1
                    }
                } else {
                    offset = end
                }
                if !global { break }
            }
            if offset < length { for index in offset..<length { output.append(UInt8(bitPattern: cString[index])) } }
            builder.append(contentsOf: output)
        }
        let result = builder.finish()
        return .string(StringColumn(offsets: result.offsets, bytes: result.bytes, validity: strings3.validity))
    }

    /// RE2 shorthands that POSIX lacks, outside bracket expressions.
    static func translate(_ pattern: String) -> String {
        var result = ""
        var escaped = false
        var inBracket = false
        for character in pattern {
            if escaped {
                escaped = false
                switch character {
                case "d" where !inBracket: result += "[0-9]"
                case "D" where !inBracket: result += "[^0-9]"
                default: result += "\\" + String(character)
                }
                continue
            }
            if character == "\\" {
                escaped = true
                continue
            }
            if character == "[" { inBracket = true }
            if character == "]" { inBracket = false }
            result.append(character)
        }
        if escaped { result += "\\" }
        return result
    }

    static func load(_ strings: StringColumn, _ row: Int, into buffer: inout [CChar]) {
        buffer.removeAll(keepingCapacity: true)
        for byte in strings.bytes[strings.byteRange(row)] { buffer.append(CChar(bitPattern: byte == 0 ? 0x20 : byte)) }
        buffer.append(0)
    }

    /// The replacement with `\0`…`\9` replaced by the match's groups.
    static func appendReplacement(
        _ replacement: [UInt8], _ groups: [regmatch_t], base: Int, _ text: [CChar], into output: inout [UInt8]
    ) {
        var index = 0
        while index < replacement.count {
            let byte = replacement[index]
            if byte == UInt8(ascii: "\\"), index + 1 < replacement.count {
                let next = replacement[index + 1]
                if next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9") {
                    let group = groups[Int(next - UInt8(ascii: "0"))]
                    if group.rm_so >= 0 {
                        for position in (base + Int(group.rm_so))..<(base + Int(group.rm_eo)) {
                            output.append(UInt8(bitPattern: text[position]))
                        }
                    }
                    index += 2
                    continue
                }
                if next == UInt8(ascii: "\\") {
                    output.append(next)
                    index += 2
                    continue
                }
            }
            output.append(byte)
            index += 1
        }
    }
}

enum MathFunctions {
    static func apply(_ function: ScalarFunction, _ values: [Column]) throws(ExecutionError) -> Column {
        guard case .float64(let input) = values[0] else { throw .failed("\(function.rawValue) expects DOUBLE") }
        switch function {
        case .floor: return .float64(Kernels.map1(input) { $0.rounded(.down) })
        case .ceil: return .float64(Kernels.map1(input) { $0.rounded(.up) })
        case .sqrt:
            if try anyValid(input, where: { $0 < 0 }) { throw .failed("cannot take the square root of a negative number") }
            return .float64(Kernels.map1(input) { $0.squareRoot() })
        case .ln, .log10:
            if try anyValid(input, where: { $0 == 0 }) { throw .failed("cannot take the logarithm of zero") }
            if try anyValid(input, where: { $0 < 0 }) { throw .failed("cannot take the logarithm of a negative number") }
            return .float64(function == .ln ? Kernels.map1(input) { log($0) } : Kernels.map1(input) { log10($0) })
        case .power:
            guard case .float64(let exponent) = values[1] else { throw .failed("power expects DOUBLE") }
            return .float64(Kernels.map2(input, exponent) { pow($0, $1) })
        default:
            throw .failed("function \(function.rawValue) is not implemented")
        }
    }

    static func anyValid(_ column: PrimitiveColumn<Double>, where test: (Double) -> Bool) throws(ExecutionError) -> Bool {
        for row in 0..<column.count where test(column.values[row]) && (column.validity?.isValid(row) ?? true) {
            return true
        }
        return false
    }
}
