import LakeColumnar

/// A column of the rows being built: its name and type, and which source column feeds it
/// (`nil`: the input lacks it, so it is all null).
public struct ColumnPlan: Sendable, Equatable {
    public var name: String
    public var type: DataType
    public var source: Int?

    public init(name: String, type: DataType, source: Int?) {
        self.name = name
        self.type = type
        self.source = source
    }
}

/// A record that was not ingested, with where and why.
public struct RejectedRecord: Sendable, Equatable {
    /// The input file (`-` for standard input).
    public var file: String
    /// The line the record starts on (1-based).
    public var line: Int64
    /// The column whose value failed, or `nil` for a malformed record.
    public var column: String?
    /// The failing value's text (cut to 200 bytes), or `nil`.
    public var value: String?
    /// Why the record was rejected.
    public var reason: String
    /// The record's raw text (invalid UTF-8 replaced by U+FFFD).
    public var record: String
}

/// The rows parsed from one chunk of records.
struct ParsedChunk: Sendable {
    /// The accepted rows.
    var batch: RecordBatch
    /// Rejected records in order, with lines relative to the chunk's first line (0-based).
    var rejects: [RejectedRecord]
    /// Records in the chunk (accepted + rejected).
    var records: Int
    /// Line breaks in the chunk.
    var newlines: Int
}

/// Turns a ``FieldTable`` into typed columns, one column at a time: the type is chosen once per
/// column and chunk, then a specialized loop decodes every field (STYLE.md rules 1 and 7).
struct ChunkParser: Sendable {
    let plans: [ColumnPlan]
    let format: TextFormat
    let quote: UInt8
    let nullStrings: [[UInt8]]

    /// A field that failed, by record.
    struct FieldError {
        var record: Int
        var column: Int
        var failure: DecodeFailure
    }

