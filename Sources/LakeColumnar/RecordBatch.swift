/// A horizontal slice of a table: one column per schema field, all with the same row count.
///
/// Batches are immutable values; they cross task boundaries unchanged (STYLE.md, Swift 6
/// concurrency).
public struct RecordBatch: Sendable, Equatable {
    /// The columns' names and types.
    public let schema: Schema
    /// The columns, in schema order.
    public let columns: [Column]
    /// The number of rows.
    public let rowCount: Int

    /// Creates a batch.
    ///
    /// - Precondition: one column per field, each of `rowCount` rows and of the field's type.
    public init(schema: Schema, columns: [Column], rowCount: Int) {
        precondition(schema.count == columns.count, "\(schema.count) fields but \(columns.count) columns")
        for (field, column) in zip(schema.fields, columns) {
            precondition(column.count == rowCount, "column '\(field.name)' has \(column.count) rows, not \(rowCount)")
            precondition(
                column.dataType == field.type,
                "column '\(field.name)' is \(column.dataType) but the schema says \(field.type)"
            )
        }
        self.schema = schema
        self.columns = columns
        self.rowCount = rowCount
    }

    /// Creates a batch, taking the row count from the first column (0 if there are none).
    public init(schema: Schema, columns: [Column]) {
        self.init(schema: schema, columns: columns, rowCount: columns.first?.count ?? 0)
    }

    /// The column named exactly `name`, or `nil`.
    public func column(named name: String) -> Column? {
        schema.index(of: name).map { columns[$0] }
    }
}
