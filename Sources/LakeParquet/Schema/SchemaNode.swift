import LakeColumnar

/// How raw physical values become the values of a lake column (SPEC.md §4, type mapping).
///
/// Chosen once per column chunk from the schema; the reader runs one specialized loop per case.
package enum ValueConversion: Sendable, Hashable {
    /// Stored as is: BOOLEAN, INT32 → int32/date, INT64 → int64/timestamp µs/time µs, FLOAT,
    /// DOUBLE, BYTE_ARRAY → string/binary, FIXED_LEN_BYTE_ARRAY → binary.
    case none
    /// INT32 truncated to `int8` (INT(8, signed)).
    case int32ToInt8
    /// INT32 truncated to `int16` (INT(16, signed)).
    case int32ToInt16
    /// INT32 holding UINT8 → `int16`.
    case uint8ToInt16
    /// INT32 holding UINT16 → `int32`.
    case uint16ToInt32
    /// INT32 holding UINT32 → `int64`.
    case uint32ToInt64
    /// INT64 holding UINT64 → `decimal(20, 0)`.
    case uint64ToDecimal
    /// INT32 TIME(MILLIS) → `time` in µs.
    case int32MillisToMicros
    /// INT64 TIMESTAMP/TIME(MILLIS) → µs.
    case int64MillisToMicros
    /// INT64 TIMESTAMP/TIME(NANOS) → µs, rounding toward negative infinity.
    case int64NanosToMicros
    /// INT96 (nanoseconds of day, Julian day) → µs, with Spark's wrapping arithmetic.
    case int96ToMicros
    /// FIXED_LEN_BYTE_ARRAY(2) IEEE half → `float32`.
    case float16ToFloat32
    /// INT32 or INT64 unscaled decimal → `decimal64`/`decimal128` by the target precision.
    case decimalFromInteger
    /// FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY big-endian two's complement → `decimal64`/`decimal128`.
    case decimalFromBigEndian
}

/// One leaf column of a Parquet schema: what its bytes are and what they become.
package struct ColumnDescriptor: Sendable, Hashable {
    /// `path_in_schema`: the names from the root's child down to the leaf, root excluded.
    package var path: [String]
    /// The physical type of the stored values.
    package var physicalType: PhysicalType
    /// The byte width of FIXED_LEN_BYTE_ARRAY values, else 0.
    package var typeLength: Int
    /// The definition level at which the leaf holds a value.
    package var maxDefinitionLevel: Int
    /// The repetition level of the innermost repeated ancestor-or-self (0 for flat columns).
    package var maxRepetitionLevel: Int
    /// The lake type of the decoded values (a primitive, string or binary type).
    package var dataType: DataType
    /// How physical values become `dataType` values.
    package var conversion: ValueConversion

    /// The dotted path, for messages: `a.list.element`.
    package var dottedPath: String { path.joined(separator: ".") }
}

/// A node of the *normalized* schema tree: Parquet's schema rewritten into lake's nested types.
///
/// Every legacy form (2-level lists, unannotated repeated fields, `MAP_KEY_VALUE`, maps without a
/// value column) is rewritten into one of four kinds, each carrying the definition and repetition
/// levels that record assembly (reading) and shredding (writing) need. LogicalTypes.md's
/// backward-compatibility rules decide the rewriting.
///
/// Levels: ``definitionLevel`` is the definition level at which this node is non-null, given its
/// ancestors are; a node that is required has the same level as its parent. A list or map also
/// has the level at which it has at least one element (``Kind/list(element:repeatedDefinitionLevel:repetitionLevel:)``),
/// and the repetition level its repeated node introduces.
package struct SchemaNode: Sendable, Hashable {
    /// The shapes a node can take.
    package indirect enum Kind: Sendable, Hashable {
        /// A leaf; `column` indexes ``ParquetSchema/columns``.
        case leaf(column: Int)
        /// A record of child nodes.
        case `struct`([SchemaNode])
        /// A list. A slot holds an element when def ≥ `repeatedDefinitionLevel`; a slot with
        /// rep == `repetitionLevel` starts another element of the same list, and rep < `repetitionLevel`
        /// starts a new list.
        case list(element: SchemaNode, repeatedDefinitionLevel: Int, repetitionLevel: Int)
        /// A map; like a list whose elements are (key, value) entries. Keys are required.
        case map(key: SchemaNode, value: SchemaNode, repeatedDefinitionLevel: Int, repetitionLevel: Int)
    }

    /// The lake field this node becomes: name, type (with nested fields) and nullability.
    package var field: Field
    /// The definition level at which this node is non-null (its parent's level if required).
    package var definitionLevel: Int
    /// The shape of the node.
    package var kind: Kind
}

/// A whole Parquet schema: the lake schema, the normalized tree, and the leaf columns.
package struct ParquetSchema: Sendable, Hashable {
    /// Top-level nodes, one per lake column, in file order.
    package var roots: [SchemaNode]
    /// Leaf columns in file order (the order of column chunks in a row group).
    package var columns: [ColumnDescriptor]

    /// The lake schema: one field per root.
    package var lakeSchema: Schema { Schema(roots.map(\.field)) }
}
