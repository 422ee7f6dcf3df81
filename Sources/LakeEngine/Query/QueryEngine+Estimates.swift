import LakeDelta
import LakeParquet
import LakeSQL

extension QueryEngine {
    /// Rows of a table for join ordering (SPEC.md §8.7): the sum of `numRecords` of a Delta
    /// table's files (a file without statistics counts its bytes / 16), the row counts in Parquet
    /// footers, `nil` for text files.
    @Sendable static func estimatedRows(_ table: CatalogTable) -> Double? {
        switch table.handle as? TableHandle {
        case .delta(let snapshot):
            var rows = 0.0
            for file in snapshot.files {
                if let records = TableDescription.numRecords(file) {
                    rows += Double(records)
                } else {
                    rows += Double(file.size) / 16
                }
            }
            return rows
        case .parquet(let paths):
            var rows = 0.0
            for path in paths {
                guard let reader = try? ParquetFileReader(path: path) else { return nil }
                for group in 0..<reader.rowGroupCount { rows += Double(reader.rowCount(ofRowGroup: group)) }
            }
            return rows
        case .files, nil:
            return nil
        }
    }
}
