import LakeColumnar
import Testing

@testable import LakeParquet

/// Renders a normalized schema tree with its levels, one node per line, for golden comparisons.
///
/// `name?` marks a nullable field; `dN` is the node's definition level; lists and maps add the
/// repeated node's definition level (`rdN`) and their repetition level (`rN`); leaves show their
/// column: path, max definition and repetition levels and a non-trivial conversion.
enum SchemaRender {
    static func tree(_ schema: ParquetSchema) -> String {
        var lines: [String] = []
        for root in schema.roots { render(root, schema.columns, indent: "", into: &lines) }
        return lines.joined(separator: "\n")
    }

    static func render(_ node: SchemaNode, _ columns: [ColumnDescriptor], indent: String, into lines: inout [String]) {
        let head = indent + node.field.name + (node.field.isNullable ? "?" : "") + ": "
        switch node.kind {
        case .leaf(let index):
            let column = columns[index]
            let conversion = column.conversion == .none ? "" : " \(column.conversion)"
            lines.append(
                head
                    + "\(node.field.type) d\(node.definitionLevel) [\(column.dottedPath) d\(column.maxDefinitionLevel) "
                    + "r\(column.maxRepetitionLevel)\(conversion)]"
            )
        case .struct(let children):
            lines.append(head + "struct d\(node.definitionLevel)")
            for child in children { render(child, columns, indent: indent + "  ", into: &lines) }
        case .list(let element, let repeatedLevel, let repetitionLevel):
            lines.append(head + "list d\(node.definitionLevel) rd\(repeatedLevel) r\(repetitionLevel)")
            render(element, columns, indent: indent + "  ", into: &lines)
        case .map(let key, let value, let repeatedLevel, let repetitionLevel):
            lines.append(head + "map d\(node.definitionLevel) rd\(repeatedLevel) r\(repetitionLevel)")
            render(key, columns, indent: indent + "  ", into: &lines)
            render(value, columns, indent: indent + "  ", into: &lines)
        }
    }

    /// Checks the invariants every normalized tree must satisfy; returns the problems found.
    ///
    /// Fields agree with the node kinds; a node's level is its parent's plus one exactly when it
    /// is nullable (except OPTIONAL map keys, documented in ``ParquetSchema/init(elements:)``);
    /// lists and maps add one definition and one repetition level; every leaf's levels equal its
    /// column's maxima; leaves appear in column order, each once.
    static func problems(_ schema: ParquetSchema) -> [String] {
        var problems: [String] = []
        var nextColumn = 0
        func check(_ node: SchemaNode, parentLevel: Int, parentRepetition: Int, isMapKey: Bool) {
            let name = node.field.name
            let expectedLevel = parentLevel + (node.field.isNullable ? 1 : 0)
            if node.definitionLevel != expectedLevel && !(isMapKey && node.definitionLevel == parentLevel + 1) {
                problems.append("\(name): level \(node.definitionLevel), expected \(expectedLevel)")
            }
            switch node.kind {
            case .leaf(let index):
                if index != nextColumn { problems.append("\(name): column \(index), expected \(nextColumn)") }
                nextColumn += 1
                guard index < schema.columns.count else { return }
                let column = schema.columns[index]
                if column.maxDefinitionLevel != node.definitionLevel { problems.append("\(name): max def") }
                if column.maxRepetitionLevel != parentRepetition { problems.append("\(name): max rep") }
                if column.dataType != node.field.type { problems.append("\(name): type") }
                if node.field.type.isNested { problems.append("\(name): nested leaf") }
            case .struct(let children):
                if node.field.type != .struct(children.map(\.field)) { problems.append("\(name): struct fields") }
                for child in children {
                    check(child, parentLevel: node.definitionLevel, parentRepetition: parentRepetition, isMapKey: false)
                }
            case .list(let element, let repeatedLevel, let repetitionLevel):
                if node.field.type != .list(element.field) { problems.append("\(name): list field") }
                if repeatedLevel != node.definitionLevel + 1 { problems.append("\(name): repeated level") }
                if repetitionLevel != parentRepetition + 1 { problems.append("\(name): repetition level") }
                if element.field.name != "element" { problems.append("\(name): element name") }
                check(element, parentLevel: repeatedLevel, parentRepetition: repetitionLevel, isMapKey: false)
            case .map(let key, let value, let repeatedLevel, let repetitionLevel):
                if node.field.type != .map(key: key.field, value: value.field) { problems.append("\(name): map field") }
                if repeatedLevel != node.definitionLevel + 1 { problems.append("\(name): repeated level") }
                if repetitionLevel != parentRepetition + 1 { problems.append("\(name): repetition level") }
                if key.field.name != "key" || value.field.name != "value" { problems.append("\(name): entry names") }
                if key.field.isNullable { problems.append("\(name): nullable key") }
                check(key, parentLevel: repeatedLevel, parentRepetition: repetitionLevel, isMapKey: true)
                check(value, parentLevel: repeatedLevel, parentRepetition: repetitionLevel, isMapKey: false)
            }
        }
        for root in schema.roots { check(root, parentLevel: 0, parentRepetition: 0, isMapKey: false) }
        if nextColumn != schema.columns.count { problems.append("\(schema.columns.count - nextColumn) columns unused") }
        if schema.lakeSchema.fields != schema.roots.map(\.field) { problems.append("lake schema") }
        return problems
    }
}

/// A schema element for tests: `repetition type name` plus annotations.
func element(
    _ repetition: Repetition?,
    _ type: PhysicalType?,
    _ name: String,
    children: Int32? = nil,
    logical: LogicalType? = nil,
    converted: ConvertedType? = nil,
    length: Int32? = nil,
    scale: Int32? = nil,
    precision: Int32? = nil
) -> SchemaElement {
    SchemaElement(
        name: name,
        type: type,
        typeLength: length,
        repetitionType: repetition,
        numChildren: children,
        convertedType: converted,
        scale: scale,
        precision: precision,
        logicalType: logical
    )
}

/// A group element.
func group(
    _ repetition: Repetition?, _ name: String, _ children: Int32, logical: LogicalType? = nil,
    converted: ConvertedType? = nil
) -> SchemaElement {
    element(repetition, nil, name, children: children, logical: logical, converted: converted)
}

/// The root element `schema` with `children` children.
func root(_ children: Int32) -> SchemaElement { group(nil, "schema", children) }
