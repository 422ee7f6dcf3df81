/// Receives values unpacked eight at a time by ``BitUnpacking``.
///
/// Sinks are small value types, so each unpack loop is specialized for its sink and `put` inlines
/// (STYLE.md rule 6: generics, not closures or existentials, in inner loops).
protocol UnpackSink {
    /// Takes value `index` (0..<8) of the current group of eight.
    mutating func put(_ index: Int, _ value: UInt64)
    /// Moves on to the next group of eight.
    mutating func finishGroup()
}

/// Stores each unpacked value, truncated to `Value`, at consecutive positions.
struct StoreSink<Value: FixedWidthInteger>: UnpackSink {
    /// Where the next group's first value goes.
    var pointer: UnsafeMutablePointer<Value>

    @inline(__always)
    mutating func put(_ index: Int, _ value: UInt64) {
        pointer[index] = Value(truncatingIfNeeded: value)
    }

    @inline(__always)
    mutating func finishGroup() { pointer += 8 }
}

/// Keeps one group of eight values in registers (partial groups at the end of a run).
struct GroupSink: UnpackSink {
    /// The last group's values.
    var values = SIMD8<UInt64>()

    @inline(__always)
    mutating func put(_ index: Int, _ value: UInt64) { values[index] = value }

    @inline(__always)
    mutating func finishGroup() {}
}

/// Turns unpacked `(delta - minDelta)` values into running values (DELTA_BINARY_PACKED).
struct DeltaSink<Value: FixedWidthInteger>: UnpackSink {
    /// Where the next group's first value goes.
    var pointer: UnsafeMutablePointer<Value>
    /// The previous value.
    var last: Value
    /// The block's minimum delta, truncated to `Value`.
    let minDelta: Value

    @inline(__always)
    mutating func put(_ index: Int, _ value: UInt64) {
        last = last &+ minDelta &+ Value(truncatingIfNeeded: value)
        pointer[index] = last
    }

    @inline(__always)
    mutating func finishGroup() { pointer += 8 }
}

/// LSB-first bit unpacking (Encodings.md, "Bit-packed"): value `i` of a group occupies bits
/// `[i * width, (i + 1) * width)` of the group's `width` bytes.
///
/// Each value is one unaligned 64-bit load, a shift and a mask (plus one byte for widths above 56),
/// never a loop over bits. `unpackNarrow`/`unpackWide` switch on the width once per call, so every
/// width gets its own fully unrolled loop with constant offsets, shifts and masks.
///
/// Loads reach up to `((7 * width) >> 3) + 9` bytes past a group's start, which can be past the
/// group's own bytes. ``unpack(_:available:groupCount:width:wide:into:)`` therefore runs groups near
/// the end of the readable bytes through a zero-padded scratch copy and never reads out of bounds.
enum BitUnpacking {
    /// The furthest byte (exclusive) an unpack of one group of `width` reads, relative to the group.
    @inline(__always)
    static func reach(width: Int) -> Int { ((7 &* width) &>> 3) &+ 9 }

    /// Unpacks `groupCount` groups of eight `width`-bit values starting at `source` into `sink`.
    ///
    /// Reads only `available` bytes from `source`. A last group with fewer than `width` bytes left
    /// (a truncated final bit-packed run) is unpacked as if zero-padded.
    ///
    /// - Precondition: `1 <= width <= (wide ? 64 : 32)`, `groupCount >= 0`, and every group starts
    ///   within `available`: `(groupCount - 1) * width < available` when `groupCount > 0`.
    @inline(__always)
    static func unpack<Sink: UnpackSink>(
        _ source: UnsafeRawPointer, available: Int, groupCount: Int, width: Int, wide: Bool,
        into sink: inout Sink
    ) {
        let reach = reach(width: width)
        let fastCount = available >= reach ? min(groupCount, (available &- reach) / width &+ 1) : 0
        if fastCount > 0 {
            if wide {
                unpackWide(source, groupCount: fastCount, width: width, into: &sink)
            } else {
                unpackNarrow(source, groupCount: fastCount, width: width, into: &sink)
            }
        }
        var group = fastCount
        while group < groupCount {
            let offset = group &* width
            let byteCount = min(width, available &- offset)
            // 80 bytes: one 64-bit group (64 bytes) plus the 9-byte over-read, zero-filled.
            var scratch: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutablePointer(to: &scratch) { pointer in
                let raw = UnsafeMutableRawPointer(pointer)
                raw.copyMemory(from: source + offset, byteCount: byteCount)
                if wide {
                    unpackWide(UnsafeRawPointer(raw), groupCount: 1, width: width, into: &sink)
                } else {
                    unpackNarrow(UnsafeRawPointer(raw), groupCount: 1, width: width, into: &sink)
                }
            }
            group &+= 1
        }
    }

