import LakeColumnar

/// Rebuilds lake columns (flat or nested) from decoded leaves: the inverse of shredding.
///
/// Every node of the normalized tree (``SchemaNode``) is rebuilt from the levels of the first
/// leaf below it. A slot *starts an instance* of a node when its repetition level is at most the
/// node's enclosing repetition level `R` and its definition level reaches the level `E` at which
/// the node's parent holds an instance. The instance is non-null when the definition level reaches
/// the node's own ``SchemaNode/definitionLevel``; inside it, a slot starts a list element when
/// def ≥ `repeatedDefinitionLevel` and rep ≤ `repetitionLevel`.
///
/// ```
///  top-level node:  E = 0,                        R = 0
///  struct child:    E = E(struct),                R = R(struct)
///  list element:    E = repeatedDefinitionLevel,  R = repetitionLevel
/// ```
///
/// Leaves below the same node must agree on its instances; a disagreement is a corrupt file.
/// - Complexity: O(slots × nesting depth); flat columns without nulls are returned without copying.
package enum RecordAssembly {
    /// Builds the top-level columns `rootIndices` of `schema` from `leaves` (indexed like
    /// `schema.columns`; only the leaves below the requested roots need to be present).
    package static func assemble(
        schema: ParquetSchema, rootIndices: [Int], leaves: [DecodedLeaf?], rowCount: Int
    ) throws(DecodeError) -> [Column] {
        var columns: [Column] = []
        columns.reserveCapacity(rootIndices.count)
        for rootIndex in rootIndices {
            let root = schema.roots[rootIndex]
            let column = try build(root, instanceLevel: 0, enclosingRepetition: 0, leaves: leaves)
            guard column.count == rowCount else {
                throw .corrupt("column '\(root.field.name)' decodes to \(column.count) rows but the row group has \(rowCount)")
            }
            columns.append(column)
        }
        return columns
    }

    private static func firstLeaf(_ node: SchemaNode) -> Int {
        switch node.kind {
        case .leaf(let column): column
        case .struct(let children): firstLeaf(children[0])
        case .list(let element, _, _): firstLeaf(element)
        case .map(let key, _, _, _): firstLeaf(key)
        }
    }

    private static func leaf(_ index: Int, in leaves: [DecodedLeaf?]) throws(DecodeError) -> DecodedLeaf {
        guard index < leaves.count, let leaf = leaves[index] else {
            throw .corrupt("internal: leaf column \(index) was not decoded")
        }
        return leaf
    }

    private static func build(
        _ node: SchemaNode, instanceLevel: Int, enclosingRepetition: Int, leaves: [DecodedLeaf?]
    ) throws(DecodeError) -> Column {
        switch node.kind {
        case .leaf(let columnIndex):
            return try buildLeaf(node, leaf: leaf(columnIndex, in: leaves), instanceLevel: instanceLevel)

        case .struct(let children):
            guard !children.isEmpty else { throw .corrupt("struct '\(node.field.name)' has no fields") }
            let data = try leaf(firstLeaf(node), in: leaves)
            let shape = instanceShape(
                data, instanceLevel: instanceLevel, enclosingRepetition: enclosingRepetition,
                definitionLevel: node.definitionLevel, elementLevel: nil)
            var childColumns: [Column] = []
            childColumns.reserveCapacity(children.count)
            for child in children {
                let column = try build(
                    child, instanceLevel: instanceLevel, enclosingRepetition: enclosingRepetition, leaves: leaves)
                guard column.count == shape.count else {
                    throw .corrupt(
                        "field '\(child.field.name)' of struct '\(node.field.name)' has \(column.count) values, expected \(shape.count)")
                }
                childColumns.append(column)
            }
            guard case .struct(let fields) = node.field.type else {
                throw .corrupt("internal: struct node '\(node.field.name)' has type \(node.field.type)")
            }
            return .struct(
                StructColumn(fields: fields, children: childColumns, count: shape.count, validity: shape.validity))

        case .list(let element, let repeatedDefinitionLevel, let repetitionLevel):
            let data = try leaf(firstLeaf(node), in: leaves)
            let shape = instanceShape(
                data, instanceLevel: instanceLevel, enclosingRepetition: enclosingRepetition,
                definitionLevel: node.definitionLevel,
                elementLevel: (repeatedDefinitionLevel, repetitionLevel))
            let elements = try build(
                element, instanceLevel: repeatedDefinitionLevel, enclosingRepetition: repetitionLevel, leaves: leaves)
            try checkElementCount(elements.count, shape: shape, node: node)
            return .list(
                ListColumn(element: element.field, offsets: shape.offsets, elements: elements, validity: shape.validity))

        case .map(let key, let value, let repeatedDefinitionLevel, let repetitionLevel):
            let data = try leaf(firstLeaf(node), in: leaves)
            let shape = instanceShape(
                data, instanceLevel: instanceLevel, enclosingRepetition: enclosingRepetition,
                definitionLevel: node.definitionLevel,
                elementLevel: (repeatedDefinitionLevel, repetitionLevel))
            let keys = try build(
                key, instanceLevel: repeatedDefinitionLevel, enclosingRepetition: repetitionLevel, leaves: leaves)
            let values = try build(
                value, instanceLevel: repeatedDefinitionLevel, enclosingRepetition: repetitionLevel, leaves: leaves)
            try checkElementCount(keys.count, shape: shape, node: node)
            try checkElementCount(values.count, shape: shape, node: node)
            guard keys.nullCount == 0 else { throw .corrupt("map '\(node.field.name)' has a null key") }
            return .map(
                MapColumn(
                    key: key.field, value: value.field, offsets: shape.offsets, keys: keys, values: values,
                    validity: shape.validity))
        }
    }

    private static func checkElementCount(_ count: Int, shape: InstanceShape, node: SchemaNode) throws(DecodeError) {
        guard count == Int(shape.offsets[shape.offsets.count - 1]) else {
            throw .corrupt(
                "'\(node.field.name)' has \(shape.offsets[shape.offsets.count - 1]) elements by its levels but \(count) decoded")
        }
    }

    /// The instances of a struct, list or map node, read off one leaf's levels.
    private struct InstanceShape {
        var count: Int
        var validity: ValidityBitmap?
        /// For lists and maps: `count + 1` element offsets.
        var offsets: ContiguousArray<Int32>
    }

    private static func instanceShape(
        _ data: DecodedLeaf, instanceLevel: Int, enclosingRepetition: Int, definitionLevel: Int,
        elementLevel: (definition: Int, repetition: Int)?
    ) -> InstanceShape {
        let slotCount = data.levelCount
        var words = ContiguousArray<UInt64>()
        words.reserveCapacity((slotCount + 63) / 64)
        var offsets = ContiguousArray<Int32>()
        if elementLevel != nil {
            offsets.reserveCapacity(slotCount + 1)
            offsets.append(0)
        }
        var count = 0
        var nulls = 0
        var elements: Int32 = 0
        var word: UInt64 = 0
        let hasDefinition = !data.definitionLevels.isEmpty
        let hasRepetition = !data.repetitionLevels.isEmpty
        data.definitionLevels.withUnsafeBufferPointer { definitions in
            data.repetitionLevels.withUnsafeBufferPointer { repetitions in
                for slot in 0..<slotCount {
                    let definition = hasDefinition ? Int(definitions[slot]) : 0
                    let repetition = hasRepetition ? Int(repetitions[slot]) : 0
                    if repetition <= enclosingRepetition && definition >= instanceLevel {
                        if count > 0, elementLevel != nil { offsets.append(elements) }
                        if definition >= definitionLevel {
                            word |= 1 &<< UInt64(count & 63)
                        } else {
                            nulls &+= 1
                        }
                        count &+= 1
                        if count & 63 == 0 {
                            words.append(word)
                            word = 0
                        }
                    }
                    if let elementLevel, definition >= elementLevel.definition, repetition <= elementLevel.repetition {
                        elements &+= 1
                    }
                }
            }
        }
        if count & 63 != 0 { words.append(word) }
        if elementLevel != nil, count > 0 { offsets.append(elements) }
        let validity = nulls == 0 ? nil : ValidityBitmap(words: words, count: count)
        return InstanceShape(count: count, validity: validity, offsets: offsets)
    }

    private static func buildLeaf(_ node: SchemaNode, leaf data: DecodedLeaf, instanceLevel: Int) throws(DecodeError)
        -> Column
    {
        let maxDefinition = node.definitionLevel
        if data.definitionLevels.isEmpty {
            // REQUIRED all the way down: every slot is a present value.
            guard data.values.count == data.levelCount else {
                throw .corrupt("'\(node.field.name)' has \(data.levelCount) levels but \(data.values.count) values")
            }
            return data.values
        }
        // Every slot an instance and as many values as slots: no nulls (the page walker decodes
        // exactly one value per slot at the max definition level), so no bitmap is needed.
        if instanceLevel == 0 && data.values.count == data.levelCount { return data.values }
        // One pass: which slots are instances, and which of those hold a value.
        let slotCount = data.levelCount
        var words = ContiguousArray<UInt64>()
        words.reserveCapacity((slotCount + 63) / 64)
        var count = 0
        var present = 0
        var word: UInt64 = 0
        data.definitionLevels.withUnsafeBufferPointer { definitions in
            for slot in 0..<slotCount {
                let definition = Int(definitions[slot])
                guard definition >= instanceLevel else { continue }
                let bit: UInt64 = definition >= maxDefinition ? 1 : 0
                word |= bit &<< UInt64(count & 63)
                present &+= Int(bit)
                count &+= 1
                if count & 63 == 0 {
                    words.append(word)
                    word = 0
                }
            }
        }
        if count & 63 != 0 { words.append(word) }
        guard present == data.values.count else {
            throw .corrupt("'\(node.field.name)' has \(present) non-null levels but \(data.values.count) values")
        }
        if present == count { return data.values }
        return scatter(data.values, into: ValidityBitmap(words: words, count: count))
    }

    /// Spreads dense values over the valid rows of `validity`, leaving zeros (or empty strings)
    /// at null rows.
    package static func scatter(_ dense: Column, into validity: ValidityBitmap) -> Column {
        switch dense {
        case .boolean(let column): .boolean(scatter(column.values, validity, zero: false))
        case .int8(let column): .int8(scatter(column.values, validity, zero: 0))
        case .int16(let column): .int16(scatter(column.values, validity, zero: 0))
        case .int32(let column): .int32(scatter(column.values, validity, zero: 0))
        case .int64(let column): .int64(scatter(column.values, validity, zero: 0))
        case .float32(let column): .float32(scatter(column.values, validity, zero: 0))
        case .float64(let column): .float64(scatter(column.values, validity, zero: 0))
        case .decimal64(let column, let precision, let scale):
            .decimal64(scatter(column.values, validity, zero: 0), precision: precision, scale: scale)
        case .decimal128(let column, let precision, let scale):
            .decimal128(scatter(column.values, validity, zero: 0), precision: precision, scale: scale)
        case .date(let column): .date(scatter(column.values, validity, zero: 0))
        case .timestamp(let column): .timestamp(scatter(column.values, validity, zero: 0))
        case .timestampNTZ(let column): .timestampNTZ(scatter(column.values, validity, zero: 0))
        case .time(let column): .time(scatter(column.values, validity, zero: 0))
        case .string(let column): .string(scatter(column, validity))
        case .binary(let column): .binary(scatter(column, validity))
        case .struct, .list, .map:
            // Leaves are never nested; nested columns get their validity from their own levels.
            dense
        }
    }

    private static func scatter<T: BitwiseCopyable & Sendable>(
        _ dense: ContiguousArray<T>, _ validity: ValidityBitmap, zero: T
    ) -> PrimitiveColumn<T> {
        let count = validity.count
        let values = ContiguousArray<T>(unsafeUninitializedCapacity: count) { output, initialized in
            dense.withUnsafeBufferPointer { input in
                var next = 0
                for row in 0..<count {
                    if validity.isValid(row) {
                        output[row] = input[next]
                        next &+= 1
                    } else {
                        output[row] = zero
                    }
                }
            }
            initialized = count
        }
        return PrimitiveColumn(values: values, validity: validity)
    }

    private static func scatter(_ dense: StringColumn, _ validity: ValidityBitmap) -> StringColumn {
        let count = validity.count
        let offsets = ContiguousArray<Int32>(unsafeUninitializedCapacity: count + 1) { output, initialized in
            dense.offsets.withUnsafeBufferPointer { input in
                output[0] = 0
                var next = 0
                for row in 0..<count {
                    if validity.isValid(row) { next &+= 1 }
                    output[row &+ 1] = input[next]
                }
            }
            initialized = count + 1
        }
        return StringColumn(offsets: offsets, bytes: dense.bytes, validity: validity)
    }
}
