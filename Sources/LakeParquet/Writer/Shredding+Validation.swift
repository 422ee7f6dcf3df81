import LakeColumnar

/// The dotted name of the first node the schema makes required that holds a null in a row where
/// all its ancestors are defined, or `nil` when the columns fit the schema's nullability.
///
/// ``shred(_:schema:)`` cannot write such a null (no definition level expresses it), so a writer
/// calls this first and reports the column. Nulls in a required child of a null struct row, or
/// below a null list row, do not count: the reader never sees them.
///
/// - Precondition: the columns have the schema's shape (as for ``shred(_:schema:)``).
/// - Complexity: O(tree) when no required node has a validity bitmap with nulls (the usual case);
///   otherwise O(rows below the suspicious nodes).
package func firstNullInRequiredNode(_ columns: [Column], schema: ParquetSchema) -> String? {
    for (root, column) in zip(schema.roots, columns)
    where mayHaveRequiredNull(root, column, parentDefinitionLevel: 0) {
        if let path = firstRequiredNull(
            root, column, rows: 0..<column.count, parentDefinitionLevel: 0, path: root.field.name)
        {
            return path
        }
    }
    return nil
}

/// Whether some required node below `node` (or `node` itself) has a null anywhere.
private func mayHaveRequiredNull(_ node: SchemaNode, _ column: Column, parentDefinitionLevel: Int) -> Bool {
    if node.definitionLevel == parentDefinitionLevel, column.nullCount > 0 { return true }
    switch (node.kind, column) {
    case (.struct(let children), .struct(let structColumn)):
        for (child, childColumn) in zip(children, structColumn.children)
        where mayHaveRequiredNull(child, childColumn, parentDefinitionLevel: node.definitionLevel) {
            return true
        }
        return false
    case (.list(let element, let repeatedDefinitionLevel, _), .list(let listColumn)):
        return mayHaveRequiredNull(element, listColumn.elements, parentDefinitionLevel: repeatedDefinitionLevel)
    case (.map(let key, let value, let repeatedDefinitionLevel, _), .map(let mapColumn)):
        return mayHaveRequiredNull(key, mapColumn.keys, parentDefinitionLevel: repeatedDefinitionLevel)
            || mayHaveRequiredNull(value, mapColumn.values, parentDefinitionLevel: repeatedDefinitionLevel)
    default:
        return false
    }
}

/// The path of the first required node below `node` with a null in `rows`, or `nil`.
private func firstRequiredNull(
    _ node: SchemaNode, _ column: Column, rows: Range<Int>, parentDefinitionLevel: Int, path: String
) -> String? {
    guard !rows.isEmpty else { return nil }
    let isOptional = node.definitionLevel > parentDefinitionLevel
    if !isOptional, let validity = column.validity, hasNull(validity, rows: rows) { return path }
    // Runs of rows where this node is defined.
    var definedRuns = ContiguousArray<Range<Int>>()
    if isOptional, let validity = column.validity {
        var runs = ValidityRuns(validity, rows: rows)
        while let run = runs.next() {
            if run.isValid { definedRuns.append(run.rows) }
        }
    } else {
        definedRuns.append(rows)
    }
    switch (node.kind, column) {
    case (.struct(let children), .struct(let structColumn)):
        for run in definedRuns {
            for (child, childColumn) in zip(children, structColumn.children) {
                if let found = firstRequiredNull(
                    child, childColumn, rows: run, parentDefinitionLevel: node.definitionLevel,
                    path: path + "." + child.field.name)
                {
                    return found
                }
            }
        }
    case (.list(let element, let repeatedDefinitionLevel, _), .list(let listColumn)):
        for run in definedRuns {
            let elements = Int(listColumn.offsets[run.lowerBound])..<Int(listColumn.offsets[run.upperBound])
            if let found = firstRequiredNull(
                element, listColumn.elements, rows: elements, parentDefinitionLevel: repeatedDefinitionLevel,
                path: path + "." + element.field.name)
            {
                return found
            }
        }
    case (.map(let key, let value, let repeatedDefinitionLevel, _), .map(let mapColumn)):
        for run in definedRuns {
            let entries = Int(mapColumn.offsets[run.lowerBound])..<Int(mapColumn.offsets[run.upperBound])
            for (child, childColumn) in [(key, mapColumn.keys), (value, mapColumn.values)] {
                if let found = firstRequiredNull(
                    child, childColumn, rows: entries, parentDefinitionLevel: repeatedDefinitionLevel,
                    path: path + "." + child.field.name)
                {
                    return found
                }
            }
        }
    default:
        break
    }
    return nil
}
