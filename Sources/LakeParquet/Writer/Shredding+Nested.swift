import LakeColumnar

/// The levels and present rows of one nested leaf, filled in slot order while shredding.
struct LeafLevelsBuilder {
    /// The definition levels so far (left empty when the leaf's maximum is 0).
    var definitionLevels = ContiguousArray<UInt16>()
    /// The repetition levels so far (left empty when the leaf's maximum is 0).
    var repetitionLevels = ContiguousArray<UInt16>()
    /// The number of slots so far.
    var levelCount = 0
    /// The rows of ``column`` that hold present values, as ascending, disjoint, non-adjacent runs.
    var presentRuns = ContiguousArray<Range<Int>>()
    /// The number of present values so far.
    var valueCount = 0
    /// The leaf's input column (bound before shredding starts).
    var column: Column?
    /// Whether definition levels are stored (maxDefinitionLevel > 0).
    let storesDefinitionLevels: Bool
    /// Whether repetition levels are stored (maxRepetitionLevel > 0).
    let storesRepetitionLevels: Bool

    /// A builder for a leaf described by `descriptor`.
    init(_ descriptor: ColumnDescriptor) {
        storesDefinitionLevels = descriptor.maxDefinitionLevel > 0
        storesRepetitionLevels = descriptor.maxRepetitionLevel > 0
    }

    /// Appends `count` slots that hold no value (a null or empty ancestor, or a null leaf).
    mutating func appendAbsent(count: Int, definitionLevel: UInt16, repetitionLevel: UInt16) {
        if storesDefinitionLevels { definitionLevels.append(contentsOf: repeatElement(definitionLevel, count: count)) }
        if storesRepetitionLevels { repetitionLevels.append(contentsOf: repeatElement(repetitionLevel, count: count)) }
        levelCount &+= count
    }

    /// Appends one slot per row of `rows` of the leaf column; rows that are null (when the leaf
    /// is optional) get `definitionLevel - 1`, the others `definitionLevel` and a value.
    mutating func appendRows(
        _ column: Column, rows: Range<Int>, isOptional: Bool, definitionLevel: Int, repetitionLevel: UInt16
    ) {
        if isOptional, let validity = column.validity {
            if storesDefinitionLevels {
                appendDefinitionLevels(
                    validity, rows: rows, absent: UInt16(truncatingIfNeeded: definitionLevel &- 1),
                    to: &definitionLevels)
            }
            var runs = ValidityRuns(validity, rows: rows)
            while let run = runs.next() {
                if run.isValid { appendPresent(run.rows) }
            }
        } else {
            if storesDefinitionLevels {
                definitionLevels.append(
                    contentsOf: repeatElement(UInt16(truncatingIfNeeded: definitionLevel), count: rows.count))
            }
            appendPresent(rows)
        }
        if storesRepetitionLevels {
            repetitionLevels.append(contentsOf: repeatElement(repetitionLevel, count: rows.count))
        }
        levelCount &+= rows.count
    }

    /// Records that rows `rows` of the leaf column hold present values.
    private mutating func appendPresent(_ rows: Range<Int>) {
        guard !rows.isEmpty else { return }
        valueCount &+= rows.count
        if let last = presentRuns.last, last.upperBound == rows.lowerBound {
            presentRuns[presentRuns.count &- 1] = last.lowerBound..<rows.upperBound
        } else {
            presentRuns.append(rows)
        }
    }

    /// The finished leaf.
    func finish() -> ShreddedLeaf {
        guard let column else { preconditionFailure("a leaf was never bound to a column") }
        return ShreddedLeaf(
            definitionLevels: definitionLevels, repetitionLevels: repetitionLevels, levelCount: levelCount,
            values: column.gathering(presentRuns, valueCount: valueCount))
    }
}

/// Dremel shredding of nested columns into per-leaf ``LeafLevelsBuilder``s.
///
/// Every slot is first written with the repetition level of its innermost enclosing list (the
/// level at which a *further* element continues); after a list writes a row's elements it sets
/// the first slot of that row, in every leaf below, to the list's parent level. Runs of rows are
/// handled together where possible: a run of valid struct rows is one call per child, and a run
/// of non-empty list rows is one call when nothing below the list repeats.
struct Shredder {
    /// The leaf descriptors, in file order.
    let columns: [ColumnDescriptor]
    /// One builder per leaf, indexed like ``columns``.
    var leaves: [LeafLevelsBuilder]
    /// Slot counts saved while a list writes its elements (a stack shared by nested lists).
    private var savedSlotCounts = ContiguousArray<Int>()

