/// A recursive-descent parser from tokens to statements (SPEC.md §8).
///
/// Operator precedence, loosest first: `OR`; `AND`; `NOT`; comparisons, `IS`, `BETWEEN`, `IN`,
/// `LIKE`; `||`; `+ -`; `* / %`; unary `- +`; `::`; primaries. Errors name what was expected and
/// what was found, at the found token's position.
public struct Parser {
    private var tokens: [Token]
    private var index = 0
    private let source: String
    /// How deeply expressions and queries nest right now; bounded so hostile SQL cannot exhaust the stack.
    private var depth = 0
    /// The deepest nesting accepted.
    static let maximumDepth = 256

    /// Words that end an expression or clause, so they are never taken as a bare alias.
    static let reserved: Set<String> = [
        "ALL", "AND", "ANTI", "AS", "ASC", "BETWEEN", "BY", "CASE", "CAST", "CROSS", "DESC", "DISTINCT", "ELSE",
        "END", "EXCEPT", "EXCLUDE", "EXISTS", "EXPLAIN", "FALSE", "FETCH", "FILTER", "FOR", "FROM", "FULL", "GROUP",
        "HAVING", "ILIKE", "IN", "INNER", "INTERSECT", "INTERVAL", "IS", "JOIN", "LEFT", "LIKE", "LIMIT", "NATURAL",
        "NOT", "NULL", "NULLS", "OFFSET", "ON", "OR", "ORDER", "OUTER", "OVER", "QUALIFY", "RIGHT", "SELECT",
        "SEMI", "THEN", "TIMESTAMP", "TRUE", "UNION", "USING", "VERSION", "WHEN", "WHERE", "WINDOW", "WITH",
    ]

    /// A parser over `source`.
    public init(_ source: String) throws(SQLError) {
        self.source = source
        do {
            self.tokens = try Lexer.tokenize(source)
        } catch {
            throw error.withExcerpt(from: source)
        }
    }

    /// Parses every statement of `source`, separated by `;` (empty statements are skipped).
    public static func parseStatements(_ source: String) throws(SQLError) -> [SQLStatement] {
        var parser = try Parser(source)
        do {
            return try parser.statements()
        } catch {
            throw error.withExcerpt(from: source)
        }
    }

    /// Parses exactly one statement.
    public static func parseStatement(_ source: String) throws(SQLError) -> SQLStatement {
        let statements = try parseStatements(source)
        guard statements.count == 1 else {
            let position = SourcePosition(line: 1, column: 1, offset: 0)
            throw SQLError(
                statements.isEmpty ? "no SQL statement given" : "expected one statement, found \(statements.count)",
                at: position, help: "Pass one statement.")
        }
        return statements[0]
    }

    /// Parses one expression (for `--where` options and tests).
    public static func parseExpression(_ source: String) throws(SQLError) -> SQLExpression {
        var parser = try Parser(source)
        do {
            let expression = try parser.expression()
            try parser.expectEnd()
            return expression
        } catch {
            throw error.withExcerpt(from: source)
        }
    }

    // MARK: Statements

    private mutating func statements() throws(SQLError) -> [SQLStatement] {
        var result: [SQLStatement] = []
        while true {
            while consumeSymbol(";") {}
            if current.kind == .end { return result }
            result.append(try statement())
            if current.kind == .end { return result }
            guard consumeSymbol(";") else { throw unexpected("\";\" or the end of the query") }
        }
    }