    /// Parses `table`, whose spans point into `bytes`.
    func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ table: FieldTable, file: String) -> ParsedChunk {
        let rowCount = table.recordCount
        var errors: [FieldError] = []
        var columns: [Column] = []
        columns.reserveCapacity(plans.count)
        for (index, plan) in plans.enumerated() {
            columns.append(buildColumn(plan, index, bytes, table, &errors))
        }
        // The first problem of each record, in record order: malformed records first.
        var firstError: [Int: (column: Int?, failure: DecodeFailure, reason: String?)] = [:]
        for (record, reason) in table.recordErrors { firstError[record] = (nil, .none, reason) }
        for error in errors where firstError[error.record] == nil {
            firstError[error.record] = (error.column, error.failure, nil)
        }
        let schema = Schema(plans.map { Field($0.name, $0.type) })
        var batch = RecordBatch(schema: schema, columns: columns, rowCount: rowCount)
        var rejects: [RejectedRecord] = []
        if !firstError.isEmpty {
            var kept: [Int32] = []
            kept.reserveCapacity(rowCount - firstError.count)
            for row in 0..<rowCount where firstError[row] == nil { kept.append(Int32(row)) }
            batch = kept.withUnsafeBufferPointer { batch.take($0) }
            var line = 0
            var scanned = 0
            for record in firstError.keys.sorted() {
                let entry = firstError[record]!
                let start = Int(table.recordStarts[record])
                let end = Int(table.recordStarts[record + 1])
                for index in scanned..<start where bytes[index] == 0x0A { line += 1 }
                scanned = start
                var value: String?
                var columnName: String?
                if let column = entry.column {
                    columnName = plans[column].name
                    if let source = plans[column].source {
                        let slot = record * table.columnCount + source
                        let length = Int(table.lengths[slot])
                        if length >= 0 {
                            let fieldStart = Int(table.starts[slot])
                            value = String(
                                decoding: bytes[fieldStart..<(fieldStart + min(length, 200))], as: UTF8.self)
                        }
                    }
                }
                var rawEnd = end
                while rawEnd > start && (bytes[rawEnd - 1] == 0x0A || bytes[rawEnd - 1] == 0x0D) { rawEnd -= 1 }
                rejects.append(
                    RejectedRecord(
                        file: file, line: Int64(line), column: columnName, value: value,
                        reason: entry.reason ?? entry.failure.reason,
                        record: String(decoding: bytes[start..<rawEnd], as: UTF8.self)))
            }
        }
        var newlines = table.newlines
        if newlines < 0 { newlines = bytes.baseAddress.map { countNewlines($0, bytes.count) } ?? 0 }
        return ParsedChunk(batch: batch, rejects: rejects, records: rowCount, newlines: newlines)
    }

    private func buildColumn(
        _ plan: ColumnPlan, _ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ table: FieldTable,
        _ errors: inout [FieldError]
    ) -> Column {
        guard let source = plan.source else { return Self.nulls(plan.type, table.recordCount) }
        var context = Context(
            parser: self, bytes: bytes, table: table, source: source, column: index,
            plainText: plan.type == .string && bytes.baseAddress.map { FieldDecoding.isPlainASCII($0, bytes.count) } ?? true)
        defer { errors += context.errors }
        switch plan.type {
        case .boolean: return .boolean(context.primitive(BooleanDecoder()))
        case .int8: return .int8(context.primitive(IntegerDecoder<Int8>()))
        case .int16: return .int16(context.primitive(IntegerDecoder<Int16>()))
        case .int32: return .int32(context.primitive(IntegerDecoder<Int32>()))
        case .int64: return .int64(context.primitive(IntegerDecoder<Int64>()))
        case .float32: return .float32(context.primitive(FloatDecoder()))
        case .float64: return .float64(context.primitive(DoubleDecoder()))
        case .decimal(let precision, let scale):
            if precision <= DataType.maxDecimal64Precision {
                return .decimal64(
                    context.primitive(Decimal64Decoder(precision: precision, scale: scale)), precision: precision,
                    scale: scale)
            }
            return .decimal128(
                context.primitive(Decimal128Decoder(precision: precision, scale: scale)), precision: precision, scale: scale)
        case .date: return .date(context.primitive(DateDecoder()))
        case .timestamp: return .timestamp(context.primitive(TimestampDecoder(zoned: true)))
        case .timestampNTZ: return .timestampNTZ(context.primitive(TimestampDecoder(zoned: false)))
        case .time: return .time(context.primitive(TimeDecoder()))
        case .string: return .string(context.strings(validate: true))
        case .binary: return .binary(context.strings(validate: false))
        case .struct, .list, .map:
            // Not reachable: --schema refuses nested types for text input.
            return Self.nulls(plan.type, table.recordCount)
        }
    }

    /// A column of `count` nulls of a flat type.
    static func nulls(_ type: DataType, _ count: Int) -> Column {
        let validity = ValidityBitmap(allNullCount: count)
        func zeros<T: BitwiseCopyable & Sendable>(_ zero: T) -> PrimitiveColumn<T> {
            PrimitiveColumn(values: ContiguousArray(repeating: zero, count: count), validity: validity)
        }
        switch type {
        case .boolean: return .boolean(zeros(false))
        case .int8: return .int8(zeros(Int8(0)))
        case .int16: return .int16(zeros(Int16(0)))
        case .int32: return .int32(zeros(Int32(0)))
        case .int64: return .int64(zeros(Int64(0)))
        case .float32: return .float32(zeros(Float(0)))
        case .float64: return .float64(zeros(Double(0)))
        case .decimal(let precision, let scale):
            if precision <= DataType.maxDecimal64Precision {
                return .decimal64(zeros(Int64(0)), precision: precision, scale: scale)
            }
            return .decimal128(zeros(Int128(0)), precision: precision, scale: scale)
        case .date: return .date(zeros(Int32(0)))
        case .timestamp: return .timestamp(zeros(Int64(0)))
        case .timestampNTZ: return .timestampNTZ(zeros(Int64(0)))
        case .time: return .time(zeros(Int64(0)))
        case .binary:
            return .binary(
                StringColumn(offsets: ContiguousArray(repeating: 0, count: count + 1), bytes: [], validity: validity))
        default:
            return .string(
                StringColumn(offsets: ContiguousArray(repeating: 0, count: count + 1), bytes: [], validity: validity))
        }
    }

    /// Per-column decoding state.
    struct Context {
        let parser: ChunkParser
        let bytes: UnsafeBufferPointer<UInt8>
        let table: FieldTable
        let source: Int
        let column: Int
        /// The chunk is ASCII without NUL bytes, so fields copied as they are need no text check.
        let plainText: Bool
        var errors: [FieldError] = []
        var scratch: [UInt8] = []

        /// Decodes every field with `decoder` into a primitive column.
        ///
        /// The loop reads the field table through pointers held in locals and never touches
        /// `self` (which would copy the context per row); escaped fields, rare, are decoded after.
        mutating func primitive<Decoder: FieldDecoder>(_ decoder: Decoder) -> PrimitiveColumn<Decoder.Value> {
            let count = table.recordCount
            let columnCount = table.columnCount
            let source = self.source
            let nullStrings = parser.nullStrings
            let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1).unsafelyUnwrapped
            var validity: ValidityBitmap?
            var failures: [(row: Int, failure: DecodeFailure)] = []
            var escapedRows: [Int] = []
            var values = table.starts.withUnsafeBufferPointer { starts in
                table.lengths.withUnsafeBufferPointer { lengths in
                    table.flags.withUnsafeBufferPointer { flags in
                        ContiguousArray<Decoder.Value>(unsafeUninitializedCapacity: count) { buffer, initialized in
                            for row in 0..<count {
                                let slot = row &* columnCount &+ source
                                let length = Int(lengths[slot])
                                let flag = flags[slot]
                                var start = Int(starts[slot])
                                var end = start &+ length
                                var null = length <= 0 || flag & FieldTable.Flag.jsonNull != 0
                                if !null && !nullStrings.isEmpty && flag & FieldTable.Flag.quotedOrString == 0 {
                                    null = isNullString(nullStrings, base + start, length)
                                }
                                if !null && flag & FieldTable.Flag.escaped != 0 {
                                    buffer.initializeElement(at: row, to: Decoder.zero)
                                    escapedRows.append(row)
                                    continue
                                }
                                if !null {
                                    while start < end && (base[start] == 0x20 || base[start] == 0x09) { start &+= 1 }
                                    while end > start && (base[end &- 1] == 0x20 || base[end &- 1] == 0x09) { end &-= 1 }
                                    // Only spaces: null.
                                    null = start == end
                                }
                                if null {
                                    buffer.initializeElement(at: row, to: Decoder.zero)
                                    if validity == nil { validity = ValidityBitmap(allValidCount: count) }
                                    validity!.setNull(at: row)
                                    continue
                                }
                                var value = Decoder.zero
                                let failure = decoder.decode(base + start, end &- start, &value)
                                buffer.initializeElement(at: row, to: value)
                                if failure != .none {
                                    failures.append((row, failure))
                                    if validity == nil { validity = ValidityBitmap(allValidCount: count) }
                                    validity!.setNull(at: row)
                                }
                            }
                            initialized = count
                        }
                    }
                }
            }
            for row in escapedRows {
                let slot = row &* columnCount &+ source
                let start = Int(table.starts[slot])
                var value = Decoder.zero
                let failure = decodeEscaped(decoder, start, start &+ Int(table.lengths[slot]), &value)
                values[row] = value
                if failure != .none {
                    failures.append((row, failure))
                    if validity == nil { validity = ValidityBitmap(allValidCount: count) }
                    validity!.setNull(at: row)
                }
            }
            for (row, failure) in failures { errors.append(FieldError(record: row, column: column, failure: failure)) }
            return PrimitiveColumn(values: values, validity: validity)
        }

        @inline(never)
        mutating func decodeEscaped<Decoder: FieldDecoder>(
            _ decoder: Decoder, _ start: Int, _ end: Int, _ value: inout Decoder.Value
        ) -> DecodeFailure {
            scratch.removeAll(keepingCapacity: true)
            let span = UnsafeBufferPointer(rebasing: bytes[start..<end])
            guard ChunkParser.unescape(span, format: parser.format, quote: parser.quote, into: &scratch) else {
                return .badEscape
            }
            return scratch.withUnsafeBufferPointer { buffer in
                buffer.isEmpty ? .notNumber : decoder.decode(buffer.baseAddress!, buffer.count, &value)
            }
        }

        /// Copies every field into a string (or binary) column, checking text.
        ///
        /// Unescaping never lengthens a field, so the field lengths bound the bytes and one
        /// buffer of that size is filled without reallocation. As in ``primitive(_:)``, the loop
        /// works on locals only.
        mutating func strings(validate: Bool) -> StringColumn {
            let count = table.recordCount
            let columnCount = table.columnCount
            let source = self.source
            let nullStrings = parser.nullStrings
            let format = parser.format
            let quote = parser.quote
            let checkAll = validate && !plainText
            let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1).unsafelyUnwrapped
            var scratch: [UInt8] = []
            var validity: ValidityBitmap?
            var failures: [(Int, DecodeFailure)] = []
            var offsets = ContiguousArray<Int32>(repeating: 0, count: count + 1)
            var used = 0
            let output = table.starts.withUnsafeBufferPointer { starts in
                table.lengths.withUnsafeBufferPointer { lengths in
                    table.flags.withUnsafeBufferPointer { flags in
                        var total = 0
                        for row in 0..<count {
                            let length = Int(lengths[row &* columnCount &+ source])
                            if length > 0 { total &+= length }
                        }
                        return ContiguousArray<UInt8>(unsafeUninitializedCapacity: total) { buffer, initialized in
                            let target = buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: 1).unsafelyUnwrapped
                            offsets.withUnsafeMutableBufferPointer { offsets in
                                for row in 0..<count {
                                    let slot = row &* columnCount &+ source
                                    let length = Int(lengths[slot])
                                    let flag = flags[slot]
                                    let start = Int(starts[slot])
                                    // Empty is null unless quoted; a quoted `--null` string is text.
                                    var null = length < 0 || flag & FieldTable.Flag.jsonNull != 0
                                        || (length == 0 && flag & FieldTable.Flag.quotedOrString == 0)
                                    if !null && length > 0 && !nullStrings.isEmpty
                                        && flag & FieldTable.Flag.quotedOrString == 0
                                    {
                                        null = isNullString(nullStrings, base + start, length)
                                    }
                                    if null {
                                        if validity == nil { validity = ValidityBitmap(allValidCount: count) }
                                        validity!.setNull(at: row)
                                        offsets[row &+ 1] = Int32(truncatingIfNeeded: used)
                                        continue
                                    }
                                    var written = length
                                    var failure = DecodeFailure.none
                                    let escaped = flag & FieldTable.Flag.escaped != 0
                                    if escaped {
                                        scratch.removeAll(keepingCapacity: true)
                                        let span = UnsafeBufferPointer(start: base + start, count: length)
                                        if ChunkParser.unescape(span, format: format, quote: quote, into: &scratch)
                                            && scratch.count <= length
                                        {
                                            written = scratch.count
                                            scratch.withUnsafeBufferPointer { decoded in
                                                if written > 0 {
                                                    (target + used).initialize(from: decoded.baseAddress!, count: written)
                                                }
                                            }
                                        } else {
                                            failure = .badEscape
                                        }
                                    } else {
                                        copyField(to: target + used, from: base + start, count: length)
                                    }
                                    if validate && failure == .none && (checkAll || escaped) {
                                        failure = FieldDecoding.checkText(target + used, written)
                                    }
                                    if failure == .none {
                                        used &+= written
                                    } else {
                                        failures.append((row, failure))
                                        if validity == nil { validity = ValidityBitmap(allValidCount: count) }
                                        validity!.setNull(at: row)
                                    }
                                    offsets[row &+ 1] = Int32(truncatingIfNeeded: used)
                                }
                            }
                            initialized = used
                        }
                    }
                }
            }
            for (row, failure) in failures { errors.append(FieldError(record: row, column: column, failure: failure)) }
            return StringColumn(offsets: offsets, bytes: output, validity: validity)
        }
    }

    /// Decodes a field's escapes: `""` in CSV, backslash escapes in JSON strings.
    static func unescape(
        _ span: UnsafeBufferPointer<UInt8>, format: TextFormat, quote: UInt8, into output: inout [UInt8]
    ) -> Bool {
        if format == .jsonLines { return JSONText.unescape(span, into: &output) }
        var index = 0
        while index < span.count {
            output.append(span[index])
            index += span[index] == quote && index + 1 < span.count && span[index + 1] == quote ? 2 : 1
        }
        return true
    }
}

