import LakeColumnar
import Testing

@testable import LakeParquet

/// Test helpers for shredding: a hand-made schema builder, columns from scalar rows, random data,
/// and a reference unshredder. (The schema builder stands in for the real one until it lands.)
enum ShreddingTestSupport {
    // MARK: Schema

    /// Builds the normalized Parquet schema of `fields` the way the writer will: 3-level lists
    /// (`list/element`), maps as `key_value/key/value`, each optional node +1 def, each repeated
    /// node +1 def and +1 rep.
    static func parquetSchema(_ fields: [Field]) -> ParquetSchema {
        var columns: [ColumnDescriptor] = []
        let roots = fields.map {
            node($0, parentDefinitionLevel: 0, parentRepetitionLevel: 0, path: [$0.name], columns: &columns)
        }
        return ParquetSchema(roots: roots, columns: columns)
    }

    private static func node(
        _ field: Field, parentDefinitionLevel: Int, parentRepetitionLevel: Int, path: [String],
        columns: inout [ColumnDescriptor]
    ) -> SchemaNode {
        let definitionLevel = parentDefinitionLevel + (field.isNullable ? 1 : 0)
        switch field.type {
        case .struct(let children):
            let nodes = children.map {
                node(
                    $0, parentDefinitionLevel: definitionLevel, parentRepetitionLevel: parentRepetitionLevel,
                    path: path + [$0.name], columns: &columns)
            }
            return SchemaNode(field: field, definitionLevel: definitionLevel, kind: .struct(nodes))
        case .list(let element):
            let repeated = definitionLevel + 1
            let repetition = parentRepetitionLevel + 1
            let elementNode = node(
                element, parentDefinitionLevel: repeated, parentRepetitionLevel: repetition,
                path: path + ["list", "element"], columns: &columns)
            return SchemaNode(
                field: field, definitionLevel: definitionLevel,
                kind: .list(element: elementNode, repeatedDefinitionLevel: repeated, repetitionLevel: repetition))
        case .map(let key, let value):
            let repeated = definitionLevel + 1
            let repetition = parentRepetitionLevel + 1
            var requiredKey = key
            requiredKey.isNullable = false
            let keyNode = node(
                requiredKey, parentDefinitionLevel: repeated, parentRepetitionLevel: repetition,
                path: path + ["key_value", "key"], columns: &columns)
            let valueNode = node(
                value, parentDefinitionLevel: repeated, parentRepetitionLevel: repetition,
                path: path + ["key_value", "value"], columns: &columns)
            return SchemaNode(
                field: field, definitionLevel: definitionLevel,
                kind: .map(
                    key: keyNode, value: valueNode, repeatedDefinitionLevel: repeated, repetitionLevel: repetition))
        default:
            let physical: PhysicalType
            switch field.type {
            case .boolean: physical = .boolean
            case .int64, .timestamp, .timestampNTZ, .time: physical = .int64
            case .float32: physical = .float
            case .float64: physical = .double
            case .string, .binary: physical = .byteArray
            case .decimal(let precision, _):
                physical = precision <= 9 ? .int32 : precision <= 18 ? .int64 : .fixedLenByteArray
            default: physical = .int32
            }
            columns.append(
                ColumnDescriptor(
                    path: path, physicalType: physical, typeLength: 0, maxDefinitionLevel: definitionLevel,
                    maxRepetitionLevel: parentRepetitionLevel, dataType: field.type, conversion: .none))
            return SchemaNode(field: field, definitionLevel: definitionLevel, kind: .leaf(column: columns.count - 1))
        }
    }


    // MARK: Reference unshredder

    /// Rebuilds each row's value from shredded leaves, by plain recursive record assembly.
    struct Unshredder {
        let schema: ParquetSchema
        let leaves: [ShreddedLeaf]
        /// The next slot of each leaf.
        var slots: [Int]
        /// The next present value of each leaf.
        var values: [Int]

        init(schema: ParquetSchema, leaves: [ShreddedLeaf]) {
            self.schema = schema
            self.leaves = leaves
            slots = Array(repeating: 0, count: leaves.count)
            values = Array(repeating: 0, count: leaves.count)
        }

        /// Whether every slot and value of every leaf was consumed.
        var isAtEnd: Bool {
            leaves.indices.allSatisfy { slots[$0] == leaves[$0].levelCount && values[$0] == leaves[$0].values.count }
        }

        func currentDefinitionLevel(_ leaf: Int) -> Int {
            schema.columns[leaf].maxDefinitionLevel == 0 ? 0 : Int(leaves[leaf].definitionLevels[slots[leaf]])
        }

        func currentRepetitionLevel(_ leaf: Int) -> Int? {
            guard slots[leaf] < leaves[leaf].levelCount else { return nil }
            return schema.columns[leaf].maxRepetitionLevel == 0 ? 0 : Int(leaves[leaf].repetitionLevels[slots[leaf]])
        }

        /// Reads one instance of `node` (its parent defined at `parentDefinitionLevel`).
        mutating func read(_ node: SchemaNode, parentDefinitionLevel: Int) -> ScalarValue {
            let leafRange = leafColumns(of: node)
            let first = leafRange.lowerBound
            let level = currentDefinitionLevel(first)
            if node.definitionLevel > parentDefinitionLevel, level < node.definitionLevel {
                for leaf in leafRange { slots[leaf] += 1 }
                return .null
            }
            switch node.kind {
            case .leaf(let column):
                slots[column] += 1
                values[column] += 1
                return leaves[column].values.scalar(at: values[column] - 1)
            case .struct(let children):
                return .struct(children.map { read($0, parentDefinitionLevel: node.definitionLevel) })
            case .list(let element, let repeatedDefinitionLevel, let repetitionLevel):
                if level < repeatedDefinitionLevel {
                    for leaf in leafRange { slots[leaf] += 1 }
                    return .list([])
                }
                var elements: [ScalarValue] = []
                repeat {
                    elements.append(read(element, parentDefinitionLevel: repeatedDefinitionLevel))
                } while currentRepetitionLevel(first) == repetitionLevel
                return .list(elements)
            case .map(let key, let value, let repeatedDefinitionLevel, let repetitionLevel):
                if level < repeatedDefinitionLevel {
                    for leaf in leafRange { slots[leaf] += 1 }
                    return .map(keys: [], values: [])
                }
                var keys: [ScalarValue] = []
                var values: [ScalarValue] = []
                repeat {
                    keys.append(read(key, parentDefinitionLevel: repeatedDefinitionLevel))
                    values.append(read(value, parentDefinitionLevel: repeatedDefinitionLevel))
                } while currentRepetitionLevel(first) == repetitionLevel
                return .map(keys: keys, values: values)
            }
        }
    }
}