    /// One value: an unaligned little-endian load at its first byte, shifted and masked.
    @inline(__always)
    static func extract(_ group: UnsafeRawPointer, bitOffset: Int, width: Int, mask: UInt64) -> UInt64 {
        let byteOffset = bitOffset &>> 3
        let shift = UInt64(truncatingIfNeeded: bitOffset & 7)
        let word = UInt64(littleEndian: group.loadUnaligned(fromByteOffset: byteOffset, as: UInt64.self))
        if width <= 56 { return (word &>> shift) & mask }
        // shift + width can exceed 64: the top bits come from the ninth byte.
        let next = UInt64(group.load(fromByteOffset: byteOffset &+ 8, as: UInt8.self))
        return ((word &>> shift) | ((next &<< 1) &<< (63 &- shift))) & mask
    }

    /// The unrolled loop for one width; inlined into each `switch` case with a constant width.
    @inline(__always)
    static func unpackGroups<Sink: UnpackSink>(
        _ source: UnsafeRawPointer, groupCount: Int, width: Int, into sink: inout Sink
    ) {
        let mask = UInt64.max &>> UInt64(truncatingIfNeeded: 64 &- width)
        var group = source
        var remaining = groupCount
        while remaining > 0 {
            sink.put(0, extract(group, bitOffset: 0, width: width, mask: mask))
            sink.put(1, extract(group, bitOffset: width, width: width, mask: mask))
            sink.put(2, extract(group, bitOffset: 2 &* width, width: width, mask: mask))
            sink.put(3, extract(group, bitOffset: 3 &* width, width: width, mask: mask))
            sink.put(4, extract(group, bitOffset: 4 &* width, width: width, mask: mask))
            sink.put(5, extract(group, bitOffset: 5 &* width, width: width, mask: mask))
            sink.put(6, extract(group, bitOffset: 6 &* width, width: width, mask: mask))
            sink.put(7, extract(group, bitOffset: 7 &* width, width: width, mask: mask))
            sink.finishGroup()
            group += width
            remaining &-= 1
        }
    }