/// Whether the `length` bytes at `field` equal one of the `--null` strings.
@inline(never)
func isNullString(_ nullStrings: [[UInt8]], _ field: UnsafePointer<UInt8>, _ length: Int) -> Bool {
    for candidate in nullStrings where candidate.count == length {
        var same = true
        for index in 0..<length where candidate[index] != field[index] {
            same = false
            break
        }
        if same { return true }
    }
    return false
}

/// Copies a field of `count` bytes. Fields are mostly short, where word moves beat a `memmove`
/// call: up to 64 bytes move as 8-byte words, the last one overlapping the one before.
@inline(__always)
func copyField(to target: UnsafeMutablePointer<UInt8>, from source: UnsafePointer<UInt8>, count: Int) {
    if count >= 8 && count <= 64 {
        let to = UnsafeMutableRawPointer(target)
        let from = UnsafeRawPointer(source)
        var index = 0
        while index &+ 8 < count {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: index, as: UInt64.self), toByteOffset: index, as: UInt64.self)
            index &+= 8
        }
        let last = count &- 8
        to.storeBytes(of: from.loadUnaligned(fromByteOffset: last, as: UInt64.self), toByteOffset: last, as: UInt64.self)
    } else if count > 64 {
        target.initialize(from: source, count: count)
    } else {
        var index = 0
        while index < count {
            target[index] = source[index]
            index &+= 1
        }
    }
}

