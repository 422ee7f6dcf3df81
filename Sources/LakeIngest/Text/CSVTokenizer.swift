#if canImport(Glibc)
    import Glibc
#endif

/// RFC 4180 tokenizing: record boundaries and field spans (SPEC.md §2.8).
///
/// A quote opens a quoted field only at the start of a field; inside it, `""` is a quote and
/// delimiters and line breaks are data. Records end at `\n`; a `\r` before it is dropped. Blank
/// lines are skipped. The boundary scanner and the tokenizer follow the same rules, so a block
/// can be split at the boundaries and its pieces tokenized independently.
enum CSVTokenizer {
    /// Record boundaries in `bytes`, which starts at a record boundary: the offsets just after the
    /// first record end at or after each of `targets` (ascending), and the end of the last
    /// complete record (or `bytes.count` when `isFinal`).
    ///
    /// - Returns: `cuts` (ascending, without duplicates, ending with `complete`) and `complete`,
    ///   the end of the last complete record (0 when none is complete).
    static func boundaries(
        _ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, quote: UInt8, targets: [Int], isFinal: Bool
    ) -> (cuts: [Int], complete: Int) {
        let count = bytes.count
        guard let base = bytes.baseAddress, count > 0 else { return ([], 0) }
        var cuts: [Int] = []
        var targetIndex = 0
        var complete = 0
        if memchr(base, Int32(quote), count) == nil {
            // No quotes: records end at every newline.
            for target in targets where target < count {
                let from = max(target, cuts.last ?? 0)
                guard from < count, let hit = memchr(base + from, 0x0A, count - from) else { break }
                let cut = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
                if cut > (cuts.last ?? 0) { cuts.append(cut) }
            }
            if let hit = lastNewline(base, count) { complete = hit + 1 }
            if isFinal { complete = count }
            cuts = cuts.filter { $0 < complete }
            if complete > 0 { cuts.append(complete) }
            return (cuts, complete)
        }
        // Jump from quote to quote: a quote opens a quoted field only at the start of a field
        // (after a delimiter, a line break, or at the start); line breaks in the gaps between
        // quoted fields end records.
        var position = 0
        var lastGap: Range<Int>?
        func gap(_ range: Range<Int>) {
            guard !range.isEmpty,
                let hit = memchr(base + range.lowerBound, 0x0A, range.count)
            else { return }
            var first = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            lastGap = first..<range.upperBound
            while targetIndex < targets.count && targets[targetIndex] < range.upperBound {
                let from = max(targets[targetIndex], first)
                if from > first {
                    guard from < range.upperBound, let next = memchr(base + from, 0x0A, range.upperBound - from) else {
                        break
                    }
                    first = base.distance(to: next.assumingMemoryBound(to: UInt8.self))
                }
                if cuts.last != first + 1 { cuts.append(first + 1) }
                targetIndex += 1
            }
        }
        var open = false
        scan: while position < count {
            guard let hit = memchr(base + position, Int32(quote), count - position) else {
                gap(position..<count)
                position = count
                break
            }
            let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if at > 0 && base[at - 1] != delimiter && base[at - 1] != 0x0A {
                // A quote inside an unquoted field is data.
                gap(position..<(at + 1))
                position = at + 1
                continue
            }
            gap(position..<at)
            var next = at + 1
            open = true
            while next < count, let close = memchr(base + next, Int32(quote), count - next) {
                let closeAt = base.distance(to: close.assumingMemoryBound(to: UInt8.self))
                if closeAt + 1 < count && base[closeAt + 1] == quote {
                    next = closeAt + 2
                    continue
                }
                if closeAt + 1 == count && !isFinal { break scan }  // cannot tell `"` from `""` yet
                position = closeAt + 1
                open = false
                break
            }
            if open { break scan }  // inside a quoted field at the end of the block
        }
        if let lastGap, let last = lastNewline(base + lastGap.lowerBound, lastGap.count) {
            complete = lastGap.lowerBound + last + 1
        }
        if isFinal { complete = count }
        cuts = cuts.filter { $0 < complete }
        if complete > 0 { cuts.append(complete) }
        return (cuts, complete)
    }

