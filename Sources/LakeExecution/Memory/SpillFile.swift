import LakeColumnar
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A temporary file of record batches that an operator writes when it runs out of memory budget
/// and reads back later in the same query (SPEC.md §8.9).
///
/// The file has no name: it is opened with `O_TMPFILE` (or created and unlinked at once where the
/// file system lacks it), so the kernel frees it when the query ends by any path — success, error,
/// a signal or `kill -9`. Batches are stored as their raw column buffers, in the process's own
/// layout; they are read back with the schema they were written with. Appends and reads may come
/// from several threads.
public final class SpillFile: Sendable {
    private let descriptor: Int32
    private let state = Mutex<(end: Int, blocks: [(offset: Int, length: Int, rows: Int)])>((0, []))
    private let budget: MemoryBudget

    /// Opens a new spill file in `budget.spillDirectory` (default `$TMPDIR`, else `/tmp`).
    public init(budget: MemoryBudget) throws(ExecutionError) {
        self.budget = budget
        let directory = budget.spillDirectory ?? Self.defaultDirectory()
        self.descriptor = try Self.openAnonymous(in: directory)
    }

    deinit { close(descriptor) }

    static func defaultDirectory() -> String {
        if let value = getenv("TMPDIR"), value.pointee != 0 { return String(cString: value) }
        return "/tmp"
    }