/// Decodes one field's bytes into a value; a value type so each loop is specialized.
protocol FieldDecoder {
    associatedtype Value: BitwiseCopyable & Sendable
    static var zero: Value { get }
    func decode(_ p: UnsafePointer<UInt8>, _ count: Int, _ value: inout Value) -> DecodeFailure
}

struct BooleanDecoder: FieldDecoder {
    static var zero: Bool { false }
    @inline(__always) func decode(_ p: UnsafePointer<UInt8>, _ count: Int, _ value: inout Bool) -> DecodeFailure {
        let (result, failure) = FieldDecoding.boolean(p, count)
        value = result
        return failure
    }
}

struct IntegerDecoder<Value: FixedWidthInteger & BitwiseCopyable & Sendable>: FieldDecoder {
    static var zero: Value { 0 }
    @inline(__always) func decode(_ p: UnsafePointer<UInt8>, _ count: Int, _ value: inout Value) -> DecodeFailure {
        let (result, failure) = FieldDecoding.int64(p, count)
        guard failure == .none else { return failure }
        guard let exact = Value(exactly: result) else { return .outOfRange }
        value = exact
        return .none
    }
}

struct DoubleDecoder: FieldDecoder {
    static var zero: Double { 0 }
    @inline(__always) func decode(_ p: UnsafePointer<UInt8>, _ count: Int, _ value: inout Double) -> DecodeFailure {
        let (result, failure) = FieldDecoding.double(p, count)
        value = result
        return failure
    }
}