    /// Tokenizes the complete records in `bytes` into a table of `columnCount` columns. Records
    /// with another number of fields, an unterminated quote, or text after a closing quote are
    /// recorded in ``FieldTable/recordErrors``.
    static func tokenize(
        _ bytes: UnsafeBufferPointer<UInt8>, columnCount: Int, delimiter: UInt8, quote: UInt8, limit: Int = .max
    ) -> FieldTable {
        let count = bytes.count
        var table = FieldTable(columnCount: columnCount)
        guard let base = bytes.baseAddress, count > 0 else {
            table.recordStarts.append(0)
            table.newlines = 0
            return table
        }
        // Records ≤ line breaks + 1: size every array once and write through pointers.
        let newlines = countNewlines(base, count)
        table.newlines = newlines
        let maxRecords = min(newlines &+ 1, limit)
        let slots = maxRecords &* columnCount
        var starts = ContiguousArray<Int32>(repeating: 0, count: slots)
        var lengths = ContiguousArray<Int32>(repeating: -1, count: slots)
        var flags = ContiguousArray<UInt8>(repeating: 0, count: slots)
        table.recordStarts.reserveCapacity(maxRecords &+ 1)
        var position = 0
        let delimiterWord = UInt64(delimiter) &* 0x0101_0101_0101_0101
        starts.withUnsafeMutableBufferPointer { starts in
            lengths.withUnsafeMutableBufferPointer { lengths in
                flags.withUnsafeMutableBufferPointer { flags in
                    while position < count && table.recordCount < maxRecords {
                        // Blank lines are not records.
                        if base[position] == 0x0A {
                            position += 1
                            continue
                        }
                        if base[position] == 0x0D && (position + 1 == count || base[position + 1] == 0x0A) {
                            position += position + 1 == count ? 1 : 2
                            continue
                        }
                        let recordStart = position
                        table.recordStarts.append(Int32(truncatingIfNeeded: recordStart))
                        var fields = 0
                        var error: String?
                        record: while true {
                            var flag: UInt8 = 0
                            var fieldStart = position
                            var fieldEnd = position
                            var endsRecord = false
                            if position < count && base[position] == quote {
                                flag = FieldTable.Flag.quoted
                                fieldStart = position + 1
                                var next = fieldStart
                                var closed = false
                                while next < count, let hit = memchr(base + next, Int32(quote), count - next) {
                                    let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                                    if at + 1 < count && base[at + 1] == quote {
                                        flag |= FieldTable.Flag.escaped
                                        next = at + 2
                                        continue
                                    }
                                    fieldEnd = at
                                    position = at + 1
                                    closed = true
                                    break
                                }
                                if !closed {
                                    fieldEnd = count
                                    position = count
                                    if error == nil { error = "unterminated quoted field" }
                                    endsRecord = true
                                } else if position < count {
                                    let byte = base[position]
                                    if byte == delimiter {
                                        position += 1
                                    } else if byte == 0x0A {
                                        position += 1
                                        endsRecord = true
                                    } else if byte == 0x0D && (position + 1 == count || base[position + 1] == 0x0A) {
                                        position += position + 1 == count ? 1 : 2
                                        endsRecord = true
                                    } else {
                                        if error == nil { error = "text after the closing quote of field \(fields + 1)" }
                                        while position < count && base[position] != delimiter && base[position] != 0x0A {
                                            position += 1
                                        }
                                        if position < count && base[position] == delimiter {
                                            position += 1
                                        } else {
                                            position += 1
                                            endsRecord = true
                                        }
                                    }
                                } else {
                                    endsRecord = true
                                }
                            } else {
                                // Eight bytes at a time: the lowest byte equal to the delimiter or `\n`.
                                while position &+ 8 <= count {
                                    let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
                                    let hits = Self.zeroBytes(word ^ delimiterWord) | Self.zeroBytes(word ^ Self.newlineWord)
                                    if hits != 0 {
                                        position &+= hits.trailingZeroBitCount &>> 3
                                        break
                                    }
                                    position &+= 8
                                }
                                while position < count {
                                    let byte = base[position]
                                    if byte == delimiter || byte == 0x0A { break }
                                    position &+= 1
                                }
                                fieldEnd = position
                                if position < count && base[position] == delimiter {
                                    position += 1
                                } else {
                                    endsRecord = true
                                    position += 1
                                    if fieldEnd > fieldStart && base[fieldEnd - 1] == 0x0D { fieldEnd -= 1 }
                                }
                            }
                            if fields < columnCount {
                                let slot = table.recordCount &* columnCount &+ fields
                                starts[slot] = Int32(truncatingIfNeeded: fieldStart)
                                lengths[slot] = Int32(truncatingIfNeeded: fieldEnd &- fieldStart)
                                flags[slot] = flag
                            }
                            fields += 1
                            if endsRecord { break record }
                        }
                        if error == nil && fields != columnCount {
                            error = "expected \(columnCount) fields, found \(fields)"
                        }
                        if let error { table.recordErrors.append((table.recordCount, error)) }
                        table.recordCount += 1
                    }
                }
            }
        }
        let used = table.recordCount &* columnCount
        if used < slots {
            starts.removeLast(slots &- used)
            lengths.removeLast(slots &- used)
            flags.removeLast(slots &- used)
        }
        table.starts = starts
        table.lengths = lengths
        table.flags = flags
        table.recordStarts.append(Int32(truncatingIfNeeded: min(position, count)))
        return table
    }

    static let newlineWord: UInt64 = 0x0A0A_0A0A_0A0A_0A0A

    /// The high bit of each zero byte of `word`; bits above the lowest zero byte may be false
    /// positives (borrows), so only the lowest set bit is exact.
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
    }

    /// The fields of the first record (header names, or the column count of a file without one),
    /// and the offset just after it; empty when `bytes` holds no record.
    static func firstRecord(
        _ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, quote: UInt8, isFinal: Bool
    ) -> (fields: [[UInt8]], end: Int)? {
        var skip = 0
        while skip < bytes.count && (bytes[skip] == 0x0A || bytes[skip] == 0x0D) { skip += 1 }
        let rest = UnsafeBufferPointer(rebasing: bytes[skip...])
        let (cuts, complete) = boundaries(rest, delimiter: delimiter, quote: quote, targets: [0], isFinal: isFinal)
        guard complete > 0, let end = cuts.first else { return nil }
        var upperBound = 1
        for index in 0..<end where rest[index] == delimiter { upperBound += 1 }
        let table = tokenize(
            UnsafeBufferPointer(rebasing: rest[..<end]), columnCount: upperBound, delimiter: delimiter, quote: quote,
            limit: 1)
        var fields: [[UInt8]] = []
        for index in 0..<upperBound where table.lengths[index] >= 0 {
            let start = Int(table.starts[index])
            var value = Array(rest[start..<(start + Int(table.lengths[index]))])
            if table.flags[index] & FieldTable.Flag.escaped != 0 { value = unescape(value, quote: quote) }
            fields.append(value)
        }
        return (fields, skip + end)
    }

    /// A quoted field's text with each doubled quote made single.
    static func unescape(_ value: [UInt8], quote: UInt8) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(value.count)
        var index = 0
        while index < value.count {
            result.append(value[index])
            index += value[index] == quote && index + 1 < value.count && value[index + 1] == quote ? 2 : 1
        }
        return result
    }
}
