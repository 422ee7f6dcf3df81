extension ParquetSchema {
    /// The deepest schema nesting accepted (real schemas, Delta checkpoints included, stay under 10).
    package static let maxSchemaDepth = 64

    /// A schema element with its children: the tree that `num_children` describes (parquet.md §4).
    struct ElementNode {
        /// The element's index in `FileMetaData.schema`.
        var index: Int
        /// The children in file order (empty for leaves).
        var children: [ElementNode]
        /// Whether the element is a leaf: it has a physical type and no children.
        var isLeaf: Bool
    }

    /// Rebuilds the tree from the depth-first element list and validates its shape.
    ///
    /// An element is a leaf when it has a `type` and no children (Arrow's rule); every other
    /// element is a group. Rejects an empty list, a root that is a leaf, child counts that run
    /// past the list or leave elements over, non-root elements without `repetition_type`,
    /// childless non-root groups and nesting deeper than ``maxSchemaDepth``.
    static func elementTree(_ elements: [SchemaElement]) throws(DecodeError) -> ElementNode {
        guard let root = elements.first else { throw .corrupt("the schema has no elements") }
        if root.type != nil && (root.numChildren ?? 0) == 0 {
            throw .corrupt("the schema root '\(root.name)' is a leaf, not a group")
        }
        var next = 1
        let children = try elementChildren(
            of: 0,
            count: Int(root.numChildren ?? 0),
            depth: 1,
            next: &next,
            elements: elements
        )
        guard next == elements.count else {
            throw .corrupt(
                "the schema lists \(elements.count) elements but the root's num_children cover only \(next)"
            )
        }
        return ElementNode(index: 0, children: children, isLeaf: false)
    }

    private static func elementChildren(
        of parent: Int,
        count: Int,
        depth: Int,
        next: inout Int,
        elements: [SchemaElement]
    ) throws(DecodeError) -> [ElementNode] {
        guard count <= elements.count - next else {
            throw .corrupt(
                "schema group '\(elements[parent].name)' claims \(count) children but only "
                    + "\(elements.count - next) elements follow"
            )
        }
        guard depth <= maxSchemaDepth else {
            throw .corrupt("the schema nests deeper than \(maxSchemaDepth) levels at '\(elements[parent].name)'")
        }
        var children: [ElementNode] = []
        children.reserveCapacity(count)
        for childNumber in 0..<count {
            guard next < elements.count else {
                throw .corrupt(
                    "schema group '\(elements[parent].name)' claims \(count) children but the schema ends after \(childNumber)"
                )
            }
            let index = next
            next += 1
            let element = elements[index]
            guard element.repetitionType != nil else {
                throw .corrupt("schema element '\(element.name)' has no repetition_type")
            }
            let childCount = Int(element.numChildren ?? 0)
            if element.type != nil && childCount == 0 {
                children.append(ElementNode(index: index, children: [], isLeaf: true))
                continue
            }
            guard childCount > 0 else {
                throw .unsupported("schema group '\(element.name)' has no children")
            }
            let grandchildren = try elementChildren(
                of: index,
                count: childCount,
                depth: depth + 1,
                next: &next,
                elements: elements
            )
            children.append(ElementNode(index: index, children: grandchildren, isLeaf: false))
        }
        return children
    }

    /// The path and physical type of every leaf, in file (column chunk) order.
    ///
    /// Checks only the tree's shape, not the types' annotations, so the footer can be validated
    /// even when a column's logical type is not supported.
    static func leafPaths(of elements: [SchemaElement]) throws(DecodeError) -> [(path: [String], type: PhysicalType)] {
        let root = try elementTree(elements)
        var leaves: [(path: [String], type: PhysicalType)] = []
        var path: [String] = []
        func walk(_ node: ElementNode) {
            let element = elements[node.index]
            path.append(element.name)
            if node.isLeaf, let type = element.type {
                leaves.append((path, type))
            } else {
                for child in node.children { walk(child) }
            }
            path.removeLast()
        }
        for child in root.children { walk(child) }
        return leaves
    }
}
