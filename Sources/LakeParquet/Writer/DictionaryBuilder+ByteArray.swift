import LakeColumnar

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A 64-bit hash of `count` bytes at `bytes`, in the style of wyhash: 16 bytes per round of a
/// 64×64→128-bit multiply, and for short inputs two overlapping loads instead of a byte loop.
@inline(__always)
func dictionaryHash(_ bytes: UnsafeRawPointer, count: Int) -> UInt64 {
    let secret0: UInt64 = 0xA076_1D64_78BD_642F
    let secret1: UInt64 = 0xE703_7ED1_A0B4_28DB
    var seed = secret0
    var low: UInt64
    var high: UInt64
    if count <= 16 {
        if count >= 4 {
            let step = (count &>> 3) &<< 2
            low =
                UInt64(bytes.loadUnaligned(as: UInt32.self)) &<< 32
                | UInt64(bytes.loadUnaligned(fromByteOffset: step, as: UInt32.self))
            high =
                UInt64(bytes.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)) &<< 32
                | UInt64(bytes.loadUnaligned(fromByteOffset: count &- 4 &- step, as: UInt32.self))
        } else if count > 0 {
            let first = UInt64(bytes.load(as: UInt8.self))
            let middle = UInt64(bytes.load(fromByteOffset: count &>> 1, as: UInt8.self))
            let last = UInt64(bytes.load(fromByteOffset: count &- 1, as: UInt8.self))
            low = first &<< 16 | middle &<< 8 | last
            high = 0
        } else {
            low = 0
            high = 0
        }
    } else {
        var offset = 0
        var remaining = count
        while remaining > 16 {
            seed = hashMix(
                bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self) ^ secret1,
                bytes.loadUnaligned(fromByteOffset: offset &+ 8, as: UInt64.self) ^ seed)
            offset &+= 16
            remaining &-= 16
        }
        low = bytes.loadUnaligned(fromByteOffset: count &- 16, as: UInt64.self)
        high = bytes.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
    }
    return hashMix(secret1 ^ UInt64(truncatingIfNeeded: count), hashMix(low ^ secret1, high ^ seed))
}

/// Whether `count` bytes at `left` and `right` are equal; up to 16 bytes with two overlapping
/// loads, longer values with `memcmp`.
@inline(__always)
private func equalBytes(_ left: UnsafeRawPointer, _ right: UnsafeRawPointer, count: Int) -> Bool {
    if count >= 8 {
        guard count <= 16 else { return memcmp(left, right, count) == 0 }
        return left.loadUnaligned(as: UInt64.self) == right.loadUnaligned(as: UInt64.self)
            && left.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
                == right.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
    }
    if count >= 4 {
        return left.loadUnaligned(as: UInt32.self) == right.loadUnaligned(as: UInt32.self)
            && left.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
                == right.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
    }
    for index in 0..<count
    where left.load(fromByteOffset: index, as: UInt8.self) != right.load(fromByteOffset: index, as: UInt8.self) {
        return false
    }
    return true
}

/// The xor of the two halves of a full 128-bit product (wyhash's `mum` mix).
@inline(__always)
private func hashMix(_ left: UInt64, _ right: UInt64) -> UInt64 {
    let product = left.multipliedFullWidth(by: right)
    return product.high ^ product.low
}

