/// A column of records: one child column per field, all with the same row count.
///
/// A null struct row is null in ``validity``; its children hold unspecified values at that row
/// (readers write nulls there).
public struct StructColumn: Sendable, Equatable {
    /// The fields, in order; `children[i]` has type `fields[i].type`.
    public let fields: [Field]
    /// One column per field.
    public let children: [Column]
    /// Which rows hold a record, or `nil` when every row does.
    public let validity: ValidityBitmap?
    /// The number of rows.
    public let count: Int

    /// Creates a struct column.
    ///
    /// - Precondition: one child per field, each with `count` rows; `validity` covers `count` rows.
    public init(fields: [Field], children: [Column], count: Int, validity: ValidityBitmap? = nil) {
        precondition(fields.count == children.count, "\(fields.count) fields but \(children.count) children")
        for child in children { precondition(child.count == count, "a child has \(child.count) rows, not \(count)") }
        if let validity { precondition(validity.count == count, "validity does not cover every row") }
        self.fields = fields
        self.children = children
        self.validity = validity
        self.count = count
    }
}

/// A column of variable-length lists.
///
/// Row `r` holds elements `offsets[r] ..< offsets[r + 1]` of ``elements``. A null row and an
/// empty list both have an empty range; ``validity`` tells them apart.
public struct ListColumn: Sendable, Equatable {
    /// The element field (name, type, nullability).
    public let element: Field
    /// `count + 1` offsets into ``elements``, starting at 0, never decreasing.
    public let offsets: ContiguousArray<Int32>
    /// All lists' elements, back to back.
    public let elements: Column
    /// Which rows hold a list, or `nil` when every row does.
    public let validity: ValidityBitmap?

    /// Creates a list column.
    ///
    /// - Precondition: `offsets` starts at 0, never decreases, and ends at `elements.count`.
    public init(element: Field, offsets: ContiguousArray<Int32>, elements: Column, validity: ValidityBitmap? = nil) {
        precondition(!offsets.isEmpty && offsets[0] == 0, "offsets must start with 0")
        precondition(Int(offsets[offsets.count - 1]) == elements.count, "the last offset must equal the element count")
        if let validity { precondition(validity.count == offsets.count - 1, "validity does not cover every row") }
        self.element = element
        self.offsets = offsets
        self.elements = elements
        self.validity = validity
    }

    /// The number of rows.
    public var count: Int { offsets.count - 1 }
}

/// A column of maps: each row is a list of key-value entries. Keys are never null.
///
/// Row `r` holds entries `offsets[r] ..< offsets[r + 1]` of ``keys`` and ``values``.
public struct MapColumn: Sendable, Equatable {
    /// The key field.
    public let key: Field
    /// The value field.
    public let value: Field
    /// `count + 1` offsets into ``keys`` and ``values``.
    public let offsets: ContiguousArray<Int32>
    /// All entries' keys, back to back.
    public let keys: Column
    /// All entries' values, back to back; same count as ``keys``.
    public let values: Column
    /// Which rows hold a map, or `nil` when every row does.
    public let validity: ValidityBitmap?

    /// Creates a map column.
    ///
    /// - Precondition: `keys` and `values` have the same count, which the last offset equals.
    public init(
        key: Field, value: Field, offsets: ContiguousArray<Int32>, keys: Column, values: Column,
        validity: ValidityBitmap? = nil
    ) {
        precondition(!offsets.isEmpty && offsets[0] == 0, "offsets must start with 0")
        precondition(keys.count == values.count, "\(keys.count) keys but \(values.count) values")
        precondition(Int(offsets[offsets.count - 1]) == keys.count, "the last offset must equal the entry count")
        if let validity { precondition(validity.count == offsets.count - 1, "validity does not cover every row") }
        self.key = key
        self.value = value
        self.offsets = offsets
        self.keys = keys
        self.values = values
        self.validity = validity
    }

    /// The number of rows.
    public var count: Int { offsets.count - 1 }
}