    private mutating func statement() throws(SQLError) -> SQLStatement {
        if consumeKeyword("EXPLAIN") {
            let analyze = consumeKeyword("ANALYZE")
            return .explain(try query(), analyze: analyze)
        }
        if current.isKeyword("OPTIMIZE") {
            let position = current.position
            advance()
            let table: SQLTableSource
            if case .string(let path) = current.kind {
                advance()
                table = .path(path)
            } else {
                table = .name(try dottedName("a table name or a quoted path"))
            }
            var predicate: SQLExpression?
            if consumeKeyword("WHERE") { predicate = try expression() }
            var columns: [SQLIdentifier] = []
            if consumeKeyword("ZORDER") {
                try expectKeyword("BY")
                let parenthesized = consumeSymbol("(")
                repeat { columns.append(try identifier("a column name")) } while consumeSymbol(",")
                if parenthesized { try expectSymbol(")") }
            }
            return .optimize(SQLOptimize(table: table, predicate: predicate, zOrderBy: columns, position: position))
        }
        if current.isKeyword("SET") || current.isKeyword("RESET") {
            let position = current.position
            let isReset = current.isKeyword("RESET")
            advance()
            if !consumeKeyword("SESSION") { _ = consumeKeyword("GLOBAL") }
            let name = try identifier("a setting name such as memory_limit").text.lowercased()
            if isReset { return .set(name: name, value: nil, position: position) }
            if !consumeSymbol("=") { try expectKeyword("TO") }
            let value: String
            switch current.kind {
            case .string(let text), .integer(let text), .decimal(let text), .word(let text): value = text
            default: throw unexpected("a value such as '500MB'")
            }
            advance()
            return .set(name: name, value: value, position: position)
        }
        guard current.isKeyword("SELECT") || current.isKeyword("WITH") || current.isSymbol("(") else {
            throw unexpected("a statement (SELECT, WITH, EXPLAIN, OPTIMIZE or SET)")
        }
        return .query(try query())
    }

    private mutating func expectEnd() throws(SQLError) {
        guard current.kind == .end else { throw unexpected("the end of the expression") }
    }

    // MARK: Queries

    mutating func query() throws(SQLError) -> SQLQuery {
        try enter()
        defer { depth -= 1 }
        var ctes: [SQLCommonTableExpression] = []
        if consumeKeyword("WITH") {
            _ = consumeKeyword("RECURSIVE")
            repeat {
                let position = current.position
                let name = try identifier("a name for the WITH query")
                var columns: [SQLIdentifier] = []
                if consumeSymbol("(") {
                    repeat { columns.append(try identifier("a column name")) } while consumeSymbol(",")
                    try expectSymbol(")")
                }
                try expectKeyword("AS")
                _ = consumeKeyword("MATERIALIZED")
                try expectSymbol("(")
                let inner = try query()
                try expectSymbol(")")
                ctes.append(SQLCommonTableExpression(name: name, columns: columns, query: inner, position: position))
            } while consumeSymbol(",")
        }
        var result = SQLQuery(with: ctes, body: try queryBody(minimumPrecedence: 0))
        if consumeKeyword("ORDER") {
            try expectKeyword("BY")
            if current.isKeyword("ALL") && !isFollowedByOperator() {
                advance()
                var item = SQLOrderItem(expression: .literal(.null, current.position))
                try orderModifiers(&item)
                result.orderByAll = item
            } else {
                result.orderBy = try orderItems()
            }
        }
        if consumeKeyword("LIMIT") {
            result.limit = try expression()
            if consumeSymbol(",") {  // LIMIT offset, count (MySQL/DuckDB)
                result.offset = result.limit
                result.limit = try expression()
            }
        }
        if consumeKeyword("OFFSET") {
            result.offset = try expression()
            _ = consumeKeyword("ROWS") || consumeKeyword("ROW")
        }
        return result
    }

    /// Set operations: INTERSECT binds tighter than UNION and EXCEPT.
    private mutating func queryBody(minimumPrecedence: Int) throws(SQLError) -> SQLQueryBody {
        var left = try queryPrimary()
        while true {
            let position = current.position
            let setOperator: SQLSetOperator
            if current.isKeyword("UNION") {
                setOperator = .union
            } else if current.isKeyword("EXCEPT") {
                setOperator = .except
            } else if current.isKeyword("INTERSECT") {
                setOperator = .intersect
            } else {
                return left
            }
            let precedence = setOperator == .intersect ? 2 : 1
            if precedence < minimumPrecedence { return left }
            advance()
            let all = consumeKeyword("ALL")
            if !all { _ = consumeKeyword("DISTINCT") }
            let right = try queryBody(minimumPrecedence: precedence + 1)
            left = .setOperation(setOperator, all: all, left, right, position)
        }
    }

