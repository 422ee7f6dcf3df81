import LakeColumnar
import Testing

@Suite("ValidityBitmap")
struct ValidityBitmapTests {
    static let rowCounts = [0, 1, 63, 64, 65, 2048, 2049]

    @Test("null count and bits match a Bool reference", arguments: rowCounts)
    func matchesReference(rowCount: Int) {
        let bits = (0..<rowCount).map { $0 % 7 != 3 }
        let bitmap = ValidityBitmap(bits)
        #expect(bitmap.count == rowCount)
        #expect(bitmap.nullCount == bits.filter { !$0 }.count)
        for row in 0..<rowCount { #expect(bitmap.isValid(row) == bits[row]) }
    }

    @Test("all-valid bitmap has no nulls and clears its tail bits", arguments: rowCounts)
    func allValid(rowCount: Int) {
        let bitmap = ValidityBitmap(allValidCount: rowCount)
        #expect(bitmap.nullCount == 0)
        if rowCount % 64 != 0 {
            #expect(bitmap.words.last!.nonzeroBitCount == rowCount % 64)
        }
    }

    @Test("slices at every word offset keep the right bits", arguments: [0, 1, 5, 63, 64, 65, 100])
    func slice(start: Int) {
        let bits = (0..<300).map { ($0 * 31) % 5 != 0 }
        let bitmap = ValidityBitmap(bits)
        let sliced = bitmap.slice(start..<(start + 150))
        #expect(sliced.count == 150)
        for row in 0..<150 { #expect(sliced.isValid(row) == bits[start + row]) }
        #expect(sliced.nullCount == bits[start..<(start + 150)].filter { !$0 }.count)
    }
}