extension DictionaryBuilder {
    /// A dictionary of byte strings (BYTE_ARRAY: strings and binaries): entries stored back to
    /// back as ``offsets`` + ``bytes``, found through an open-addressing hash table whose slots
    /// pack a 32-bit hash tag with the entry index, so most mismatches cost no byte comparison.
    package struct ByteArrayTable: Sendable {
        /// `count + 1` offsets into ``bytes``, starting at 0.
        package private(set) var offsets: ContiguousArray<Int32> = [0]
        /// The entries' bytes, back to back, in index order.
        package private(set) var bytes = ContiguousArray<UInt8>()
        /// Hash slots: `tag << 32 | (entry + 1)`, 0 when empty; the count is a power of two.
        private var slots: ContiguousArray<UInt64>
        /// The PLAIN size the dictionary may not exceed (4-byte length + bytes per entry).
        package let maxDictionaryBytes: Int

        /// The initial number of slots.
        private static var initialCapacity: Int { 256 }

        /// An empty table.
        package init(maxDictionaryBytes: Int) {
            // Entry offsets are 32-bit.
            self.maxDictionaryBytes = Swift.min(maxDictionaryBytes, Int(Int32.max))
            slots = ContiguousArray(repeating: 0, count: Self.initialCapacity)
        }

        /// The number of entries.
        package var count: Int { offsets.count &- 1 }

        /// The size of the dictionary page's PLAIN-encoded values: a 4-byte length per entry plus
        /// the bytes.
        package var plainEncodedByteCount: Int { count &* 4 &+ bytes.count }

        /// The entries as a column of byte strings (no validity).
        package var column: StringColumn { StringColumn(offsets: offsets, bytes: bytes) }

        /// Appends the dictionary index of each of `input`'s rows to `indices`, adding new values
        /// as entries; `input`'s validity is ignored (pass present values only).
        ///
        /// Returns `false`, and changes nothing, when the new entries would make
        /// ``plainEncodedByteCount`` exceed ``maxDictionaryBytes``.
        ///
        /// - Complexity: O(total bytes) expected; no allocation per value.
        package mutating func append(_ input: StringColumn, indicesInto indices: inout ContiguousArray<UInt32>) -> Bool
        {
            let valueCount = input.count
            guard valueCount > 0 else { return true }
            let firstNewEntry = count
            let firstIndex = indices.count
            indices.append(contentsOf: repeatElement(0, count: valueCount))
            // Own the buffers locally so the loop's pointers and appends never overlap `self`.
            var table = slots
            slots = []
            var entryOffsets = offsets
            offsets = []
            var entryBytes = bytes
            bytes = []
            var isFull = false
            input.offsets.withUnsafeBufferPointer { inputOffsets in
                input.bytes.withUnsafeBytes { inputBytes in
                    let inputBase = inputBytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1).unsafelyUnwrapped
                    var position = 0
                    while position < valueCount {
                        // Look values up with every buffer pinned; stop at the first new value,
                        // which is added out here (the entry buffers may then move).
                        let miss = lookUp(
                            from: position, inputOffsets, inputBase, &table, entryOffsets, entryBytes, &indices,
                            firstIndex: firstIndex)
                        guard let miss else { return }
                        let entryCount = entryOffsets.count &- 1
                        if entryCount >= dictionaryGrowthThreshold(slotCount: table.count) {
                            table = Self.rehash(entryOffsets, entryBytes, capacity: table.count &* 2)
                            position = miss.row
                            continue
                        }
                        let start = Int(inputOffsets[miss.row])
                        let length = Int(inputOffsets[miss.row &+ 1]) &- start
                        if (entryCount &+ 1) &* 4 &+ entryBytes.count &+ length > maxDictionaryBytes {
                            isFull = true
                            return
                        }
                        entryBytes.append(contentsOf: UnsafeRawBufferPointer(start: inputBase + start, count: length))
                        entryOffsets.append(Int32(truncatingIfNeeded: entryBytes.count))
                        table[miss.slot] = miss.tag | UInt64(truncatingIfNeeded: entryCount &+ 1)
                        indices[firstIndex &+ miss.row] = UInt32(truncatingIfNeeded: entryCount)
                        position = miss.row &+ 1
                    }
                }
            }
            if isFull {
                let keptBytes = Int(entryOffsets[firstNewEntry])
                entryOffsets.removeLast(entryOffsets.count &- 1 &- firstNewEntry)
                entryBytes.removeLast(entryBytes.count &- keptBytes)
                indices.removeLast(indices.count &- firstIndex)
                table = Self.rehash(entryOffsets, entryBytes, capacity: table.count)
            }
            slots = table
            offsets = entryOffsets
            bytes = entryBytes
            return !isFull
        }