    private mutating func queryPrimary() throws(SQLError) -> SQLQueryBody {
        if consumeSymbol("(") {
            let inner = try query()
            try expectSymbol(")")
            if inner.with.isEmpty, inner.orderBy.isEmpty, inner.orderByAll == nil, inner.limit == nil,
                inner.offset == nil
            {
                return inner.body
            }
            return .nested(inner)
        }
        return .select(try select())
    }

    private mutating func select() throws(SQLError) -> SelectStatement {
        let position = current.position
        try expectKeyword("SELECT")
        var statement = SelectStatement(items: [], position: position)
        if consumeKeyword("DISTINCT") {
            statement.isDistinct = true
        } else {
            _ = consumeKeyword("ALL")
        }
        repeat { statement.items.append(try selectItem()) } while consumeSymbol(",")
        if consumeKeyword("FROM") {
            repeat { statement.from.append(try tableReference()) } while consumeSymbol(",")
        }
        if consumeKeyword("WHERE") { statement.whereClause = try expression() }
        if consumeKeyword("GROUP") {
            try expectKeyword("BY")
            if current.isKeyword("ALL") && !isFollowedByOperator() {
                advance()
                statement.groupByAll = true
            } else {
                repeat { statement.groupBy.append(try expression()) } while consumeSymbol(",")
            }
        }
        if consumeKeyword("HAVING") { statement.having = try expression() }
        if consumeKeyword("WINDOW") {
            repeat {
                let name = try identifier("a window name")
                try expectKeyword("AS")
                try expectSymbol("(")
                statement.windows.append(SQLNamedWindow(name: name, specification: try windowSpecification()))
                try expectSymbol(")")
            } while consumeSymbol(",")
        }
        if consumeKeyword("QUALIFY") { statement.qualify = try expression() }
        return statement
    }

    private mutating func selectItem() throws(SQLError) -> SQLSelectItem {
        let position = current.position
        if current.isSymbol("*") {
            advance()
            return .wildcard(qualifier: nil, exclude: try excludeList(), position)
        }
        // `t.*`
        if isIdentifierToken(current), peek(1).isSymbol("."), peek(2).isSymbol("*") {
            let qualifier = try identifier("a table name")
            advance()
            advance()
            return .wildcard(qualifier: qualifier, exclude: try excludeList(), position)
        }
        let value = try expression()
        return .expression(value, alias: try alias())
    }

    private mutating func excludeList() throws(SQLError) -> [SQLIdentifier] {
        guard consumeKeyword("EXCLUDE") else { return [] }
        var names: [SQLIdentifier] = []
        if consumeSymbol("(") {
            repeat { names.append(try identifier("a column name")) } while consumeSymbol(",")
            try expectSymbol(")")
        } else {
            names.append(try identifier("a column name"))
        }
        return names
    }

    /// `[AS] alias`: after AS any identifier; without AS only a non-reserved word.
    private mutating func alias() throws(SQLError) -> SQLIdentifier? {
        if consumeKeyword("AS") { return try identifier("an alias") }
        switch current.kind {
        case .quotedIdentifier(let name):
            advance()
            return SQLIdentifier(name, isQuoted: true)
        case .word(let word) where !Self.reserved.contains(word.uppercased()):
            advance()
            return SQLIdentifier(word)
        default:
            return nil
        }
    }

    private mutating func orderItems() throws(SQLError) -> [SQLOrderItem] {
        var items: [SQLOrderItem] = []
        repeat {
            var item = SQLOrderItem(expression: try expression())
            try orderModifiers(&item)
            items.append(item)
        } while consumeSymbol(",")
        return items
    }

    private mutating func orderModifiers(_ item: inout SQLOrderItem) throws(SQLError) {
        if consumeKeyword("DESC") {
            item.ascending = false
        } else {
            _ = consumeKeyword("ASC")
        }
        if consumeKeyword("NULLS") {
            if consumeKeyword("FIRST") {
                item.nullsFirst = true
            } else if consumeKeyword("LAST") {
                item.nullsFirst = false
            } else {
                throw unexpected("FIRST or LAST after NULLS")
            }
        }
    }