    /// A shredder for `schema`'s leaves.
    init(schema: ParquetSchema) {
        columns = schema.columns
        leaves = schema.columns.map(LeafLevelsBuilder.init)
    }

    /// Binds every leaf below `node` to its input column inside `column`.
    ///
    /// - Precondition: `column` has the shape of `node`.
    mutating func bind(_ node: SchemaNode, _ column: Column) {
        switch (node.kind, column) {
        case (.leaf(let index), _):
            leaves[index].column = column
        case (.struct(let children), .struct(let structColumn)):
            precondition(
                children.count == structColumn.children.count,
                "struct '\(node.field.name)' has \(structColumn.children.count) children, the schema \(children.count)")
            for (child, childColumn) in zip(children, structColumn.children) { bind(child, childColumn) }
        case (.list(let element, _, _), .list(let listColumn)):
            bind(element, listColumn.elements)
        case (.map(let key, let value, _, _), .map(let mapColumn)):
            bind(key, mapColumn.keys)
            bind(value, mapColumn.values)
        default:
            preconditionFailure("column '\(node.field.name)' is \(column.dataType), which does not match the schema")
        }
    }

    /// Writes rows `rows` of `column`, an instance of `node`, to the leaves below `node`.
    ///
    /// `parentDefinitionLevel` is the level at which the parent is defined (a list's repeated
    /// level for its element); `repetitionLevel` is that of the innermost enclosing list (0 at
    /// the top).
    mutating func write(
        _ node: SchemaNode, _ column: Column, rows: Range<Int>, parentDefinitionLevel: Int, repetitionLevel: Int
    ) {
        guard !rows.isEmpty else { return }
        let isOptional = node.definitionLevel > parentDefinitionLevel
        let repetition = UInt16(truncatingIfNeeded: repetitionLevel)
        switch (node.kind, column) {
        case (.leaf(let index), _):
            leaves[index].appendRows(
                column, rows: rows, isOptional: isOptional, definitionLevel: node.definitionLevel,
                repetitionLevel: repetition)
        case (.struct(let children), .struct(let structColumn)):
            if isOptional, let validity = structColumn.validity, hasNull(validity, rows: rows) {
                let leafRange = leafColumns(of: node)
                var runs = ValidityRuns(validity, rows: rows)
                while let run = runs.next() {
                    if run.isValid {
                        writeChildren(children, structColumn.children, rows: run.rows, node, repetitionLevel)
                    } else {
                        writeAbsent(
                            leafRange, count: run.rows.count,
                            definitionLevel: UInt16(truncatingIfNeeded: parentDefinitionLevel),
                            repetitionLevel: repetition)
                    }
                }
            } else {
                writeChildren(children, structColumn.children, rows: rows, node, repetitionLevel)
            }
        case (.list(let element, let repeatedDefinitionLevel, let listRepetitionLevel), .list(let listColumn)):
            writeRepeated(
                node, offsets: listColumn.offsets, validity: listColumn.validity,
                children: [(element, listColumn.elements)], rows: rows, isOptional: isOptional,
                parentDefinitionLevel: parentDefinitionLevel, repetitionLevel: repetitionLevel,
                repeatedDefinitionLevel: repeatedDefinitionLevel, listRepetitionLevel: listRepetitionLevel)
        case (.map(let key, let value, let repeatedDefinitionLevel, let mapRepetitionLevel), .map(let mapColumn)):
            writeRepeated(
                node, offsets: mapColumn.offsets, validity: mapColumn.validity,
                children: [(key, mapColumn.keys), (value, mapColumn.values)], rows: rows, isOptional: isOptional,
                parentDefinitionLevel: parentDefinitionLevel, repetitionLevel: repetitionLevel,
                repeatedDefinitionLevel: repeatedDefinitionLevel, listRepetitionLevel: mapRepetitionLevel)
        default:
            preconditionFailure("column '\(node.field.name)' is \(column.dataType), which does not match the schema")
        }
    }

    /// Writes rows `rows` of each child of a defined struct.
    private mutating func writeChildren(
        _ children: [SchemaNode], _ columns: [Column], rows: Range<Int>, _ parent: SchemaNode, _ repetitionLevel: Int
    ) {
        for (child, childColumn) in zip(children, columns) {
            write(
                child, childColumn, rows: rows, parentDefinitionLevel: parent.definitionLevel,
                repetitionLevel: repetitionLevel)
        }
    }

