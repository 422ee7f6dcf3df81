import LakeColumnar

/// An open-addressing table from 64-bit integer keys to dense ids 0, 1, 2, … in order of first
/// insertion: the fast path for a single integer-like GROUP BY or join key (no key bytes).
struct IntegerKeyTable {
    private var slots: [Int32]
    private var mask: Int
    private(set) var keys: [Int64] = []

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { keys.count }

    /// The bytes the table holds (slots and keys), for the memory budget.
    var memoryBytes: Int { slots.count * 4 + keys.capacity * 8 }

    /// The id of the NULL key (kept outside the hash slots, so no value matches it).
    private(set) var nullId: Int?

    mutating func findOrInsertNull() -> (id: Int, isNew: Bool) {
        if let nullId { return (nullId, false) }
        let id = keys.count
        keys.append(0)
        nullId = id
        if keys.count * 2 > slots.count { grow() }
        return (id, true)
    }

    @inline(__always)
    static func hash(_ key: Int64) -> Int {
        var h = UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 32
        return Int(truncatingIfNeeded: h)
    }

    @inline(__always)
    mutating func findOrInsert(_ key: Int64) -> (id: Int, isNew: Bool) {
        var slot = Self.hash(key) & mask
        while true {
            let id = Int(slots[slot])
            if id < 0 { break }
            if keys[id] == key { return (id, false) }
            slot = (slot &+ 1) & mask
        }
        let id = keys.count
        keys.append(key)
        if keys.count * 2 > slots.count {
            grow()
        } else {
            slots[slot] = Int32(truncatingIfNeeded: id)
        }
        return (id, true)
    }

    @inline(__always)
    func find(_ key: Int64) -> Int? {
        var slot = Self.hash(key) & mask
        while true {
            let id = Int(slots[slot])
            if id < 0 { return nil }
            if keys[id] == key { return id }
            slot = (slot &+ 1) & mask
        }
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        for id in 0..<keys.count where id != nullId {
            var slot = Self.hash(keys[id]) & mask
            while slots[slot] >= 0 { slot = (slot &+ 1) & mask }
            slots[slot] = Int32(truncatingIfNeeded: id)
        }
    }

    /// The values of an integer-like column widened to Int64, or `nil` for other types.
    static func integers(_ column: Column) -> PrimitiveColumn<Int64>? {
        switch column {
        case .int64(let c), .timestamp(let c), .timestampNTZ(let c): c
        case .int32(let c), .date(let c): Kernels.map1(c) { Int64($0) }
        case .int16(let c): Kernels.map1(c) { Int64($0) }
        case .int8(let c): Kernels.map1(c) { Int64($0) }
        default: nil
        }
    }

    /// Whether a key of this type takes the integer fast path.
    static func accepts(_ type: DataType) -> Bool {
        switch type {
        case .int8, .int16, .int32, .int64, .date, .timestamp, .timestampNTZ: true
        default: false
        }
    }
}