    // MARK: FROM

    private mutating func tableReference() throws(SQLError) -> SQLTableReference {
        var left = try tablePrimary()
        while true {
            let position = current.position
            var kind: SQLJoinKind
            if consumeKeyword("CROSS") {
                try expectKeyword("JOIN")
                left = .join(left, .cross, try tablePrimary(), .none, position)
                continue
            } else if consumeKeyword("JOIN") {
                kind = .inner
            } else if consumeKeyword("INNER") {
                kind = .inner
                try expectKeyword("JOIN")
            } else if current.isKeyword("LEFT") || current.isKeyword("RIGHT") || current.isKeyword("FULL") {
                kind = current.isKeyword("LEFT") ? .left : current.isKeyword("RIGHT") ? .right : .full
                advance()
                _ = consumeKeyword("OUTER")
                try expectKeyword("JOIN")
            } else {
                return left
            }
            let right = try tablePrimary()
            let condition: SQLJoinCondition
            if consumeKeyword("ON") {
                condition = .on(try expression())
            } else if consumeKeyword("USING") {
                try expectSymbol("(")
                var names: [SQLIdentifier] = []
                repeat { names.append(try identifier("a column name")) } while consumeSymbol(",")
                try expectSymbol(")")
                condition = .using(names)
            } else {
                throw unexpected("ON or USING after the joined table")
            }
            left = .join(left, kind, right, condition, position)
        }
    }

    private mutating func tablePrimary() throws(SQLError) -> SQLTableReference {
        let position = current.position
        if consumeSymbol("(") {
            if current.isKeyword("SELECT") || current.isKeyword("WITH") {
                let inner = try query()
                try expectSymbol(")")
                return .subquery(inner, alias: try tableAlias(), position)
            }
            if current.isSymbol("(") {
                // `((SELECT …) UNION …)` is a query, `((a JOIN b) JOIN c)` a join: try the query first.
                var attempt = self
                if let inner = try? attempt.query(), attempt.consumeSymbol(")") {
                    self = attempt
                    return .subquery(inner, alias: try tableAlias(), position)
                }
            }
            let inner = try tableReference()
            try expectSymbol(")")
            return inner
        }
        let source: SQLTableSource
        if case .string(let path) = current.kind {
            advance()
            source = .path(path)
        } else {
            let name = try dottedName("a table name or a quoted path")
            if current.isSymbol("(") {
                let call = try functionCall(name: name, position: position)
                return .function(call, alias: try tableAlias())
            }
            source = .name(name)
        }
        var timeTravel: SQLTimeTravel?
        if current.isKeyword("VERSION") || (current.isKeyword("TIMESTAMP") && peek(1).isKeyword("AS")) {
            let isVersion = current.isKeyword("VERSION")
            advance()
            try expectKeyword("AS")
            try expectKeyword("OF")
            let value = try additive()
            timeTravel = isVersion ? .version(value) : .timestamp(value)
        }
        return .table(source, timeTravel: timeTravel, alias: try tableAlias(), position)
    }

    private mutating func tableAlias() throws(SQLError) -> SQLTableAlias? {
        guard let name = try alias() else { return nil }
        var columns: [SQLIdentifier] = []
        if consumeSymbol("(") {
            repeat { columns.append(try identifier("a column name")) } while consumeSymbol(",")
            try expectSymbol(")")
        }
        return SQLTableAlias(name: name, columns: columns)
    }

    // MARK: Expressions

    /// A full expression.
    mutating func expression() throws(SQLError) -> SQLExpression {
        try enter()
        defer { depth -= 1 }
        return try disjunction()
    }

    private mutating func enter() throws(SQLError) {
        depth += 1
        if depth > Self.maximumDepth {
            throw SQLError(
                "the query nests more than \(Self.maximumDepth) levels deep", at: current.position,
                help: "Simplify the query, e.g. with a WITH clause.")
        }
    }