struct FloatDecoder: FieldDecoder {
    static var zero: Float { 0 }
    @inline(__always) func decode(_ p: UnsafePointer<UInt8>, _ count: Int, _ value: inout Float) -> DecodeFailure {
        let (result, failure) = FieldDecoding.double(p, count)
        value = Float(result)
        return failure
    }
}

struct Decimal64Decoder: FieldDecoder {
    let precision: Int
    let scale: Int
    static var zero: Int64 { 0 }
    @inline(__always) func decode(_ p: UnsafePointer<UInt8>, _ count: Int, _ value: inout Int64) -> DecodeFailure {
        let (result, failure) = FieldDecoding.decimal64(p, count, precision: precision, scale: scale)
        value = result
        return failure
    }
}

struct Decimal128Decoder: FieldDecoder {
    let precision: Int
    let scale: Int
    static var zero: Int128 { 0 }
    @inline(__always) func decode(_ p: UnsafePointer<UInt8>, _ count: Int, _ value: inout Int128) -> DecodeFailure {
        let (result, failure) = FieldDecoding.decimal(p, count, precision: precision, scale: scale)
        value = result
        return failure
    }
}

struct DateDecoder: FieldDecoder {
    static var zero: Int32 { 0 }
    @inline(__always) func decode(_ p: UnsafePointer<UInt8>, _ count: Int, _ value: inout Int32) -> DecodeFailure {
        let (result, failure) = FieldDecoding.date(p, count)
        value = result
        return failure
    }
}

struct TimestampDecoder: FieldDecoder {
    let zoned: Bool
    static var zero: Int64 { 0 }
    @inline(__always) func decode(_ p: UnsafePointer<UInt8>, _ count: Int, _ value: inout Int64) -> DecodeFailure {
        let (result, hasZone, failure) = FieldDecoding.timestamp(p, count)
        if failure != .none { return failure }
        if hasZone && !zoned { return .zoneInNTZ }
        value = result
        return .none
    }
}

struct TimeDecoder: FieldDecoder {
    static var zero: Int64 { 0 }
    @inline(__always) func decode(_ p: UnsafePointer<UInt8>, _ count: Int, _ value: inout Int64) -> DecodeFailure {
        let (result, failure) = FieldDecoding.time(p, count)
        value = result
        return failure
    }
}
