import LakeColumnar

/// Rows of several columns encoded as byte strings whose byte order is the SQL order of the rows
/// (DuckDB's normalized sort keys): a null marker per column, then integers big-endian with the
/// sign bit flipped, floats as ordered bits, strings with 0x00/0x01 escaped and a 0x00
/// terminator, every byte inverted for descending columns. Equal rows get equal bytes, so the same
/// encoding serves grouping, joins, DISTINCT and sorting.
///
/// Encoding runs column by column over typed buffers; nothing is allocated per row.
struct RowKeys {
    /// Row `i` is `bytes[offsets[i]..<offsets[i + 1]]`.
    var offsets: [Int]
    var bytes: [UInt8]
    /// Rows where some key column is NULL (joins never match them).
    var hasNull: [Bool]

    var count: Int { offsets.count - 1 }

    struct Order {
        var descending = false
        var nullsFirst = false
    }

    static func encode(_ columns: [Column], rowCount: Int, orders: [Order]? = nil) -> RowKeys {
        var sizes = [Int](repeating: 0, count: rowCount)
        var hasNull = [Bool](repeating: false, count: rowCount)
        for column in columns {
            if let validity = column.validity {
                for row in 0..<rowCount where !validity.isValid(row) { hasNull[row] = true }
            }
            switch column {
            case .string(let c), .binary(let c):
                c.withRows { offsets, bytes in
                    for row in 0..<rowCount {
                        var size = 2
                        for index in Int(offsets[row])..<Int(offsets[row + 1]) { size += bytes[index] <= 1 ? 2 : 1 }
                        sizes[row] += size
                    }
                }
            default:
                let width = fixedWidth(column) + 1
                for row in 0..<rowCount { sizes[row] += width }
            }
        }
        var offsets = [Int](repeating: 0, count: rowCount + 1)
        for row in 0..<rowCount { offsets[row + 1] = offsets[row] + sizes[row] }
        var bytes = [UInt8](repeating: 0, count: offsets[rowCount])
        var cursor = Array(offsets.dropLast())
        bytes.withUnsafeMutableBufferPointer { out in
            for (index, column) in columns.enumerated() {
                let order = orders?[index] ?? Order()
                write(column, order: order, rowCount: rowCount, into: out, cursor: &cursor)
            }
        }
        return RowKeys(offsets: offsets, bytes: bytes, hasNull: hasNull)
    }

    static func fixedWidth(_ column: Column) -> Int {
        switch column {
        case .boolean, .int8: 1
        case .int16: 2
        case .int32, .date: 4
        case .decimal64, .decimal128: 16
        default: 8
        }
    }

    private static func write(
        _ column: Column, order: Order, rowCount: Int, into out: UnsafeMutableBufferPointer<UInt8>, cursor: inout [Int]
    ) {
        let validity = column.validity
        let nullMarker: UInt8 = order.nullsFirst ? 0 : 2
        let invert: UInt8 = order.descending ? 0xFF : 0
        func fixed<T>(_ values: ContiguousArray<T>, width: Int, _ bits: (T) -> UInt64) {
            values.withUnsafeBufferPointer { values in
                for row in 0..<rowCount {
                    var position = cursor[row]
                    if let validity, !validity.isValid(row) {
                        out[position] = nullMarker
                        cursor[row] = position + 1 + width
                        continue
                    }
                    out[position] = 1
                    position += 1
                    let value = bits(values[row])
                    for byte in 0..<width {
                        out[position + byte] = UInt8(truncatingIfNeeded: value >> UInt64((width - 1 - byte) * 8)) ^ invert
                    }
                    cursor[row] = position + width
                }
            }
        }
        switch column {
        case .boolean(let c): fixed(c.values, width: 1) { $0 ? 1 : 0 }
        case .int8(let c): fixed(c.values, width: 1) { UInt64(UInt8(bitPattern: $0) ^ 0x80) }
        case .int16(let c): fixed(c.values, width: 2) { UInt64(UInt16(bitPattern: $0) ^ 0x8000) }
        case .int32(let c), .date(let c): fixed(c.values, width: 4) { UInt64(UInt32(bitPattern: $0) ^ 0x8000_0000) }
        case .int64(let c), .timestamp(let c), .timestampNTZ(let c), .time(let c):
            fixed(c.values, width: 8) { UInt64(bitPattern: $0) ^ 0x8000_0000_0000_0000 }
        case .float32(let c): fixed(c.values, width: 8) { orderedBits(Double($0)) }
        case .float64(let c): fixed(c.values, width: 8) { orderedBits($0) }
        case .decimal64, .decimal128:
            guard let wide = column.decimalValues else { return }
            // Two 8-byte halves: high (signed) then low.
            wide.values.withUnsafeBufferPointer { values in
                for row in 0..<rowCount {
                    var position = cursor[row]
                    if let validity, !validity.isValid(row) {
                        out[position] = nullMarker
                        cursor[row] = position + 17
                        continue
                    }
                    out[position] = 1
                    position += 1
                    let value = values[row]
                    let high = UInt64(truncatingIfNeeded: value >> 64) ^ 0x8000_0000_0000_0000
                    let low = UInt64(truncatingIfNeeded: value)
                    for byte in 0..<8 {
                        out[position + byte] = UInt8(truncatingIfNeeded: high >> UInt64((7 - byte) * 8)) ^ invert
                        out[position + 8 + byte] = UInt8(truncatingIfNeeded: low >> UInt64((7 - byte) * 8)) ^ invert
                    }
                    cursor[row] = position + 16
                }
            }
        case .string(let c), .binary(let c):
            c.withRows { offsets, bytes in
                for row in 0..<rowCount {
                    var position = cursor[row]
                    if let validity, !validity.isValid(row) {
                        out[position] = nullMarker
                        out[position + 1] = invert
                        cursor[row] = position + 2
                        continue
                    }
                    out[position] = 1
                    position += 1
                    for index in Int(offsets[row])..<Int(offsets[row + 1]) {
                        let byte = bytes[index]
                        if byte <= 1 {
                            out[position] = 1 ^ invert
                            out[position + 1] = (byte + 1) ^ invert
                            position += 2
                        } else {
                            out[position] = byte ^ invert
                            position += 1
                        }
                    }
                    out[position] = invert
                    cursor[row] = position + 1
                }
            }
        default:
            for row in 0..<rowCount { cursor[row] += 9 }
        }
    }