    private mutating func disjunction() throws(SQLError) -> SQLExpression {
        var left = try conjunction()
        while current.isKeyword("OR") {
            let position = current.position
            advance()
            left = .binary(left, .or, try conjunction(), position)
        }
        return left
    }

    private mutating func conjunction() throws(SQLError) -> SQLExpression {
        var left = try negation()
        while current.isKeyword("AND") {
            let position = current.position
            advance()
            left = .binary(left, .and, try negation(), position)
        }
        return left
    }

    private mutating func negation() throws(SQLError) -> SQLExpression {
        if current.isKeyword("NOT") && !peek(1).isKeyword("EXISTS") {
            let position = current.position
            advance()
            try enter()
            defer { depth -= 1 }
            return .unary(.not, try negation(), position)
        }
        return try comparison()
    }

    private mutating func comparison() throws(SQLError) -> SQLExpression {
        var left = try concatenation()
        while true {
            let position = current.position
            if case .symbol(let symbol) = current.kind, let op = Self.comparisonOperators[symbol] {
                advance()
                left = .binary(left, op, try concatenation(), position)
                continue
            }
            if current.isKeyword("IS") {
                advance()
                let negated = consumeKeyword("NOT")
                if consumeKeyword("NULL") {
                    left = .isNull(left, negated: negated, position)
                } else if consumeKeyword("TRUE") {
                    left = .isBoolean(left, value: true, negated: negated, position)
                } else if consumeKeyword("FALSE") {
                    left = .isBoolean(left, value: false, negated: negated, position)
                } else if consumeKeyword("DISTINCT") {
                    try expectKeyword("FROM")
                    left = .isDistinctFrom(left, try concatenation(), negated: negated, position)
                } else {
                    throw unexpected("NULL, TRUE, FALSE or DISTINCT FROM after IS")
                }
                continue
            }
            let negated = current.isKeyword("NOT")
                && (peek(1).isKeyword("BETWEEN") || peek(1).isKeyword("IN") || peek(1).isKeyword("LIKE")
                    || peek(1).isKeyword("ILIKE"))
            if negated { advance() }
            if consumeKeyword("BETWEEN") {
                let low = try concatenation()
                try expectKeyword("AND")
                let high = try concatenation()
                left = .between(left, low: low, high: high, negated: negated, position)
            } else if consumeKeyword("IN") {
                try expectSymbol("(")
                if current.isKeyword("SELECT") || current.isKeyword("WITH") {
                    let inner = try query()
                    try expectSymbol(")")
                    left = .inSubquery(left, inner, negated: negated, position)
                } else {
                    var values: [SQLExpression] = []
                    repeat { values.append(try expression()) } while consumeSymbol(",")
                    try expectSymbol(")")
                    left = .inList(left, values, negated: negated, position)
                }
            } else if current.isKeyword("LIKE") || current.isKeyword("ILIKE") {
                let caseInsensitive = current.isKeyword("ILIKE")
                advance()
                let pattern = try concatenation()
                let escape = consumeKeyword("ESCAPE") ? try concatenation() : nil
                left = .like(
                    left, pattern: pattern, escape: escape, caseInsensitive: caseInsensitive, negated: negated,
                    position)
            } else {
                return left
            }
        }
    }

    private static let comparisonOperators: [String: SQLBinaryOperator] = [
        "=": .equal, "<>": .notEqual, "!=": .notEqual, "<": .less, "<=": .lessOrEqual, ">": .greater,
        ">=": .greaterOrEqual,
    ]

    private mutating func concatenation() throws(SQLError) -> SQLExpression {
        var left = try additive()
        while current.isSymbol("||") {
            let position = current.position
            advance()
            left = .binary(left, .concatenate, try additive(), position)
        }
        return left
    }

    private mutating func additive() throws(SQLError) -> SQLExpression {
        var left = try multiplicative()
        while current.isSymbol("+") || current.isSymbol("-") {
            let position = current.position
            let op: SQLBinaryOperator = current.isSymbol("+") ? .add : .subtract
            advance()
            left = .binary(left, op, try multiplicative(), position)
        }
        return left
    }

