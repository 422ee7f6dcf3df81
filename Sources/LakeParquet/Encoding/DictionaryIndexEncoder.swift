/// Dictionary-index data page bodies (RLE_DICTIONARY): a bit-width byte, then hybrid runs with no
/// length prefix; the inverse of ``DictionaryIndexDecoder``.
package enum DictionaryIndexEncoder {
    /// The bit width for indices into a dictionary of `dictionaryCount` entries: at least 1, because
    /// some readers reject width 0 even for a one-entry dictionary.
    package static func bitWidth(dictionaryCount: Int) -> Int {
        max(1, LakeParquet.bitWidth(forMaxValue: UInt64(max(dictionaryCount, 1) &- 1)))
    }

    /// Appends the bit-width byte and the runs for `indices`.
    ///
    /// - Precondition: Every index is `< dictionaryCount`, and `dictionaryCount <= 2³²`.
    package static func encode(
        _ indices: UnsafeBufferPointer<UInt32>, dictionaryCount: Int, into output: inout ContiguousArray<UInt8>
    ) {
        let width = bitWidth(dictionaryCount: dictionaryCount)
        precondition(width <= 32, "dictionary of \(dictionaryCount) entries is too large")
        var largest: UInt32 = 0
        for index in indices { largest = max(largest, index) }
        precondition(indices.isEmpty || Int(largest) < dictionaryCount, "index \(largest) is outside the dictionary")
        output.append(UInt8(truncatingIfNeeded: width))
        RLEBitPackedEncoder.encode(indices, bitWidth: width, into: &output)
    }
}