    /// Widths 1...32 (RLE/bit-packed hybrid runs), each specialized.
    ///
    /// - Precondition: `1 <= width <= 32` and `source` readable for
    ///   `(groupCount - 1) * width + reach(width:)` bytes.
    static func unpackNarrow<Sink: UnpackSink>(
        _ source: UnsafeRawPointer, groupCount: Int, width: Int, into sink: inout Sink
    ) {
        switch width {
        case 1: unpackGroups(source, groupCount: groupCount, width: 1, into: &sink)
        case 2: unpackGroups(source, groupCount: groupCount, width: 2, into: &sink)
        case 3: unpackGroups(source, groupCount: groupCount, width: 3, into: &sink)
        case 4: unpackGroups(source, groupCount: groupCount, width: 4, into: &sink)
        case 5: unpackGroups(source, groupCount: groupCount, width: 5, into: &sink)
        case 6: unpackGroups(source, groupCount: groupCount, width: 6, into: &sink)
        case 7: unpackGroups(source, groupCount: groupCount, width: 7, into: &sink)
        case 8: unpackGroups(source, groupCount: groupCount, width: 8, into: &sink)
        case 9: unpackGroups(source, groupCount: groupCount, width: 9, into: &sink)
        case 10: unpackGroups(source, groupCount: groupCount, width: 10, into: &sink)
        case 11: unpackGroups(source, groupCount: groupCount, width: 11, into: &sink)
        case 12: unpackGroups(source, groupCount: groupCount, width: 12, into: &sink)
        case 13: unpackGroups(source, groupCount: groupCount, width: 13, into: &sink)
        case 14: unpackGroups(source, groupCount: groupCount, width: 14, into: &sink)
        case 15: unpackGroups(source, groupCount: groupCount, width: 15, into: &sink)
        case 16: unpackGroups(source, groupCount: groupCount, width: 16, into: &sink)
        case 17: unpackGroups(source, groupCount: groupCount, width: 17, into: &sink)
        case 18: unpackGroups(source, groupCount: groupCount, width: 18, into: &sink)
        case 19: unpackGroups(source, groupCount: groupCount, width: 19, into: &sink)
        case 20: unpackGroups(source, groupCount: groupCount, width: 20, into: &sink)
        case 21: unpackGroups(source, groupCount: groupCount, width: 21, into: &sink)
        case 22: unpackGroups(source, groupCount: groupCount, width: 22, into: &sink)
        case 23: unpackGroups(source, groupCount: groupCount, width: 23, into: &sink)
        case 24: unpackGroups(source, groupCount: groupCount, width: 24, into: &sink)
        case 25: unpackGroups(source, groupCount: groupCount, width: 25, into: &sink)
        case 26: unpackGroups(source, groupCount: groupCount, width: 26, into: &sink)
        case 27: unpackGroups(source, groupCount: groupCount, width: 27, into: &sink)
        case 28: unpackGroups(source, groupCount: groupCount, width: 28, into: &sink)
        case 29: unpackGroups(source, groupCount: groupCount, width: 29, into: &sink)
        case 30: unpackGroups(source, groupCount: groupCount, width: 30, into: &sink)
        case 31: unpackGroups(source, groupCount: groupCount, width: 31, into: &sink)
        case 32: unpackGroups(source, groupCount: groupCount, width: 32, into: &sink)
        default: preconditionFailure("bit width \(width) is outside 1...32")
        }
    }