    private mutating func multiplicative() throws(SQLError) -> SQLExpression {
        var left = try unary()
        while current.isSymbol("*") || current.isSymbol("/") || current.isSymbol("%") {
            let position = current.position
            let op: SQLBinaryOperator = current.isSymbol("*") ? .multiply : current.isSymbol("/") ? .divide : .modulo
            advance()
            left = .binary(left, op, try unary(), position)
        }
        return left
    }

    private mutating func unary() throws(SQLError) -> SQLExpression {
        let position = current.position
        if current.isSymbol("-") || current.isSymbol("+") {
            let op: SQLUnaryOperator = current.isSymbol("-") ? .negate : .plus
            advance()
            try enter()
            defer { depth -= 1 }
            return .unary(op, try unary(), position)
        }
        return try postfix()
    }

    private mutating func postfix() throws(SQLError) -> SQLExpression {
        var value = try primary()
        while current.isSymbol("::") {
            let position = current.position
            advance()
            value = .cast(value, try typeName(), isTry: false, position)
        }
        return value
    }

    private mutating func primary() throws(SQLError) -> SQLExpression {
        let token = current
        let position = token.position
        switch token.kind {
        case .integer(let digits):
            advance()
            return .literal(.integer(digits), position)
        case .decimal(let text):
            advance()
            return .literal(.decimal(text), position)
        case .string(let text):
            advance()
            return .literal(.string(text), position)
        case .symbol("("):
            advance()
            if current.isKeyword("SELECT") || current.isKeyword("WITH") {
                let inner = try query()
                try expectSymbol(")")
                return .subquery(inner, position)
            }
            let inner = try expression()
            try expectSymbol(")")
            return inner
        case .symbol("*"):
            advance()
            return .star(qualifier: nil, position)
        case .quotedIdentifier:
            return try columnOrFunction()
        case .word(let word):
            switch word.uppercased() {
            case "NULL":
                advance()
                return .literal(.null, position)
            case "TRUE", "FALSE":
                advance()
                return .literal(.boolean(word.uppercased() == "TRUE"), position)
            case "CASE":
                return try caseExpression()
            case "CAST", "TRY_CAST":
                guard peek(1).isSymbol("(") else { return try columnOrFunction() }
                advance()
                try expectSymbol("(")
                let value = try expression()
                try expectKeyword("AS")
                let type = try typeName()
                try expectSymbol(")")
                return .cast(value, type, isTry: word.uppercased() == "TRY_CAST", position)
            case "EXISTS", "NOT":
                let negated = word.uppercased() == "NOT"
                if negated { advance() }
                try expectKeyword("EXISTS")
                try expectSymbol("(")
                let inner = try query()
                try expectSymbol(")")
                return .exists(inner, negated: negated, position)
            case "EXTRACT":
                guard peek(1).isSymbol("(") else { return try columnOrFunction() }
                advance()
                try expectSymbol("(")
                let field = try identifier("a date part (year, month, day, …)")
                try expectKeyword("FROM")
                let value = try expression()
                try expectSymbol(")")
                return .extract(field: field.text.lowercased(), value, position)
            case "INTERVAL":
                advance()
                return try interval(position)
            case "DATE", "TIMESTAMP", "TIME", "TIMESTAMPTZ":
                if case .string(let text) = peek(1).kind {
                    advance()
                    advance()
                    return .literal(.typed(type: word.uppercased(), text: text), position)
                }
                return try columnOrFunction()
            default:
                if Self.reserved.contains(word.uppercased()) {
                    throw unexpected("an expression")
                }
                return try columnOrFunction()
            }
        default:
            throw unexpected("an expression")
        }
    }

    private mutating func interval(_ position: SourcePosition) throws(SQLError) -> SQLExpression {
        let value: String
        switch current.kind {
        case .string(let text), .integer(let text), .decimal(let text):
            value = text
            advance()
        default:
            throw unexpected("an interval value such as '1 day' or 3 HOUR")
        }
        var unit: String?
        if case .word(let word) = current.kind, Self.intervalUnits.contains(word.uppercased()) {
            unit = word.uppercased()
            advance()
        }
        return .interval(value: value, unit: unit, position)
    }

