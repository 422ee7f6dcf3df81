import LakeColumnar

extension DictionaryBuilder {
    /// The values a column chunk must have before ``sampleLooksDistinct(_:)`` samples it.
    package static let sampleRows = 8_192

    /// Whether the first ``sampleRows`` of `values` (dense present values) are so distinct that a
    /// dictionary would not pay (more than 3 in 4 distinct, the rule the writer applies to the
    /// whole chunk), so the chunk is written PLAIN without building the dictionary (SPEC.md §5).
    ///
    /// Counts distinct values by linear counting: each value's hash sets one bit of 2¹⁶; with `m`
    /// bits of which `z` stay clear, about `m · ln(m / z)` values were distinct (within a few
    /// percent at this load). Chunks of fewer than twice ``sampleRows`` values are not sampled.
    package static func sampleLooksDistinct(_ values: Column) -> Bool {
        guard values.count >= 2 * sampleRows else { return false }
        var bits = [UInt64](repeating: 0, count: (1 << 16) / 64)
        bits.withUnsafeMutableBufferPointer { bits in
            switch values {
            case .int8(let column): mark(column.values, &bits)
            case .int16(let column): mark(column.values, &bits)
            case .int32(let column), .date(let column): mark(column.values, &bits)
            case .int64(let column), .timestamp(let column), .timestampNTZ(let column), .time(let column),
                .decimal64(let column, _, _):
                mark(column.values, &bits)
            case .decimal128(let column, _, _): mark(column.values, &bits)
            case .float32(let column): mark(column.values, &bits)
            case .float64(let column): mark(column.values, &bits)
            case .string(let column), .binary(let column):
                column.offsets.withUnsafeBufferPointer { offsets in
                    column.bytes.withUnsafeBytes { bytes in
                        let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1).unsafelyUnwrapped
                        for row in 0..<sampleRows {
                            let start = Int(offsets[row])
                            let hash = dictionaryHash(base + start, count: Int(offsets[row &+ 1]) &- start)
                            set(hash, &bits)
                        }
                    }
                }
            case .boolean, .struct, .list, .map: break
            }
        }
        // 2¹⁶ · ln(2¹⁶ / z) > ¾ · 8,192 exactly when z < 2¹⁶ · e^(−6,144 / 2¹⁶) ≈ 59,671.
        let clear = bits.reduce(0) { $0 + (64 - $1.nonzeroBitCount) }
        return clear < 59_671
    }

    private static func mark<Value: DictionaryValue>(
        _ values: ContiguousArray<Value>, _ bits: inout UnsafeMutableBufferPointer<UInt64>
    ) {
        values.withUnsafeBufferPointer { values in
            for row in 0..<sampleRows { set(dictionaryHash(values[row].dictionaryKey), &bits) }
        }
    }

    @inline(__always)
    private static func set(_ hash: UInt64, _ bits: inout UnsafeMutableBufferPointer<UInt64>) {
        let bit = Int(truncatingIfNeeded: hash &>> 48)
        bits[bit &>> 6] |= 1 &<< UInt64(bit & 63)
    }
}