    /// Doubles as unsigned integers in numeric order; -0.0 equals 0.0, all NaNs equal and greatest.
    @inline(__always)
    static func orderedBits(_ value: Double) -> UInt64 {
        if value.isNaN { return UInt64.max }
        let bits = (value == 0 ? 0.0 : value).bitPattern
        return bits & 0x8000_0000_0000_0000 != 0 ? ~bits : bits | 0x8000_0000_0000_0000
    }

    /// A 64-bit hash of row `row`'s bytes.
    @inline(__always)
    func hash(_ row: Int) -> UInt64 {
        if offsets[row + 1] == offsets[row] { return 0x9E37_79B9_7F4A_7C15 }
        return bytes.withUnsafeBufferPointer { KeyHash.hash($0.baseAddress! + offsets[row], offsets[row + 1] - offsets[row]) }
    }
}

/// A fast 64-bit hash over bytes, 8 at a time.
enum KeyHash {
    @inline(__always)
    static func hash(_ pointer: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: count)
        var index = 0
        while index + 8 <= count {
            let word = UnsafeRawPointer(pointer + index).loadUnaligned(as: UInt64.self)
            h = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < count {
            tail |= UInt64(pointer[index]) << shift
            shift += 8
            index += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }
}

/// An open-addressing table from key bytes to dense ids 0, 1, 2, … in order of first insertion.
struct KeyTable {
    private var slots: [Int32]
    private var mask: Int
    private(set) var hashes: [UInt64] = []
    private(set) var keyOffsets: [Int] = [0]
    private(set) var keyBytes: [UInt8] = []

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { hashes.count }

    /// The bytes the table holds (slots, hashes, key offsets and bytes), for the memory budget.
    var memoryBytes: Int { slots.count * 4 + hashes.capacity * 8 + keyOffsets.capacity * 8 + keyBytes.capacity }

    /// The id of `key`, inserting it when new; `isNew` tells which.
    @inline(__always)
    mutating func findOrInsert(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (id: Int, isNew: Bool) {
        if let id = find(key, hash: hash) { return (id, false) }
        let id = hashes.count
        hashes.append(hash)
        keyBytes.append(contentsOf: key)
        keyOffsets.append(keyBytes.count)
        if hashes.count * 2 > slots.count { grow() } else { place(id, hash: hash) }
        return (id, true)
    }

    @inline(__always)
    func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let id = Int(slots[slot])
            if id < 0 { return nil }
            if hashes[id] == hash {
                let start = keyOffsets[id]
                let length = keyOffsets[id + 1] - start
                if length == key.count {
                    let equal = keyBytes.withUnsafeBufferPointer { stored in
                        length == 0 || StringKernels.memcmpBytes(stored.baseAddress! + start, key.baseAddress!, length) == 0
                    }
                    if equal { return id }
                }
            }
            slot = (slot + 1) & mask
        }
    }

    private mutating func place(_ id: Int, hash: UInt64) {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(id)
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        for id in 0..<hashes.count { place(id, hash: hashes[id]) }
    }
}