    static let intervalUnits: Set<String> = [
        "YEAR", "YEARS", "MONTH", "MONTHS", "WEEK", "WEEKS", "DAY", "DAYS", "HOUR", "HOURS", "MINUTE", "MINUTES",
        "SECOND", "SECONDS", "MILLISECOND", "MILLISECONDS", "MICROSECOND", "MICROSECONDS", "QUARTER", "QUARTERS",
    ]

    private mutating func caseExpression() throws(SQLError) -> SQLExpression {
        let position = current.position
        advance()
        let operand = current.isKeyword("WHEN") ? nil : try expression()
        var branches: [SQLWhenBranch] = []
        while consumeKeyword("WHEN") {
            let condition = try expression()
            try expectKeyword("THEN")
            branches.append(SQLWhenBranch(condition: condition, result: try expression()))
        }
        if branches.isEmpty { throw unexpected("WHEN in CASE") }
        let otherwise = consumeKeyword("ELSE") ? try expression() : nil
        try expectKeyword("END")
        return .caseWhen(operand: operand, branches: branches, otherwise: otherwise, position)
    }

    private mutating func columnOrFunction() throws(SQLError) -> SQLExpression {
        let position = current.position
        var parts = [try identifier("a column name")]
        while current.isSymbol(".") {
            if peek(1).isSymbol("*") {
                advance()
                advance()
                guard parts.count == 1 else { throw SQLError("expected table.*", at: position) }
                return .star(qualifier: parts[0], position)
            }
            advance()
            parts.append(try identifier("a name after \".\""))
        }
        let name = SQLName(parts)
        if current.isSymbol("(") { return .function(try functionCall(name: name, position: position)) }
        return .column(name, position)
    }

    private mutating func functionCall(name: SQLName, position: SourcePosition) throws(SQLError) -> SQLFunctionCall {
        try expectSymbol("(")
        var call = SQLFunctionCall(name: name, arguments: [], position: position)
        if !current.isSymbol(")") {
            if consumeKeyword("DISTINCT") {
                call.isDistinct = true
            } else {
                _ = consumeKeyword("ALL")
            }
            repeat { call.arguments.append(try functionArgument()) } while consumeSymbol(",")
            if consumeKeyword("ORDER") {
                try expectKeyword("BY")
                call.orderBy = try orderItems()
            }
        }
        try expectSymbol(")")
        if consumeKeyword("FILTER") {
            try expectSymbol("(")
            try expectKeyword("WHERE")
            call.filter = try expression()
            try expectSymbol(")")
        }
        if consumeKeyword("OVER") {
            if current.isSymbol("(") {
                advance()
                call.window = try windowSpecification()
                try expectSymbol(")")
            } else {
                call.window = SQLWindowSpecification(base: try identifier("a window name or ("))
            }
        }
        return call
    }

    /// An argument; `name = value` and `name := value` (named parameters of table functions) become
    /// an equality, which the binder reads as a named argument.
    private mutating func functionArgument() throws(SQLError) -> SQLExpression {
        try expression()
    }

    private mutating func windowSpecification() throws(SQLError) -> SQLWindowSpecification {
        var specification = SQLWindowSpecification()
        if isIdentifierToken(current) && !current.isKeyword("PARTITION") && !current.isKeyword("ROWS")
            && !current.isKeyword("RANGE")
        {
            specification.base = try identifier("a window name")
        }
        if consumeKeyword("PARTITION") {
            try expectKeyword("BY")
            repeat { specification.partitionBy.append(try expression()) } while consumeSymbol(",")
        }
        if consumeKeyword("ORDER") {
            try expectKeyword("BY")
            specification.orderBy = try orderItems()
        }
        if current.isKeyword("ROWS") || current.isKeyword("RANGE") {
            let unit: SQLWindowFrame.Unit = current.isKeyword("ROWS") ? .rows : .range
            advance()
            if consumeKeyword("BETWEEN") {
                let start = try frameBound()
                try expectKeyword("AND")
                specification.frame = SQLWindowFrame(unit: unit, start: start, end: try frameBound())
            } else {
                specification.frame = SQLWindowFrame(unit: unit, start: try frameBound(), end: .currentRow)
            }
        }
        return specification
    }

