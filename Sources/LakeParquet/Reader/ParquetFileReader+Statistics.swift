import LakeColumnar

extension ParquetFileReader {
    /// The footer statistics of top-level column `column` (an index into ``schema``) in row group
    /// `rowGroup`, or `nil` for nested columns and chunks without statistics.
    ///
    /// Query planning uses them to skip row groups (SPEC.md §4.3, §8.4); values are decoded with the
    /// same rules as `lake inspect`.
    public func statistics(rowGroup: Int, column: Int) -> ChunkStatistics? {
        guard rowGroup >= 0, rowGroup < metadata.rowGroups.count, column >= 0, column < schema.fields.count else {
            return nil
        }
        let name = schema.fields[column].name
        guard let leaf = parquetSchema.columns.firstIndex(where: { $0.dottedPath == name }) else { return nil }
        let group = metadata.rowGroups[rowGroup]
        guard leaf < group.columns.count, let meta = group.columns[leaf].metaData, let statistics = meta.statistics else {
            return nil
        }
        return ChunkStatistics(
            statistics, descriptor: parquetSchema.columns[leaf], hasColumnOrders: metadata.columnOrders != nil)
    }
}
