import LakeColumnar

extension Executor {
    /// Hands `body` the rows of one scanned `batch` after the fused `stages`, in morsels for an
    /// aggregation (``aggregationMorsels(_:)`` when `small`, else ``morsels(_:)``).
    ///
    /// A lone filter with one conjunct is evaluated over the whole batch first and each morsel
    /// gathers its selected rows straight from the batch: one copy of the columns instead of a
    /// slice and then a filtered copy of it (q1 keeps 99% of lineitem). With EXPLAIN ANALYZE the
    /// stages run morsel by morsel as usual, so each stage's metrics are recorded.
    func forEachAggregationMorsel(
        _ batch: RecordBatch, stages: [PhysicalPlan], topNode: Int, small: Bool, _ body: (RecordBatch) throws -> Void
    ) throws {
        let morselRows = small ? Self.aggregationMorselRows : Self.morselRows
        if metrics == nil, stages.count == 1, case .filter(_, let predicate) = stages[0],
            batch.rowCount > morselRows * 3 / 2
        {
            if case .call(.and, _, _) = predicate {} else {
                let selected = try ExpressionEvaluator.select(predicate, batch)
                if selected.count < batch.rowCount {
                    try selected.withUnsafeBufferPointer { selected in
                        for start in stride(from: 0, to: selected.count, by: morselRows) {
                            let rows = UnsafeBufferPointer(rebasing: selected[start..<min(start + morselRows, selected.count)])
                            try body(batch.take(rows))
                        }
                    }
                    return
                }
                for morsel in small ? Self.aggregationMorsels(batch) : Self.morsels(batch) { try body(morsel) }
                return
            }
        }
        for morsel in small ? Self.aggregationMorsels(batch) : Self.morsels(batch) {
            try body(try runStages(stages, topNode: topNode, morsel))
        }
    }
}
