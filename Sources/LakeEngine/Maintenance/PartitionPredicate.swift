import LakeColumnar
import LakeDelta
import LakeSQL

/// A filter over a table's partition values, written in SQL (`lake compact --where`, SPEC.md §2.10).
///
/// It may name only partition columns and use comparisons (`= <> != < <= > >=`), `BETWEEN`, `IN`,
/// `IS [NOT] NULL`, `AND`, `OR`, `NOT` and literals; literals are read as the column's type the
/// way partition values are (`day = '2024-01-05'`, `hour >= 12`). Evaluation follows SQL's
/// three-valued logic, and a partition is selected only when the predicate is true.
public struct PartitionPredicate: Sendable {
    /// The text as given.
    public let text: String
    private let root: Node

    private indirect enum Node: Sendable {
        case column(name: String, type: DataType)
        case literal(ScalarValue)
        case compare(SQLBinaryOperator, Node, Node)
        case and(Node, Node)
        case or(Node, Node)
        case not(Node)
        case isNull(Node, negated: Bool)
        case inList(Node, [Node], negated: Bool)
    }

    /// Parses `text` against the table's `schema` and `partitionColumns`.
    ///
    /// - Throws: ``EngineError/invalidPartitionPredicate(text:reason:)`` for SQL that is not a
    ///   partition filter (a syntax error, a data column, a function, a literal that is not a value
    ///   of the column's type).
    public init(_ text: String, schema: Schema, partitionColumns: [String]) throws(EngineError) {
        let expression: SQLExpression
        do {
            expression = try Parser.parseExpression(text)
        } catch {
            throw .invalidPartitionPredicate(text: text, reason: "\(error)")
        }
        var columns: [String: DataType] = [:]
        for name in partitionColumns {
            if let field = schema.field(named: name) { columns[name.lowercased()] = field.type }
        }
        self.text = text
        self.root = try Self.build(expression, columns: columns, names: partitionColumns, text: text)
    }

    /// Whether a file with these `partitionValues` (Delta's text form) is selected.
    public func matches(_ partitionValues: [String: String?]) -> Bool {
        Self.evaluate(root, partitionValues) == true
    }

    // MARK: Building

    private static func build(
        _ expression: SQLExpression, columns: [String: DataType], names: [String], text: String
    ) throws(EngineError) -> Node {
        func fail(_ reason: String) -> EngineError { .invalidPartitionPredicate(text: text, reason: reason) }
        func sub(_ expression: SQLExpression) throws(EngineError) -> Node {
            try build(expression, columns: columns, names: names, text: text)
        }
        switch expression {
        case .column(let name, _):
            let key = name.description.lowercased()
            guard let type = columns[key], let original = names.first(where: { $0.lowercased() == key }) else {
                let list = names.isEmpty ? "the table is not partitioned" : "the partition columns are " + names.joined(separator: ", ")
                throw fail("'\(name)' is not a partition column; \(list)")
            }
            return .column(name: original, type: type)
        case .literal(let literal, _):
            return .literal(try untypedLiteral(literal, fail: fail))
        case .unary(.not, let operand, _):
            return .not(try sub(operand))
        case .unary(.negate, .literal(.integer(let digits), _), _):
            return .literal(.string("-" + digits))
        case .unary(.negate, .literal(.decimal(let digits), _), _):
            return .literal(.string("-" + digits))
        case .binary(let left, let op, let right, _):
            switch op {
            case .and: return .and(try sub(left), try sub(right))
            case .or: return .or(try sub(left), try sub(right))
            case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
                let (l, r) = try typedPair(try sub(left), try sub(right), fail: fail)
                return .compare(op, l, r)
            default: throw fail("'\(op.rawValue)' is not supported in a partition filter")
            }
        case .isNull(let operand, let negated, _):
            return .isNull(try sub(operand), negated: negated)
        case .between(let operand, let low, let high, let negated, _):
            let value = try sub(operand)
            let (l1, lowNode) = try typedPair(value, try sub(low), fail: fail)
            let (l2, highNode) = try typedPair(value, try sub(high), fail: fail)
            let node = Node.and(.compare(.greaterOrEqual, l1, lowNode), .compare(.lessOrEqual, l2, highNode))
            return negated ? .not(node) : node
        case .inList(let operand, let list, let negated, _):
            let value = try sub(operand)
            var items: [Node] = []
            for item in list {
                let (_, typed) = try typedPair(value, try sub(item), fail: fail)
                items.append(typed)
            }
            return .inList(value, items, negated: negated)
        default:
            throw fail(
                "only partition columns, literals, comparisons, BETWEEN, IN, IS NULL, AND, OR and NOT are allowed")
        }
    }