    private mutating func frameBound() throws(SQLError) -> SQLWindowFrame.Bound {
        if consumeKeyword("UNBOUNDED") {
            if consumeKeyword("PRECEDING") { return .unboundedPreceding }
            if consumeKeyword("FOLLOWING") { return .unboundedFollowing }
            throw unexpected("PRECEDING or FOLLOWING")
        }
        if consumeKeyword("CURRENT") {
            try expectKeyword("ROW")
            return .currentRow
        }
        let offset = try additive()
        if consumeKeyword("PRECEDING") { return .preceding(offset) }
        if consumeKeyword("FOLLOWING") { return .following(offset) }
        throw unexpected("PRECEDING or FOLLOWING")
    }

    private mutating func typeName() throws(SQLError) -> SQLTypeName {
        let position = current.position
        var words = [try identifier("a type name").text.uppercased()]
        // Multi-word names: DOUBLE PRECISION, TIMESTAMP WITH[OUT] TIME ZONE, CHARACTER VARYING.
        while case .word(let word) = current.kind,
            ["PRECISION", "WITH", "WITHOUT", "TIME", "ZONE", "VARYING"].contains(word.uppercased())
        {
            words.append(word.uppercased())
            advance()
        }
        var parameters: [Int] = []
        if consumeSymbol("(") {
            repeat {
                guard case .integer(let digits) = current.kind, let value = Int(digits) else {
                    throw unexpected("a number")
                }
                parameters.append(value)
                advance()
            } while consumeSymbol(",")
            try expectSymbol(")")
        }
        return SQLTypeName(name: words.joined(separator: " "), parameters: parameters, position: position)
    }

    // MARK: Names

    private mutating func dottedName(_ what: String) throws(SQLError) -> SQLName {
        var parts = [try identifier(what)]
        while consumeSymbol(".") { parts.append(try identifier("a name after \".\"")) }
        return SQLName(parts)
    }

    private mutating func identifier(_ what: String) throws(SQLError) -> SQLIdentifier {
        switch current.kind {
        case .word(let word):
            advance()
            return SQLIdentifier(word)
        case .quotedIdentifier(let name):
            advance()
            return SQLIdentifier(name, isQuoted: true)
        default:
            throw unexpected(what)
        }
    }

    private func isIdentifierToken(_ token: Token) -> Bool {
        switch token.kind {
        case .word(let word): !Self.reserved.contains(word.uppercased())
        case .quotedIdentifier: true
        default: false
        }
    }

    /// Whether the token after the current one continues an expression (so `ALL` is a column).
    private func isFollowedByOperator() -> Bool {
        let next = peek(1)
        return next.isSymbol(".") || next.isSymbol("(") || next.isSymbol("+") || next.isSymbol("=")
    }

    // MARK: Token helpers

    private var current: Token { tokens[index] }

    private func peek(_ ahead: Int) -> Token { tokens[min(index + ahead, tokens.count - 1)] }

    private mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    private mutating func consumeKeyword(_ keyword: String) -> Bool {
        guard current.isKeyword(keyword) else { return false }
        advance()
        return true
    }

    private mutating func consumeSymbol(_ symbol: String) -> Bool {
        guard current.isSymbol(symbol) else { return false }
        advance()
        return true
    }

    private mutating func expectKeyword(_ keyword: String) throws(SQLError) {
        guard consumeKeyword(keyword) else { throw unexpected(keyword) }
    }

    private mutating func expectSymbol(_ symbol: String) throws(SQLError) {
        guard consumeSymbol(symbol) else { throw unexpected("\"\(symbol)\"") }
    }

    private func unexpected(_ expected: String) -> SQLError {
        SQLError("expected \(expected), found \(current.display)", at: current.position)
    }
}