    /// Widths 1...64 (DELTA_BINARY_PACKED miniblocks), each specialized.
    ///
    /// - Precondition: `1 <= width <= 64` and `source` readable for
    ///   `(groupCount - 1) * width + reach(width:)` bytes.
    static func unpackWide<Sink: UnpackSink>(
        _ source: UnsafeRawPointer, groupCount: Int, width: Int, into sink: inout Sink
    ) {
        switch width {
        case 1: unpackGroups(source, groupCount: groupCount, width: 1, into: &sink)
        case 2: unpackGroups(source, groupCount: groupCount, width: 2, into: &sink)
        case 3: unpackGroups(source, groupCount: groupCount, width: 3, into: &sink)
        case 4: unpackGroups(source, groupCount: groupCount, width: 4, into: &sink)
        case 5: unpackGroups(source, groupCount: groupCount, width: 5, into: &sink)
        case 6: unpackGroups(source, groupCount: groupCount, width: 6, into: &sink)
        case 7: unpackGroups(source, groupCount: groupCount, width: 7, into: &sink)
        case 8: unpackGroups(source, groupCount: groupCount, width: 8, into: &sink)
        case 9: unpackGroups(source, groupCount: groupCount, width: 9, into: &sink)
        case 10: unpackGroups(source, groupCount: groupCount, width: 10, into: &sink)
        case 11: unpackGroups(source, groupCount: groupCount, width: 11, into: &sink)
        case 12: unpackGroups(source, groupCount: groupCount, width: 12, into: &sink)
        case 13: unpackGroups(source, groupCount: groupCount, width: 13, into: &sink)
        case 14: unpackGroups(source, groupCount: groupCount, width: 14, into: &sink)
        case 15: unpackGroups(source, groupCount: groupCount, width: 15, into: &sink)
        case 16: unpackGroups(source, groupCount: groupCount, width: 16, into: &sink)
        case 17: unpackGroups(source, groupCount: groupCount, width: 17, into: &sink)
        case 18: unpackGroups(source, groupCount: groupCount, width: 18, into: &sink)
        case 19: unpackGroups(source, groupCount: groupCount, width: 19, into: &sink)
        case 20: unpackGroups(source, groupCount: groupCount, width: 20, into: &sink)
        case 21: unpackGroups(source, groupCount: groupCount, width: 21, into: &sink)
        case 22: unpackGroups(source, groupCount: groupCount, width: 22, into: &sink)
        case 23: unpackGroups(source, groupCount: groupCount, width: 23, into: &sink)
        case 24: unpackGroups(source, groupCount: groupCount, width: 24, into: &sink)
        case 25: unpackGroups(source, groupCount: groupCount, width: 25, into: &sink)
        case 26: unpackGroups(source, groupCount: groupCount, width: 26, into: &sink)
        case 27: unpackGroups(source, groupCount: groupCount, width: 27, into: &sink)
        case 28: unpackGroups(source, groupCount: groupCount, width: 28, into: &sink)
        case 29: unpackGroups(source, groupCount: groupCount, width: 29, into: &sink)
        case 30: unpackGroups(source, groupCount: groupCount, width: 30, into: &sink)
        case 31: unpackGroups(source, groupCount: groupCount, width: 31, into: &sink)
        case 32: unpackGroups(source, groupCount: groupCount, width: 32, into: &sink)
        case 33: unpackGroups(source, groupCount: groupCount, width: 33, into: &sink)
        case 34: unpackGroups(source, groupCount: groupCount, width: 34, into: &sink)
        case 35: unpackGroups(source, groupCount: groupCount, width: 35, into: &sink)
        case 36: unpackGroups(source, groupCount: groupCount, width: 36, into: &sink)
        case 37: unpackGroups(source, groupCount: groupCount, width: 37, into: &sink)
        case 38: unpackGroups(source, groupCount: groupCount, width: 38, into: &sink)
        case 39: unpackGroups(source, groupCount: groupCount, width: 39, into: &sink)
        case 40: unpackGroups(source, groupCount: groupCount, width: 40, into: &sink)
        case 41: unpackGroups(source, groupCount: groupCount, width: 41, into: &sink)
        case 42: unpackGroups(source, groupCount: groupCount, width: 42, into: &sink)
        case 43: unpackGroups(source, groupCount: groupCount, width: 43, into: &sink)
        case 44: unpackGroups(source, groupCount: groupCount, width: 44, into: &sink)
        case 45: unpackGroups(source, groupCount: groupCount, width: 45, into: &sink)
        case 46: unpackGroups(source, groupCount: groupCount, width: 46, into: &sink)
        case 47: unpackGroups(source, groupCount: groupCount, width: 47, into: &sink)
        case 48: unpackGroups(source, groupCount: groupCount, width: 48, into: &sink)
        case 49: unpackGroups(source, groupCount: groupCount, width: 49, into: &sink)
        case 50: unpackGroups(source, groupCount: groupCount, width: 50, into: &sink)
        case 51: unpackGroups(source, groupCount: groupCount, width: 51, into: &sink)
        case 52: unpackGroups(source, groupCount: groupCount, width: 52, into: &sink)
        case 53: unpackGroups(source, groupCount: groupCount, width: 53, into: &sink)
        case 54: unpackGroups(source, groupCount: groupCount, width: 54, into: &sink)
        case 55: unpackGroups(source, groupCount: groupCount, width: 55, into: &sink)
        case 56: unpackGroups(source, groupCount: groupCount, width: 56, into: &sink)
        case 57: unpackGroups(source, groupCount: groupCount, width: 57, into: &sink)
        case 58: unpackGroups(source, groupCount: groupCount, width: 58, into: &sink)
        case 59: unpackGroups(source, groupCount: groupCount, width: 59, into: &sink)
        case 60: unpackGroups(source, groupCount: groupCount, width: 60, into: &sink)
        case 61: unpackGroups(source, groupCount: groupCount, width: 61, into: &sink)
        case 62: unpackGroups(source, groupCount: groupCount, width: 62, into: &sink)
        case 63: unpackGroups(source, groupCount: groupCount, width: 63, into: &sink)
        case 64: unpackGroups(source, groupCount: groupCount, width: 64, into: &sink)
        default: preconditionFailure("bit width \(width) is outside 1...64")
        }
    }
}