    private static func openAnonymous(in directory: String) throws(ExecutionError) -> Int32 {
        #if os(Linux)
            // O_TMPFILE is a macro Swift does not import: __O_TMPFILE (0o20000000) | O_DIRECTORY.
            let anonymous = open(directory, 0o20000000 | O_DIRECTORY | O_RDWR | O_CLOEXEC, 0o600)
            if anonymous >= 0 { return anonymous }
        #endif
        var template = Array((directory + "/lake-spill-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw .spill("cannot create a temporary file in \(directory): \(reason)")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return fd
    }

    /// The number of batches written.
    public var batchCount: Int { state.withLock { $0.blocks.count } }

    /// Rows written in all.
    public var rowCount: Int { state.withLock { $0.blocks.reduce(0) { $0 + $1.rows } } }

    /// Appends one batch.
    public func append(_ batch: RecordBatch) throws(ExecutionError) {
        guard batch.rowCount > 0 else { return }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(batch.memoryBytes + 64 * batch.columns.count + 16)
        for column in batch.columns { try SpillCoding.write(column, into: &buffer) }
        let length = buffer.count
        let offset = state.withLock { state in
            let offset = state.end
            state.end += length
            state.blocks.append((offset, length, batch.rowCount))
            return offset
        }
        let failure: String? = buffer.withUnsafeBytes { raw in
            var done = 0
            while done < length {
                let written = pwrite(descriptor, raw.baseAddress! + done, length - done, off_t(offset + done))
                if written < 0 {
                    if errno == EINTR { continue }
                    return "writing a spill file failed: \(String(cString: strerror(errno)))"
                }
                if written == 0 { return "writing a spill file failed: no space left" }
                done += written
            }
            return nil
        }
        if let failure { throw .spill(failure) }
        budget.recordSpill(length)
    }

    /// Batch `index` (in append order), rebuilt with `schema`.
    public func read(_ index: Int, schema: Schema) throws(ExecutionError) -> RecordBatch {
        let block = state.withLock { $0.blocks[index] }
        var buffer = [UInt8](repeating: 0, count: block.length)
        let failure: String? = buffer.withUnsafeMutableBytes { raw in
            var done = 0
            while done < block.length {
                let count = pread(descriptor, raw.baseAddress! + done, block.length - done, off_t(block.offset + done))
                if count < 0 {
                    if errno == EINTR { continue }
                    return "reading a spill file failed: \(String(cString: strerror(errno)))"
                }
                if count == 0 { return "a spill file ended early" }
                done += count
            }
            return nil
        }
        if let failure { throw .spill(failure) }
        var cursor = 0
        let columns: Result<[Column], ExecutionError> = buffer.withUnsafeBytes { raw in
            Result { () throws(ExecutionError) in
                var columns: [Column] = []
                for field in schema.fields {
                    columns.append(try SpillCoding.read(field.type, rows: block.rows, from: raw, cursor: &cursor))
                }
                return columns
            }
        }
        return RecordBatch(schema: schema, columns: try columns.get(), rowCount: block.rows)
    }

    /// Every batch, in append order.
    public func readAll(schema: Schema) throws(ExecutionError) -> [RecordBatch] {
        var batches: [RecordBatch] = []
        for index in 0..<batchCount { batches.append(try read(index, schema: schema)) }
        return batches
    }
}

/// The spill layout of one column: validity (word count, then words), then the type's buffers
/// (values; or offsets, byte count and bytes). Lengths are native-endian `Int`s.
enum SpillCoding {
    static func write(_ column: Column, into buffer: inout [UInt8]) throws(ExecutionError) {
        if let validity = column.validity {
            appendInteger(validity.words.count, to: &buffer)
            appendBuffer(validity.words, to: &buffer)
        } else {
            appendInteger(0, to: &buffer)
        }
        switch column {
        case .boolean(let c): appendBuffer(c.values, to: &buffer)
        case .int8(let c): appendBuffer(c.values, to: &buffer)
        case .int16(let c): appendBuffer(c.values, to: &buffer)
        case .int32(let c), .date(let c): appendBuffer(c.values, to: &buffer)
        case .int64(let c), .timestamp(let c), .timestampNTZ(let c), .time(let c), .decimal64(let c, _, _):
            appendBuffer(c.values, to: &buffer)
        case .float32(let c): appendBuffer(c.values, to: &buffer)
        case .float64(let c): appendBuffer(c.values, to: &buffer)
        case .decimal128(let c, _, _): appendBuffer(c.values, to: &buffer)
        case .string(let c), .binary(let c):
            appendBuffer(c.offsets, to: &buffer)
            appendInteger(c.bytes.count, to: &buffer)
            appendBuffer(c.bytes, to: &buffer)
        case .struct, .list, .map:
            throw .spill("columns of type \(column.dataType) cannot be spilled yet")
        }
    }

    static func read(_ type: DataType, rows: Int, from raw: UnsafeRawBufferPointer, cursor: inout Int) throws(ExecutionError)
        -> Column
    {
        let wordCount = readInteger(raw, &cursor)
        let validity: ValidityBitmap? =
            wordCount == 0 ? nil : ValidityBitmap(words: readBuffer(UInt64.self, wordCount, raw, &cursor), count: rows)
        func primitive<T: BitwiseCopyable & Sendable>(_: T.Type) -> PrimitiveColumn<T> {
            PrimitiveColumn(values: readBuffer(T.self, rows, raw, &cursor), validity: validity)
        }
        switch type {
        case .boolean: return .boolean(primitive(Bool.self))
        case .int8: return .int8(primitive(Int8.self))
        case .int16: return .int16(primitive(Int16.self))
        case .int32: return .int32(primitive(Int32.self))
        case .date: return .date(primitive(Int32.self))
        case .int64: return .int64(primitive(Int64.self))
        case .timestamp: return .timestamp(primitive(Int64.self))
        case .timestampNTZ: return .timestampNTZ(primitive(Int64.self))
        case .time: return .time(primitive(Int64.self))
        case .float32: return .float32(primitive(Float.self))
        case .float64: return .float64(primitive(Double.self))
        case .decimal(let precision, let scale):
            if precision <= 18 { return .decimal64(primitive(Int64.self), precision: precision, scale: scale) }
            return .decimal128(primitive(Int128.self), precision: precision, scale: scale)
        case .string, .binary:
            let offsets = readBuffer(Int32.self, rows + 1, raw, &cursor)
            let byteCount = readInteger(raw, &cursor)
            let bytes = readBuffer(UInt8.self, byteCount, raw, &cursor)
            let column = StringColumn(offsets: offsets, bytes: bytes, validity: validity)
            return type == .string ? .string(column) : .binary(column)
        default:
            throw .spill("columns of type \(type) cannot be spilled yet")
        }
    }

    private static func appendInteger(_ value: Int, to buffer: inout [UInt8]) {
        withUnsafeBytes(of: value) { buffer.append(contentsOf: $0) }
    }

    private static func appendBuffer<T>(_ values: ContiguousArray<T>, to buffer: inout [UInt8]) {
        values.withUnsafeBytes { buffer.append(contentsOf: $0) }
    }

    private static func readInteger(_ raw: UnsafeRawBufferPointer, _ cursor: inout Int) -> Int {
        let value = raw.loadUnaligned(fromByteOffset: cursor, as: Int.self)
        cursor += MemoryLayout<Int>.size
        return value
    }

    private static func readBuffer<T: BitwiseCopyable>(_: T.Type, _ count: Int, _ raw: UnsafeRawBufferPointer, _ cursor: inout Int)
        -> ContiguousArray<T>
    {
        let byteCount = count * MemoryLayout<T>.stride
        let source = raw.baseAddress! + cursor
        cursor += byteCount
        return ContiguousArray<T>(unsafeUninitializedCapacity: count) { target, initialized in
            if byteCount > 0 { UnsafeMutableRawPointer(target.baseAddress!).copyMemory(from: source, byteCount: byteCount) }
            initialized = count
        }
    }
}
