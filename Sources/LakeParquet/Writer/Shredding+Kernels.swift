import LakeColumnar

// The typed loops behind shredding: definition levels from validity words, runs of equal
// validity, and gathering present values densely.

/// Appends one definition level per row of `rows`: `absent + 1` where the row is valid, `absent`
/// where it is null.
///
/// - Complexity: O(`rows.count`), 64 rows per validity word.
func appendDefinitionLevels(
    _ validity: ValidityBitmap, rows: Range<Int>, absent: UInt16, to levels: inout ContiguousArray<UInt16>
) {
    let start = levels.count
    levels.append(contentsOf: repeatElement(absent, count: rows.count))
    let present = absent &+ 1
    levels.withUnsafeMutableBufferPointer { out in
        validity.words.withUnsafeBufferPointer { words in
            var row = rows.lowerBound
            var slot = start
            while row < rows.upperBound {
                let shift = row & 63
                let width = Swift.min(64 &- shift, rows.upperBound &- row)
                let word = words[row &>> 6] &>> UInt64(truncatingIfNeeded: shift)
                let mask: UInt64 = width == 64 ? ~0 : (1 &<< UInt64(truncatingIfNeeded: width)) &- 1
                let bits = word & mask
                if bits == mask {
                    for offset in 0..<width { out[slot &+ offset] = present }
                } else if bits != 0 {
                    for offset in 0..<width {
                        out[slot &+ offset] = absent &+ UInt16(truncatingIfNeeded: (bits &>> UInt64(offset)) & 1)
                    }
                }
                row &+= width
                slot &+= width
            }
        }
    }
}

/// Maximal runs of rows with the same validity inside a range of a bitmap, in row order.
///
/// Finds each run boundary with one `trailingZeroBitCount` per word, so long runs cost O(words).
struct ValidityRuns: IteratorProtocol {
    /// The bitmap's words.
    private let words: ContiguousArray<UInt64>
    /// The first row not yet returned.
    private var position: Int
    /// The end of the range.
    private let end: Int

    /// Runs of `validity` over `rows`.
    init(_ validity: ValidityBitmap, rows: Range<Int>) {
        self.words = validity.words
        self.position = rows.lowerBound
        self.end = rows.upperBound
    }

    /// The next run and whether its rows are valid, or `nil` at the end of the range.
    mutating func next() -> (rows: Range<Int>, isValid: Bool)? {
        guard position < end else { return nil }
        let start = position
        var wordIndex = start &>> 6
        let isValid = (words[wordIndex] &>> UInt64(truncatingIfNeeded: start & 63)) & 1 == 1
        let flip: UInt64 = isValid ? ~0 : 0
        var differing = (words[wordIndex] ^ flip) & (~0 &<< UInt64(truncatingIfNeeded: start & 63))
        var stop = end
        while true {
            if differing != 0 {
                stop = Swift.min(end, (wordIndex &<< 6) &+ differing.trailingZeroBitCount)
                break
            }
            wordIndex &+= 1
            if wordIndex &<< 6 >= end { break }
            differing = words[wordIndex] ^ flip
        }
        position = stop
        return (start..<stop, isValid)
    }
}

/// Whether any row of `rows` is null.
func hasNull(_ validity: ValidityBitmap, rows: Range<Int>) -> Bool {
    guard !rows.isEmpty else { return false }
    var runs = ValidityRuns(validity, rows: rows)
    guard let first = runs.next() else { return false }
    return !first.isValid || first.rows.upperBound < rows.upperBound
}

/// A change applied to the storage of a leaf column, whatever its value type.
///
/// ``Column/mappingLeafStorage(_:)`` switches on the column once and calls the generic method
/// specialized for the storage type, so the loops inside never see an existential.
protocol LeafStorageTransform {
    /// Transforms a fixed-width column.
    func primitive<Value: BitwiseCopyable & Sendable>(_ column: PrimitiveColumn<Value>) -> PrimitiveColumn<Value>
    /// Transforms a byte-string column (string or binary).
    func bytes(_ column: StringColumn) -> StringColumn
}

extension Column {
    /// Applies `transform` to a leaf column's storage, keeping its case, precision and scale.
    ///
    /// - Precondition: the column is not a struct, list or map.
    func mappingLeafStorage<Transform: LeafStorageTransform>(_ transform: Transform) -> Column {
        switch self {
        case .boolean(let column): .boolean(transform.primitive(column))
        case .int8(let column): .int8(transform.primitive(column))
        case .int16(let column): .int16(transform.primitive(column))
        case .int32(let column): .int32(transform.primitive(column))
        case .int64(let column): .int64(transform.primitive(column))
        case .float32(let column): .float32(transform.primitive(column))
        case .float64(let column): .float64(transform.primitive(column))
        case .decimal64(let column, let precision, let scale):
            .decimal64(transform.primitive(column), precision: precision, scale: scale)
        case .decimal128(let column, let precision, let scale):
            .decimal128(transform.primitive(column), precision: precision, scale: scale)
        case .date(let column): .date(transform.primitive(column))
        case .timestamp(let column): .timestamp(transform.primitive(column))
        case .timestampNTZ(let column): .timestampNTZ(transform.primitive(column))
        case .time(let column): .time(transform.primitive(column))
        case .string(let column): .string(transform.bytes(column))
        case .binary(let column): .binary(transform.bytes(column))
        case .struct, .list, .map: preconditionFailure("a \(dataType) column is not a leaf column")
        }
    }

