#if canImport(Glibc)
    import Glibc
#endif

/// JSON lines tokenizing: one object per line, its members matched to known keys (SPEC.md §2.8).
///
/// Values keep their spans: strings without the quotes (flagged when they hold escapes), numbers
/// and `true`/`false` as written, nested objects and arrays as their JSON text. Blank lines are
/// skipped. A line that is not one complete object, or that holds a key not in ``keys`` or a key
/// twice, is recorded in ``FieldTable/recordErrors``.
struct JSONLinesTokenizer {
    /// The keys, in column order.
    private(set) var keys: [[UInt8]]
    /// Whether unknown keys are added (sampling) rather than errors.
    let discovering: Bool

    /// Key positions, for objects with many keys out of column order.
    private var positions: [[UInt8]: Int] = [:]

    init(keys: [[UInt8]], discovering: Bool) {
        self.keys = keys
        self.discovering = discovering
        if keys.count > 16 {
            for (index, key) in keys.enumerated() where positions[key] == nil { positions[key] = index }
        }
    }

    /// Record boundaries: newlines. Same contract as ``CSVTokenizer/boundaries``.
    static func boundaries(_ bytes: UnsafeBufferPointer<UInt8>, targets: [Int], isFinal: Bool) -> (cuts: [Int], complete: Int) {
        let count = bytes.count
        guard let base = bytes.baseAddress, count > 0 else { return ([], 0) }
        var cuts: [Int] = []
        for target in targets where target < count {
            let from = max(target, cuts.last ?? 0)
            guard from < count, let hit = memchr(base + from, 0x0A, count - from) else { break }
            let cut = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
            if cut > (cuts.last ?? 0) { cuts.append(cut) }
        }
        var complete = 0
        if let hit = lastNewline(base, count) { complete = hit + 1 }
        if isFinal { complete = count }
        cuts = cuts.filter { $0 < complete }
        if complete > 0 { cuts.append(complete) }
        return (cuts, complete)
    }

