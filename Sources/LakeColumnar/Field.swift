/// A named, typed column of a schema, or a child of a nested type.
public struct Field: Sendable, Hashable {
    /// The column name, exactly as written (case kept).
    public var name: String
    /// The logical type.
    public var type: DataType
    /// Whether the column may hold nulls.
    public var isNullable: Bool

    /// Creates a field.
    public init(_ name: String, _ type: DataType, isNullable: Bool = true) {
        self.name = name
        self.type = type
        self.isNullable = isNullable
    }
}

extension Field: CustomStringConvertible {
    /// `name TYPE` plus `NOT NULL` when the field is required.
    public var description: String {
        "\(name) \(type)" + (isNullable ? "" : " NOT NULL")
    }
}