        /// Writes the index of rows `position...` of the input to `indices` until a row is not in
        /// the dictionary; returns that row, its empty slot and its hash tag, or `nil` at the end.
        ///
        /// All buffers stay pinned for the whole loop: no retain or release per value.
        private func lookUp(
            from position: Int, _ inputOffsets: UnsafeBufferPointer<Int32>, _ inputBase: UnsafeRawPointer,
            _ table: inout ContiguousArray<UInt64>, _ entryOffsets: ContiguousArray<Int32>,
            _ entryBytes: ContiguousArray<UInt8>, _ indices: inout ContiguousArray<UInt32>, firstIndex: Int
        ) -> (row: Int, slot: Int, tag: UInt64)? {
            let valueCount = inputOffsets.count &- 1
            return table.withUnsafeMutableBufferPointer { table in
                indices.withUnsafeMutableBufferPointer { out in
                    entryOffsets.withUnsafeBufferPointer { entryOffsets in
                        entryBytes.withUnsafeBytes { entryBytes in
                            let entryBase = entryBytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1).unsafelyUnwrapped
                            let mask = table.count &- 1
                            var row = position
                            while row < valueCount {
                                let start = Int(inputOffsets[row])
                                let length = Int(inputOffsets[row &+ 1]) &- start
                                let value = inputBase + start
                                let hash = dictionaryHash(value, count: length)
                                let tag = hash & 0xFFFF_FFFF_0000_0000
                                var slot = Int(truncatingIfNeeded: hash) & mask
                                while true {
                                    let candidate = table[slot]
                                    if candidate == 0 { return (row, slot, tag) }
                                    if candidate & 0xFFFF_FFFF_0000_0000 == tag {
                                        let entry = Int(truncatingIfNeeded: candidate & 0xFFFF_FFFF) &- 1
                                        let entryStart = Int(entryOffsets[entry])
                                        if Int(entryOffsets[entry &+ 1]) &- entryStart == length,
                                            equalBytes(entryBase + entryStart, value, count: length)
                                        {
                                            out[firstIndex &+ row] = UInt32(truncatingIfNeeded: entry)
                                            break
                                        }
                                    }
                                    slot = (slot &+ 1) & mask
                                }
                                row &+= 1
                            }
                            return nil
                        }
                    }
                }
            }
        }

        /// Removes every entry, keeping the table's capacity.
        package mutating func reset() {
            offsets.removeAll(keepingCapacity: true)
            offsets.append(0)
            bytes.removeAll(keepingCapacity: true)
            slots = Self.rehash(offsets, bytes, capacity: slots.count)
        }

        /// A table of `capacity` slots (a power of two) holding the given entries.
        private static func rehash(
            _ offsets: ContiguousArray<Int32>, _ bytes: ContiguousArray<UInt8>, capacity: Int
        ) -> ContiguousArray<UInt64> {
            var table = ContiguousArray<UInt64>(repeating: 0, count: capacity)
            let mask = capacity &- 1
            table.withUnsafeMutableBufferPointer { table in
                offsets.withUnsafeBufferPointer { offsets in
                    bytes.withUnsafeBytes { bytes in
                        guard let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1) else { return }
                        for entry in 0..<(offsets.count &- 1) {
                            let start = Int(offsets[entry])
                            let hash = dictionaryHash(base + start, count: Int(offsets[entry &+ 1]) &- start)
                            var slot = Int(truncatingIfNeeded: hash) & mask
                            while table[slot] != 0 { slot = (slot &+ 1) & mask }
                            table[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(truncatingIfNeeded: entry &+ 1)
                        }
                    }
                }
            }
            return table
        }
    }
}
