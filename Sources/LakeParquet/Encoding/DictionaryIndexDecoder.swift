/// Dictionary-index data pages: RLE_DICTIONARY (8) and the legacy PLAIN_DICTIONARY (2)
/// (Encodings.md "Dictionary Encoding"; parquet brief §6.3).
///
/// ```
/// [1 byte: bit width 0...32][RLE/bit-packed hybrid runs, no length prefix]
/// ```
package enum DictionaryIndexDecoder {
    /// How many indices are decoded before each range check, so the check reads from L1.
    static let batchSize = 4096

    /// Decodes `count` dictionary indices into `output` and checks each is `< dictionaryCount`.
    ///
    /// - Parameters:
    ///   - input: The data page's value section, starting with the bit-width byte.
    ///   - count: The number of (non-null) values in the page.
    ///   - dictionaryCount: The number of entries in the chunk's dictionary page.
    ///   - output: Room for `count` indices.
    /// - Throws: ``DecodeError/corrupt(_:)`` when the bit width exceeds 32, the runs are malformed
    ///   or too short, or an index is out of range.
    /// - Complexity: O(`count`): the hybrid decode plus a vectorizable max per batch.
    package static func decode(
        _ input: UnsafeRawBufferPointer, count: Int, dictionaryCount: Int,
        into output: UnsafeMutablePointer<UInt32>
    ) throws(DecodeError) {
        guard count > 0 else {
            guard count == 0 else { throw .corrupt("negative value count \(count)") }
            return
        }
        guard input.count >= 1, let base = input.baseAddress else { throw missingWidth() }
        let width = Int(base.load(as: UInt8.self))
        guard width <= 32 else { throw badWidth(width) }
        guard dictionaryCount > 0 else { throw emptyDictionary(count) }
        var decoder = try RLEBitPackedDecoder(UnsafeRawBufferPointer(rebasing: input[1...]), bitWidth: width)
        // A width that cannot express an out-of-range index needs no check.
        let needsCheck = width >= 32 || (UInt64(1) &<< UInt64(width)) > UInt64(dictionaryCount)
        let limit = UInt32(truncatingIfNeeded: min(dictionaryCount, Int(UInt32.max)))
        var done = 0
        while done < count {
            let batch = min(batchSize, count &- done)
            try decoder.decode(count: batch, into: output + done)
            if needsCheck {
                var largest: UInt32 = 0
                for index in done..<(done &+ batch) { largest = max(largest, output[index]) }
                if largest >= limit { throw outOfRange(largest, dictionaryCount: dictionaryCount) }
            }
            done &+= batch
        }
    }

    @inline(never)
    static func missingWidth() -> DecodeError {
        .corrupt("dictionary-index data is empty; expected a bit-width byte")
    }

    @inline(never)
    static func badWidth(_ width: Int) -> DecodeError {
        .corrupt("dictionary-index bit width \(width) is outside 0...32")
    }

    @inline(never)
    static func emptyDictionary(_ count: Int) -> DecodeError {
        .corrupt("\(count) dictionary indices, but the dictionary is empty")
    }

    @inline(never)
    static func outOfRange(_ index: UInt32, dictionaryCount: Int) -> DecodeError {
        .corrupt("dictionary index \(index) is out of range for a dictionary of \(dictionaryCount) entries")
    }
}