    /// The same values with a `nil` validity; the buffers are shared, not copied.
    func removingValidity() -> Column {
        guard validity != nil else { return self }
        return mappingLeafStorage(RemoveValidity())
    }

    /// The valid rows' values, densely, with a `nil` validity.
    ///
    /// - Complexity: O(rows); fixed-width values are compacted one 64-row word at a time.
    func compactingValidRows(_ validity: ValidityBitmap) -> Column {
        mappingLeafStorage(CompactValidRows(validity: validity))
    }

    /// The values of rows `runs` (ascending, disjoint), back to back, with a `nil` validity.
    ///
    /// One run covering every row returns the column's buffers without copying them.
    func gathering(_ runs: ContiguousArray<Range<Int>>, valueCount: Int) -> Column {
        if runs.count == 1, runs[0] == 0..<count { return removingValidity() }
        return mappingLeafStorage(GatherRuns(runs: runs, valueCount: valueCount))
    }
}

/// Drops the validity bitmap, sharing the value buffers.
private struct RemoveValidity: LeafStorageTransform {
    func primitive<Value: BitwiseCopyable & Sendable>(_ column: PrimitiveColumn<Value>) -> PrimitiveColumn<Value> {
        PrimitiveColumn(values: column.values)
    }

    func bytes(_ column: StringColumn) -> StringColumn {
        StringColumn(offsets: column.offsets, bytes: column.bytes)
    }
}

/// Keeps the valid rows, densely.
private struct CompactValidRows: LeafStorageTransform {
    let validity: ValidityBitmap

    func primitive<Value: BitwiseCopyable & Sendable>(_ column: PrimitiveColumn<Value>) -> PrimitiveColumn<Value> {
        let presentCount = validity.count &- validity.nullCount
        let values = ContiguousArray<Value>(unsafeUninitializedCapacity: presentCount) { out, initialized in
            guard let target = out.baseAddress else {
                initialized = 0
                return
            }
            var written = 0
            column.values.withUnsafeBufferPointer { source in
                validity.words.withUnsafeBufferPointer { words in
                    guard let base = source.baseAddress else { return }
                    for wordIndex in 0..<words.count {
                        var word = words[wordIndex]
                        let first = wordIndex &<< 6
                        if word == ~0 {
                            (target + written).initialize(from: base + first, count: 64)
                            written &+= 64
                        } else {
                            while word != 0 {
                                (target + written).initialize(to: base[first &+ word.trailingZeroBitCount])
                                written &+= 1
                                word &= word &- 1
                            }
                        }
                    }
                }
            }
            initialized = written
        }
        return PrimitiveColumn(values: values)
    }

    func bytes(_ column: StringColumn) -> StringColumn {
        var runs = ContiguousArray<Range<Int>>()
        var iterator = ValidityRuns(validity, rows: 0..<validity.count)
        while let run = iterator.next() {
            if run.isValid { runs.append(run.rows) }
        }
        return gatherByteRuns(column, runs: runs, valueCount: validity.count &- validity.nullCount)
    }
}

/// Keeps the rows of a list of runs.
private struct GatherRuns: LeafStorageTransform {
    let runs: ContiguousArray<Range<Int>>
    let valueCount: Int

    func primitive<Value: BitwiseCopyable & Sendable>(_ column: PrimitiveColumn<Value>) -> PrimitiveColumn<Value> {
        var values = ContiguousArray<Value>()
        values.reserveCapacity(valueCount)
        column.values.withUnsafeBufferPointer { source in
            for run in runs {
                if run.count <= 4 {
                    for row in run { values.append(source[row]) }
                } else {
                    values.append(contentsOf: UnsafeBufferPointer(rebasing: source[run]))
                }
            }
        }
        return PrimitiveColumn(values: values)
    }

    func bytes(_ column: StringColumn) -> StringColumn {
        gatherByteRuns(column, runs: runs, valueCount: valueCount)
    }
}

/// The values of rows `runs` of a byte-string column, back to back: one byte copy per run.
private func gatherByteRuns(_ column: StringColumn, runs: ContiguousArray<Range<Int>>, valueCount: Int) -> StringColumn
{
    var offsets = ContiguousArray<Int32>()
    offsets.reserveCapacity(valueCount &+ 1)
    offsets.append(0)
    var byteCount = 0
    for run in runs { byteCount &+= Int(column.offsets[run.upperBound] &- column.offsets[run.lowerBound]) }
    var bytes = ContiguousArray<UInt8>()
    bytes.reserveCapacity(byteCount)
    column.offsets.withUnsafeBufferPointer { sourceOffsets in
        column.bytes.withUnsafeBufferPointer { sourceBytes in
            for run in runs {
                let first = sourceOffsets[run.lowerBound]
                let shift = Int32(truncatingIfNeeded: bytes.count) &- first
                for row in run { offsets.append(sourceOffsets[row &+ 1] &+ shift) }
                let byteRange = Int(first)..<Int(sourceOffsets[run.upperBound])
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: sourceBytes[byteRange]))
            }
        }
    }
    return StringColumn(offsets: offsets, bytes: bytes)
}
