import LakeColumnar

// Shredding (Dremel "column striping"): lake columns → per-leaf definition levels, repetition
// levels and dense present values. ../shared/briefs/parquet.md §4 describes the levels.

/// One leaf column of a batch, shredded: its levels and its present values.
///
/// There is one *level slot* per value position the reader will see: one per row for a flat
/// column; for a nested column one per present or null leaf value, plus one per null or empty
/// ancestor (a null struct, a null or empty list or map). ``values`` holds only the slots whose
/// definition level is the column's maximum, densely, in slot order.
package struct ShreddedLeaf: Sendable, Equatable {
    /// One definition level per slot; empty when the column's `maxDefinitionLevel` is 0.
    package var definitionLevels: ContiguousArray<UInt16>
    /// One repetition level per slot; empty when the column's `maxRepetitionLevel` is 0.
    package var repetitionLevels: ContiguousArray<UInt16>
    /// The number of level slots (the page header's `num_values`; the row count for flat columns).
    package var levelCount: Int
    /// The present values only (slots with def == maxDef), dense, with a `nil` validity, in the
    /// column's lake type (`int8` stays `int8`, decimals keep their `decimal64`/`decimal128` case).
    package var values: Column

    /// Creates a shredded leaf.
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

/// Shreds the top-level columns of a batch into one ``ShreddedLeaf`` per leaf of `schema`.
///
/// Flat columns take a fast path: a required column, or an optional one without nulls, is passed
/// through without copying its values; an optional column with nulls gets its definition levels
/// straight from the validity bitmap, 64 rows per word, and its values compacted in one pass.
/// Nested columns follow Dremel: a null struct, list or map gives every leaf below it one slot
/// whose definition level is that of the deepest defined ancestor; an empty list or map gives one
/// slot with the list's own ``SchemaNode/definitionLevel``; repetition level 0 starts a row and
/// each further element of a list continues at the list's repetition level. Values stored in a
/// child at a null struct, list or map row are ignored.
///
/// - Precondition: one column per `schema.roots` entry, each of the root's type (as
///   ``RecordBatch`` guarantees), all with the same row count. A null at a node the schema makes
///   required cannot be written; such a row is treated as present (check first with
///   ``firstNullInRequiredNode(_:schema:)``).
/// - Complexity: O(rows) for flat columns; O(slots × depth) for nested ones.
package func shred(_ columns: [Column], schema: ParquetSchema) -> [ShreddedLeaf] {
    precondition(
        columns.count == schema.roots.count,
        "\(columns.count) columns but the schema has \(schema.roots.count) top-level fields")
    var flat = [ShreddedLeaf?](repeating: nil, count: schema.columns.count)
    var shredder = Shredder(schema: schema)
    for (root, column) in zip(schema.roots, columns) {
        if case .leaf(let index) = root.kind {
            flat[index] = shredFlatLeaf(column, isOptional: root.definitionLevel > 0)
        } else {
            shredder.bind(root, column)
            shredder.write(root, column, rows: 0..<column.count, parentDefinitionLevel: 0, repetitionLevel: 0)
        }
    }
    var result: [ShreddedLeaf] = []
    result.reserveCapacity(schema.columns.count)
    for index in 0..<schema.columns.count {
        result.append(flat[index] ?? shredder.leaves[index].finish())
    }
    return result
}

/// Shreds a top-level leaf column: no repetition levels, at most one definition level per row.
///
/// - Complexity: O(rows), with no copy when the column has no nulls.
func shredFlatLeaf(_ column: Column, isOptional: Bool) -> ShreddedLeaf {
    let rowCount = column.count
    guard isOptional else {
        return ShreddedLeaf(
            definitionLevels: [], repetitionLevels: [], levelCount: rowCount, values: column.removingValidity())
    }
    guard let validity = column.validity, validity.nullCount > 0 else {
        return ShreddedLeaf(
            definitionLevels: ContiguousArray(repeating: 1, count: rowCount), repetitionLevels: [],
            levelCount: rowCount, values: column.removingValidity())
    }
    var levels = ContiguousArray<UInt16>()
    levels.reserveCapacity(rowCount)
    appendDefinitionLevels(validity, rows: 0..<rowCount, absent: 0, to: &levels)
    return ShreddedLeaf(
        definitionLevels: levels, repetitionLevels: [], levelCount: rowCount,
        values: column.compactingValidRows(validity))
}