    /// Writes rows of a list or map: null and empty rows as one slot, non-empty rows through
    /// their elements, then sets the first slot of each row to the enclosing repetition level.
    private mutating func writeRepeated(
        _ node: SchemaNode, offsets: ContiguousArray<Int32>, validity: ValidityBitmap?,
        children: [(SchemaNode, Column)], rows: Range<Int>, isOptional: Bool, parentDefinitionLevel: Int,
        repetitionLevel: Int, repeatedDefinitionLevel: Int, listRepetitionLevel: Int
    ) {
        let leafRange = leafColumns(of: node)
        // With nothing repeated below, each element gives exactly one slot in every leaf, so a
        // whole run of rows can be written at once and its row starts found from the offsets.
        var oneSlotPerElement = true
        for leaf in leafRange where columns[leaf].maxRepetitionLevel != listRepetitionLevel {
            oneSlotPerElement = false
        }
        let nullValidity = isOptional ? validity : nil
        let repetition = UInt16(truncatingIfNeeded: repetitionLevel)
        var row = rows.lowerBound
        while row < rows.upperBound {
            if let nullValidity, !nullValidity.isValid(row) {
                var end = row &+ 1
                while end < rows.upperBound, !nullValidity.isValid(end) { end &+= 1 }
                writeAbsent(
                    leafRange, count: end &- row, definitionLevel: UInt16(truncatingIfNeeded: parentDefinitionLevel),
                    repetitionLevel: repetition)
                row = end
                continue
            }
            if offsets[row] == offsets[row &+ 1] {
                var end = row &+ 1
                while end < rows.upperBound, offsets[end] == offsets[end &+ 1], nullValidity?.isValid(end) ?? true {
                    end &+= 1
                }
                writeAbsent(
                    leafRange, count: end &- row, definitionLevel: UInt16(truncatingIfNeeded: node.definitionLevel),
                    repetitionLevel: repetition)
                row = end
                continue
            }
            var end = row &+ 1
            if oneSlotPerElement {
                while end < rows.upperBound, offsets[end] != offsets[end &+ 1], nullValidity?.isValid(end) ?? true {
                    end &+= 1
                }
            }
            let saved = savedSlotCounts.count
            for leaf in leafRange { savedSlotCounts.append(leaves[leaf].levelCount) }
            let firstElement = Int(offsets[row])
            let elements = firstElement..<Int(offsets[end])
            for (child, childColumn) in children {
                write(
                    child, childColumn, rows: elements, parentDefinitionLevel: repeatedDefinitionLevel,
                    repetitionLevel: listRepetitionLevel)
            }
            for (position, leaf) in leafRange.enumerated() {
                let firstSlot = savedSlotCounts[saved &+ position]
                for listRow in row..<end {
                    leaves[leaf].repetitionLevels[firstSlot &+ Int(offsets[listRow]) &- firstElement] = repetition
                }
            }
            savedSlotCounts.removeLast(leafRange.count)
            row = end
        }
    }

    /// Appends `count` valueless slots to every leaf in `leafRange`.
    private mutating func writeAbsent(
        _ leafRange: Range<Int>, count: Int, definitionLevel: UInt16, repetitionLevel: UInt16
    ) {
        for leaf in leafRange {
            leaves[leaf].appendAbsent(count: count, definitionLevel: definitionLevel, repetitionLevel: repetitionLevel)
        }
    }
}

/// The leaves below `node`, as a range of column indices (leaves are numbered depth-first, so
/// the leaves of a subtree are contiguous).
func leafColumns(of node: SchemaNode) -> Range<Int> {
    switch node.kind {
    case .leaf(let column):
        return column..<(column &+ 1)
    case .struct(let children):
        var lower = Int.max
        var upper = Int.min
        for child in children {
            let range = leafColumns(of: child)
            guard !range.isEmpty else { continue }
            lower = Swift.min(lower, range.lowerBound)
            upper = Swift.max(upper, range.upperBound)
        }
        return lower <= upper ? lower..<upper : 0..<0
    case .list(let element, _, _):
        return leafColumns(of: element)
    case .map(let key, let value, _, _):
        let keys = leafColumns(of: key)
        let values = leafColumns(of: value)
        return Swift.min(keys.lowerBound, values.lowerBound)..<Swift.max(keys.upperBound, values.upperBound)
    }
}