    /// Tokenizes every line of `bytes` (at most `limit` records).
    mutating func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int = .max) -> FieldTable {
        let count = bytes.count
        var table = FieldTable(columnCount: keys.count, expectedRecords: min(count / 64 + 16, 1 << 20))
        guard let base = bytes.baseAddress, count > 0 else {
            table.recordStarts.append(0)
            return table
        }
        var position = 0
        var seen = [Bool](repeating: false, count: keys.count)
        while position < count && table.recordCount < limit {
            var lineEnd = count
            if let hit = memchr(base + position, 0x0A, count - position) {
                lineEnd = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
            defer { position = lineEnd + 1 }
            var cursor = position
            skipSpace(base, &cursor, lineEnd)
            if cursor == lineEnd { continue }  // blank line
            table.recordStarts.append(Int32(truncatingIfNeeded: position))
            let first = table.starts.count
            for _ in 0..<keys.count {
                table.starts.append(0)
                table.lengths.append(-1)
                table.flags.append(0)
            }
            for index in seen.indices { seen[index] = false }
            if let error = parseObject(base, &cursor, lineEnd, &table, first: first, seen: &seen) {
                table.recordErrors.append((table.recordCount, error))
            }
            table.recordCount += 1
        }
        table.recordStarts.append(Int32(truncatingIfNeeded: min(position, count)))
        return table
    }

    private mutating func parseObject(
        _ base: UnsafePointer<UInt8>, _ cursor: inout Int, _ end: Int, _ table: inout FieldTable, first: Int,
        seen: inout [Bool]
    ) -> String? {
        guard base[cursor] == UInt8(ascii: "{") else {
            return base[cursor] == UInt8(ascii: "[") ? "a JSON array, not an object" : "not a JSON object"
        }
        cursor += 1
        skipSpace(base, &cursor, end)
        if cursor < end && base[cursor] == UInt8(ascii: "}") {
            cursor += 1
            return trailing(base, &cursor, end)
        }
        var expectedKey = 0
        while true {
            skipSpace(base, &cursor, end)
            guard cursor < end else { return "truncated JSON object" }
            guard base[cursor] == UInt8(ascii: "\"") else { return "expected a quoted key at byte \(cursor)" }
            let keyStart = cursor + 1
            guard let (keyEnd, keyEscaped) = stringEnd(base, keyStart, end) else { return "truncated JSON string" }
            cursor = keyEnd + 1
            var column = -1
            if !keyEscaped {
                column = find(base + keyStart, keyEnd - keyStart, hint: expectedKey)
            } else {
                var decoded: [UInt8] = []
                if !JSONText.unescape(UnsafeBufferPointer(start: base + keyStart, count: keyEnd - keyStart), into: &decoded) {
                    return "invalid escape in a key"
                }
                column = decoded.withUnsafeBufferPointer { find($0.baseAddress!, $0.count, hint: expectedKey) }
                if column < 0 && discovering { column = add(decoded, &table, &seen) }
            }
            if column == -1 && discovering {
                column = add(Array(UnsafeBufferPointer(start: base + keyStart, count: keyEnd - keyStart)), &table, &seen)
            }
            if discovering { column = -2 }
            skipSpace(base, &cursor, end)
            guard cursor < end, base[cursor] == UInt8(ascii: ":") else { return "expected ':' after a key" }
            cursor += 1
            skipSpace(base, &cursor, end)
            guard cursor < end else { return "truncated JSON object" }
            let valueStart = cursor
            var flag: UInt8 = 0
            var span = (start: valueStart, length: 0)
            switch base[cursor] {
            case UInt8(ascii: "\""):
                guard let (stringEnd, escaped) = stringEnd(base, cursor + 1, end) else { return "truncated JSON string" }
                flag = FieldTable.Flag.jsonString | (escaped ? FieldTable.Flag.escaped : 0)
                span = (cursor + 1, stringEnd - cursor - 1)
                cursor = stringEnd + 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard let nestedEnd = nestedEnd(base, cursor, end) else { return "truncated or malformed nested value" }
                flag = FieldTable.Flag.jsonNested
                span = (cursor, nestedEnd - cursor)
                cursor = nestedEnd
            default:
                while cursor < end {
                    let byte = base[cursor]
                    if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == 0x20 || byte == 0x09 || byte == 0x0D {
                        break
                    }
                    cursor += 1
                }
                span = (valueStart, cursor - valueStart)
                if span.length == 4 && base[valueStart] == UInt8(ascii: "n") && base[valueStart + 1] == UInt8(ascii: "u")
                    && base[valueStart + 2] == UInt8(ascii: "l") && base[valueStart + 3] == UInt8(ascii: "l")
                {
                    flag = FieldTable.Flag.jsonNull
                }
                if span.length == 0 { return "missing value" }
            }
            if column == -2 {
                skipSpace(base, &cursor, end)
                guard cursor < end else { return "truncated JSON object" }
                if base[cursor] == UInt8(ascii: ",") {
                    cursor += 1
                    continue
                }
                if base[cursor] == UInt8(ascii: "}") {
                    cursor += 1
                    return trailing(base, &cursor, end)
                }
                return "expected ',' or '}' at byte \(cursor)"
            }
            if column < 0 {
                let name = String(decoding: UnsafeBufferPointer(start: base + keyStart, count: keyEnd - keyStart), as: UTF8.self)
                return "key '\(name)' is not a column (the sampled rows did not have it)"
            }
            if seen[column] {
                let name = String(decoding: keys[column], as: UTF8.self)
                return "duplicate key '\(name)'"
            }
            seen[column] = true
            let slot = first + column
            table.starts[slot] = Int32(truncatingIfNeeded: span.start)
            table.lengths[slot] = Int32(truncatingIfNeeded: span.length)
            table.flags[slot] = flag
            expectedKey = column + 1
            skipSpace(base, &cursor, end)
            guard cursor < end else { return "truncated JSON object" }
            if base[cursor] == UInt8(ascii: ",") {
                cursor += 1
                continue
            }
            if base[cursor] == UInt8(ascii: "}") {
                cursor += 1
                return trailing(base, &cursor, end)
            }
            return "expected ',' or '}' at byte \(cursor)"
        }
    }

    /// A new key while sampling: a new column (sampling tables are re-tokenized once keys settle).
    private mutating func add(_ key: [UInt8], _ table: inout FieldTable, _ seen: inout [Bool]) -> Int {
        keys.append(key)
        if keys.count > 16 {
            if positions.isEmpty {
                for (index, known) in keys.enumerated() where positions[known] == nil { positions[known] = index }
            } else if positions[key] == nil {
                positions[key] = keys.count - 1
            }
        }
        return -2  // sampling pass: the value is ignored; the caller re-tokenizes with the full key set
    }

    private func find(_ key: UnsafePointer<UInt8>, _ count: Int, hint: Int) -> Int {
        if hint < keys.count && keys[hint].count == count
            && keys[hint].withUnsafeBufferPointer({ memcmp($0.baseAddress!, key, count) == 0 })
        {
            return hint
        }
        if !positions.isEmpty {
            return positions[Array(UnsafeBufferPointer(start: key, count: count))] ?? -1
        }
        for (index, candidate) in keys.enumerated() where candidate.count == count {
            if count == 0 || candidate.withUnsafeBufferPointer({ memcmp($0.baseAddress!, key, count) == 0 }) {
                return index
            }
        }
        return -1
    }

    private func trailing(_ base: UnsafePointer<UInt8>, _ cursor: inout Int, _ end: Int) -> String? {
        skipSpace(base, &cursor, end)
        return cursor == end ? nil : "text after the JSON object"
    }

    @inline(__always)
    private func skipSpace(_ base: UnsafePointer<UInt8>, _ cursor: inout Int, _ end: Int) {
        while cursor < end {
            let byte = base[cursor]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0D else { return }
            cursor += 1
        }
    }

    /// The index of the closing quote of a string whose content starts at `start`, and whether it
    /// holds escapes; `nil` when the line ends first.
    private func stringEnd(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Bool)? {
        var cursor = start
        var escaped = false
        while cursor < end {
            let byte = base[cursor]
            if byte == UInt8(ascii: "\"") { return (cursor, escaped) }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                cursor += 2
                continue
            }
            cursor += 1
        }
        return nil
    }

    /// The end (exclusive) of the object or array starting at `start`; iterative, so any depth works.
    private func nestedEnd(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var depth = 0
        var cursor = start
        while cursor < end {
            let byte = base[cursor]
            switch byte {
            case UInt8(ascii: "\""):
                guard let (close, _) = stringEnd(base, cursor + 1, end) else { return nil }
                cursor = close + 1
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return cursor + 1 }
            default: break
            }
            cursor += 1
        }
        return nil
    }
}

/// JSON string escapes.
enum JSONText {
    /// Appends the decoded text of a JSON string's content to `output`; false on a bad escape.
    static func unescape(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) -> Bool {
        var index = 0
        let count = input.count
        while index < count {
            let byte = input[index]
            if byte != UInt8(ascii: "\\") {
                output.append(byte)
                index += 1
                continue
            }
            guard index + 1 < count else { return false }
            let escape = input[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "\""): output.append(0x22)
            case UInt8(ascii: "\\"): output.append(0x5C)
            case UInt8(ascii: "/"): output.append(0x2F)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(input, index) else { return false }
                index += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    guard index + 6 <= count, input[index] == UInt8(ascii: "\\"), input[index + 1] == UInt8(ascii: "u"),
                        let low = hex4(input, index + 2), low >= 0xDC00 && low < 0xE000
                    else { return false }
                    index += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    return false
                }
                guard let unicode = Unicode.Scalar(scalar) else { return false }
                output.append(contentsOf: UTF8.encode(unicode)!)
            default: return false
            }
        }
        return true
    }

    private static func hex4(_ input: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32? {
        guard at + 4 <= input.count else { return nil }
        var value: UInt32 = 0
        for index in at..<(at + 4) {
            let byte = input[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }
}
