import LakeColumnar

extension ParquetSchema {
    /// Builds the normalized schema from a file's `FileMetaData.schema` (parquet.md §4).
    ///
    /// Rebuilds the tree from `num_children`, maps every leaf to a lake type
    /// (``leafType(of:physicalType:)``) and a ``ColumnDescriptor`` with its maximum levels, and
    /// rewrites every nested form into the four ``SchemaNode/Kind``s, following the
    /// backward-compatibility rules of LogicalTypes.md:
    ///
    /// - A group without LIST/MAP annotation that is not repeated is a struct.
    /// - `<opt|req> group x (LIST) { repeated group list { <opt|req> element } }` is a list whose
    ///   element is `element`. When the repeated child is a primitive, a group with two or more
    ///   children, or a group named `array` or `x_tuple`, the repeated child itself is the
    ///   (required) element (legacy 2-level lists).
    /// - `<opt|req> group m (MAP or MAP_KEY_VALUE) { repeated group key_value { key; value } }` is a
    ///   map. When `key_value` has only a key, the result is a list of the keys
    ///   (`good/map_no_value.parquet`).
    /// - A repeated field outside a LIST/MAP annotation is a required list whose required element is
    ///   that field (`good/repeated_no_annotation.parquet`, `good/repeated_primitive_no_list.parquet`).
    ///
    /// Lake field names are the Parquet names, except list elements (`element`) and map entries
    /// (`key`, `value`). Nullability is `repetition == optional`; map keys are never nullable.
    ///
    /// An OPTIONAL map key (Presto, `good/incorrect_map_schema.parquet`) is accepted: the key
    /// field is still non-nullable, but its node keeps the true definition level (one above the
    /// entry's), so record assembly sees a null key as a definition level below the key's and must
    /// report it as a data error rather than build a map with a null key.
    ///
    /// - Throws: ``DecodeError/corrupt(_:)`` for a malformed tree or LIST/MAP group;
    ///   ``DecodeError/unsupported(_:)`` for a column lake cannot represent (e.g. DECIMAL(40,2)).
    package init(elements: [SchemaElement]) throws(DecodeError) {
        let root = try Self.elementTree(elements)
        var converter = ElementConverter(elements: elements)
        var roots: [SchemaNode] = []
        roots.reserveCapacity(root.children.count)
        for child in root.children {
            roots.append(try converter.convert(child, parentDefinitionLevel: 0, parentRepetitionLevel: 0, path: []))
        }
        self.roots = roots
        self.columns = converter.columns
    }
}

/// Converts an element tree into ``SchemaNode``s and collects the leaf ``ColumnDescriptor``s.
private struct ElementConverter {
    let elements: [SchemaElement]
    var columns: [ColumnDescriptor] = []

    /// How a group is annotated.
    enum GroupAnnotation {
        case list
        case map
        case none
    }

    /// Converts a node given its parent's levels and path.
    ///
    /// A repeated node here is not part of a LIST/MAP form: it becomes a required list of itself.
    mutating func convert(
        _ node: ParquetSchema.ElementNode,
        parentDefinitionLevel: Int,
        parentRepetitionLevel: Int,
        path: [String]
    ) throws(DecodeError) -> SchemaNode {
        let element = elements[node.index]
        switch element.repetitionType {
        case .repeated:
            let repeatedLevel = parentDefinitionLevel + 1
            let repetitionLevel = parentRepetitionLevel + 1
            let item = try convertBody(
                node,
                definitionLevel: repeatedLevel,
                repetitionLevel: repetitionLevel,
                isNullable: false,
                path: path,
                name: "element"
            )
            return SchemaNode(
                field: Field(element.name, .list(item.field), isNullable: false),
                definitionLevel: parentDefinitionLevel,
                kind: .list(element: item, repeatedDefinitionLevel: repeatedLevel, repetitionLevel: repetitionLevel)
            )
        case .optional:
            return try convertBody(
                node,
                definitionLevel: parentDefinitionLevel + 1,
                repetitionLevel: parentRepetitionLevel,
                isNullable: true,
                path: path,
                name: element.name
            )
        case .required, nil:
            return try convertBody(
                node,
                definitionLevel: parentDefinitionLevel,
                repetitionLevel: parentRepetitionLevel,
                isNullable: false,
                path: path,
                name: element.name
            )
        }
    }

    /// Converts a node as a non-repeated value defined at `definitionLevel`, named `name`.
    ///
    /// `path` is the parent's path; the node's own name is appended for its leaves.
    mutating func convertBody(
        _ node: ParquetSchema.ElementNode,
        definitionLevel: Int,
        repetitionLevel: Int,
        isNullable: Bool,
        path: [String],
        name: String
    ) throws(DecodeError) -> SchemaNode {
        let element = elements[node.index]
        let path = path + [element.name]
        if node.isLeaf, let physicalType = element.type {
            let (dataType, conversion) = try ParquetSchema.leafType(of: element, physicalType: physicalType)
            let column = columns.count
            columns.append(
                ColumnDescriptor(
                    path: path,
                    physicalType: physicalType,
                    typeLength: physicalType == .fixedLenByteArray ? Int(element.typeLength ?? 0) : 0,
                    maxDefinitionLevel: definitionLevel,
                    maxRepetitionLevel: repetitionLevel,
                    dataType: dataType,
                    conversion: conversion
                )
            )
            return SchemaNode(
                field: Field(name, dataType, isNullable: isNullable),
                definitionLevel: definitionLevel,
                kind: .leaf(column: column)
            )
        }
        switch annotation(of: element) {
        case .list:
            return try convertList(
                node,
                definitionLevel: definitionLevel,
                repetitionLevel: repetitionLevel,
                isNullable: isNullable,
                path: path,
                name: name
            )
        case .map:
            return try convertMap(
                node,
                definitionLevel: definitionLevel,
                repetitionLevel: repetitionLevel,
                isNullable: isNullable,
                path: path,
                name: name
            )
        case .none:
            var children: [SchemaNode] = []
            children.reserveCapacity(node.children.count)
            for child in node.children {
                children.append(
                    try convert(
                        child,
                        parentDefinitionLevel: definitionLevel,
                        parentRepetitionLevel: repetitionLevel,
                        path: path
                    )
                )
            }
            return SchemaNode(
                field: Field(name, .struct(children.map(\.field)), isNullable: isNullable),
                definitionLevel: definitionLevel,
                kind: .struct(children)
            )
        }
    }

