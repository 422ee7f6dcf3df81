/// The ordered, named columns of a table, a file or a batch.
public struct Schema: Sendable, Hashable {
    /// The top-level fields in column order.
    public var fields: [Field]

    /// Creates a schema from its fields.
    public init(_ fields: [Field]) {
        self.fields = fields
    }

    /// The number of top-level columns.
    public var count: Int { fields.count }

    /// The index of the first field named exactly `name`, or `nil`.
    public func index(of name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }

    /// The field named exactly `name`, or `nil`.
    public func field(named name: String) -> Field? {
        index(of: name).map { fields[$0] }
    }
}

extension Schema: CustomStringConvertible {
    /// One field per line, as `name TYPE [NOT NULL]`.
    public var description: String {
        fields.map(\.description).joined(separator: "\n")
    }
}
