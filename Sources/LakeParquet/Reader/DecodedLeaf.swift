import LakeColumnar

/// The decoded contents of one leaf column chunk: its levels and its present values.
///
/// A *slot* is one level entry. Flat REQUIRED columns store no levels (both arrays empty, every
/// slot present); flat OPTIONAL columns store only definition levels.
package struct DecodedLeaf: Sendable {
    /// One definition level per slot, or empty when the leaf's max definition level is 0.
    package var definitionLevels: ContiguousArray<UInt16>
    /// One repetition level per slot, or empty when the leaf's max repetition level is 0.
    package var repetitionLevels: ContiguousArray<UInt16>
    /// The number of slots.
    package var levelCount: Int
    /// The values of the slots whose definition level is the maximum, densely, without validity.
    package var values: Column

    /// Creates decoded leaf data.
    package init(
        definitionLevels: ContiguousArray<UInt16>, repetitionLevels: ContiguousArray<UInt16>, levelCount: Int,
        values: Column
    ) {
        self.definitionLevels = definitionLevels
        self.repetitionLevels = repetitionLevels
        self.levelCount = levelCount
        self.values = values
    }
}