    /// LIST (LogicalType) or LIST (ConvertedType) → list; MAP, or MAP_KEY_VALUE on a group that is
    /// not repeated → map.
    func annotation(of element: SchemaElement) -> GroupAnnotation {
        switch element.logicalType {
        case .list: return .list
        case .map: return .map
        default: break
        }
        switch element.convertedType {
        case .list: return .list
        case .map: return .map
        case .mapKeyValue: return element.repetitionType == .repeated ? .none : .map
        default: return .none
        }
    }

    /// `x (LIST) { repeated group list { element } }` and its legacy 2-level forms.
    mutating func convertList(
        _ node: ParquetSchema.ElementNode,
        definitionLevel: Int,
        repetitionLevel: Int,
        isNullable: Bool,
        path: [String],
        name: String
    ) throws(DecodeError) -> SchemaNode {
        let element = elements[node.index]
        guard node.children.count == 1, let repeated = node.children.first,
            elements[repeated.index].repetitionType == .repeated
        else {
            throw .corrupt("LIST group '\(path.joined(separator: "."))' must have exactly one repeated child")
        }
        let repeatedElement = elements[repeated.index]
        let repeatedLevel = definitionLevel + 1
        let innerRepetitionLevel = repetitionLevel + 1
        let repeatedIsElement =
            repeated.isLeaf || repeated.children.count > 1 || repeatedElement.name == "array"
            || repeatedElement.name == element.name + "_tuple"
        var item: SchemaNode
        if repeatedIsElement {
            item = try convertBody(
                repeated,
                definitionLevel: repeatedLevel,
                repetitionLevel: innerRepetitionLevel,
                isNullable: false,
                path: path,
                name: "element"
            )
        } else {
            item = try convert(
                repeated.children[0],
                parentDefinitionLevel: repeatedLevel,
                parentRepetitionLevel: innerRepetitionLevel,
                path: path + [repeatedElement.name]
            )
            item.field.name = "element"
        }
        return SchemaNode(
            field: Field(name, .list(item.field), isNullable: isNullable),
            definitionLevel: definitionLevel,
            kind: .list(element: item, repeatedDefinitionLevel: repeatedLevel, repetitionLevel: innerRepetitionLevel)
        )
    }

    /// `m (MAP) { repeated group key_value { key; value } }`, or a list of keys without a value.
    mutating func convertMap(
        _ node: ParquetSchema.ElementNode,
        definitionLevel: Int,
        repetitionLevel: Int,
        isNullable: Bool,
        path: [String],
        name: String
    ) throws(DecodeError) -> SchemaNode {
        let dotted = path.joined(separator: ".")
        guard node.children.count == 1, let entries = node.children.first, !entries.isLeaf,
            elements[entries.index].repetitionType == .repeated
        else {
            throw .corrupt("MAP group '\(dotted)' must have exactly one repeated group child")
        }
        guard entries.children.count == 1 || entries.children.count == 2 else {
            throw .corrupt(
                "MAP group '\(dotted)' has \(entries.children.count) fields in its repeated group; expected key and value"
            )
        }
        let repeatedLevel = definitionLevel + 1
        let innerRepetitionLevel = repetitionLevel + 1
        let entriesPath = path + [elements[entries.index].name]
        var key = try convert(
            entries.children[0],
            parentDefinitionLevel: repeatedLevel,
            parentRepetitionLevel: innerRepetitionLevel,
            path: entriesPath
        )
        guard entries.children.count == 2 else {
            key.field.name = "element"
            return SchemaNode(
                field: Field(name, .list(key.field), isNullable: isNullable),
                definitionLevel: definitionLevel,
                kind: .list(element: key, repeatedDefinitionLevel: repeatedLevel, repetitionLevel: innerRepetitionLevel)
            )
        }
        key.field.name = "key"
        key.field.isNullable = false
        var value = try convert(
            entries.children[1],
            parentDefinitionLevel: repeatedLevel,
            parentRepetitionLevel: innerRepetitionLevel,
            path: entriesPath
        )
        value.field.name = "value"
        return SchemaNode(
            field: Field(name, .map(key: key.field, value: value.field), isNullable: isNullable),
            definitionLevel: definitionLevel,
            kind: .map(
                key: key,
                value: value,
                repeatedDefinitionLevel: repeatedLevel,
                repetitionLevel: innerRepetitionLevel
            )
        )
    }
}