    /// A literal before it meets a column: text (numbers keep their digits) or NULL / a boolean.
    private static func untypedLiteral(
        _ literal: SQLLiteral, fail: (String) -> EngineError
    ) throws(EngineError) -> ScalarValue {
        switch literal {
        case .null: return .null
        case .boolean(let value): return .boolean(value)
        case .integer(let digits), .decimal(let digits), .string(let digits): return .string(digits)
        case .typed(_, let text): return .string(text)
        }
    }

    /// Converts an untyped literal on either side to the other side's column type.
    private static func typedPair(
        _ left: Node, _ right: Node, fail: (String) -> EngineError
    ) throws(EngineError) -> (Node, Node) {
        switch (left, right) {
        case (.column(_, let type), .literal(let value)): return (left, try typed(value, type, column: left, fail: fail))
        case (.literal(let value), .column(_, let type)): return (try typed(value, type, column: right, fail: fail), right)
        case (.column(_, let leftType), .column(let name, let rightType)) where leftType != rightType:
            throw fail("'\(name)' (\(rightType)) cannot be compared with a \(leftType) column")
        default: return (left, right)
        }
    }

    private static func typed(
        _ value: ScalarValue, _ type: DataType, column: Node, fail: (String) -> EngineError
    ) throws(EngineError) -> Node {
        let text: String
        switch value {
        case .null: return .literal(.null)
        case .boolean(let flag): text = flag ? "true" : "false"
        case .string(let string): text = string
        default: text = "\(value)"
        }
        guard let parsed = PartitionValue.parse(text, as: type), !parsed.isNull else {
            guard case .column(let name, _) = column else { throw fail("'\(text)' is not a value") }
            throw fail("'\(text)' is not a value of partition column '\(name)' (\(type))")
        }
        return .literal(parsed)
    }

    // MARK: Evaluation (three-valued: nil is unknown)

    private static func evaluate(_ node: Node, _ values: [String: String?]) -> Bool? {
        switch node {
        case .and(let left, let right):
            let l = evaluate(left, values)
            if l == false { return false }
            let r = evaluate(right, values)
            if r == false { return false }
            return l == true && r == true ? true : nil
        case .or(let left, let right):
            let l = evaluate(left, values)
            if l == true { return true }
            let r = evaluate(right, values)
            if r == true { return true }
            return l == false && r == false ? false : nil
        case .not(let operand):
            return evaluate(operand, values).map { !$0 }
        case .isNull(let operand, let negated):
            return value(operand, values).isNull != negated
        case .compare(let op, let left, let right):
            let l = value(left, values)
            let r = value(right, values)
            guard !l.isNull, !r.isNull, let order = compare(l, r) else { return nil }
            switch op {
            case .equal: return order == 0
            case .notEqual: return order != 0
            case .less: return order < 0
            case .lessOrEqual: return order <= 0
            case .greater: return order > 0
            case .greaterOrEqual: return order >= 0
            default: return nil
            }
        case .inList(let operand, let items, let negated):
            let l = value(operand, values)
            if l.isNull { return nil }
            var sawNull = false
            for item in items {
                let r = value(item, values)
                if r.isNull {
                    sawNull = true
                } else if compare(l, r) == 0 {
                    return !negated
                }
            }
            return sawNull ? nil : negated
        case .column, .literal:
            if case .boolean(let flag) = value(node, values) { return flag }
            return nil
        }
    }

    private static func value(_ node: Node, _ values: [String: String?]) -> ScalarValue {
        switch node {
        case .literal(let value): return value
        case .column(let name, let type):
            guard let text = values[name] ?? nil else { return .null }
            return PartitionValue.parse(text, as: type) ?? .null
        default:
            return evaluate(node, values).map { .boolean($0) } ?? .null
        }
    }

    /// The order of two non-null values of one type, or `nil` when they cannot be compared: the
    /// query engine's order (``Pruning/compare(_:_:)``), plus floats, which a partition value never
    /// leaves out the way statistics may leave out NaN.
    private static func compare(_ left: ScalarValue, _ right: ScalarValue) -> Int? {
        func order<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : a > b ? 1 : 0 }
        switch (left, right) {
        case (.float(let a), .float(let b)): return order(a, b)
        case (.float32(let a), .float32(let b)): return order(a, b)
        default: return Pruning.compare(left, right)
        }
    }
}
