import LakeColumnar

/// Evaluates a ``PhysicalExpression`` over one batch, a whole column at a time.
///
/// Each node switches on its input columns' types once per batch and hands typed buffers to a
/// kernel; no row is boxed. SQL NULL semantics: an operator's result is NULL where an input is,
/// except `AND`/`OR` (three-valued logic), `IS [NOT] NULL`, `COALESCE` and `CASE`.
public enum ExpressionEvaluator {
    /// The value of `expression` for every row of `batch`.
    public static func evaluate(_ expression: PhysicalExpression, _ batch: RecordBatch) throws(ExecutionError) -> Column {
        switch expression {
        case .column(let index, _):
            return batch.columns[index]
        case .literal(let value, let type):
            return Column.constant(value, type: type, count: batch.rowCount)
        case .cast(let operand, let type, let isTry):
            return try CastKernel.cast(try evaluate(operand, batch), to: type, isTry: isTry)
        case .call(let function, let arguments, let type):
            return try call(function, arguments, type: type, batch)
        }
    }

    /// Rows where `predicate` is true (not false, not NULL), as row indices.
    public static func select(_ predicate: PhysicalExpression, _ batch: RecordBatch) throws(ExecutionError) -> [Int32] {
        let column = try evaluate(predicate, batch)
        guard case .boolean(let flags) = column else { return [] }
        return selection(flags)
    }

    /// The indices of the true, valid rows of a boolean column, 64 rows per word.
    static func selection(_ flags: PrimitiveColumn<Bool>) -> [Int32] {
        let count = flags.count
        var result: [Int32] = []
        result.reserveCapacity(count)
        flags.values.withUnsafeBufferPointer { values in
            var start = 0
            while start < count {
                let end = min(start &+ 64, count)
                var word: UInt64 = 0
                for row in start..<end {
                    let bit: UInt64 = values[row] ? 1 : 0
                    word |= bit &<< UInt64(truncatingIfNeeded: row &- start)
                }
                if let validity = flags.validity { word &= validity.word(at: start &>> 6) }
                while word != 0 {
                    result.append(Int32(truncatingIfNeeded: start &+ word.trailingZeroBitCount))
                    word &= word &- 1
                }
                start = end
            }
        }
        return result
    }

    // MARK: - Dispatch

    static func call(
        _ function: ScalarFunction, _ arguments: [PhysicalExpression], type: DataType, _ batch: RecordBatch
    ) throws(ExecutionError) -> Column {
        switch function {
        case .and, .or:
            var result = try evaluate(arguments[0], batch)
            for argument in arguments.dropFirst() {
                result = logic(function, result, try evaluate(argument, batch))
            }
            return result
        case .inList, .notInList:
            let operand = try evaluate(arguments[0], batch)
            var result: Column?
            for argument in arguments.dropFirst() {
                var constantEqual: Column?
                if case .literal(let constant, _) = argument, !constant.isNull {
                    constantEqual = compareToConstant(.equal, operand, constant)
                }
                let equal: Column
                if let constantEqual {
                    equal = constantEqual
                } else {
                    equal = try compare(.equal, operand, try evaluate(argument, batch))
                }
                result = result.map { logic(.or, $0, equal) } ?? equal
            }
            guard let result else { return .constant(.boolean(function == .notInList), type: .boolean, count: batch.rowCount) }
            return function == .notInList ? not(result) : result
        case .caseWhen:
            return try caseWhen(arguments, type: type, batch)
        case .coalesce:
            let columns = try arguments.map { (argument) throws(ExecutionError) in try evaluate(argument, batch) }
            return coalesce(columns, type: type, count: batch.rowCount)
        default:
            break
        }
        if function == .equal || function == .notEqual || function == .less || function == .lessOrEqual
            || function == .greater || function == .greaterOrEqual, arguments.count == 2,
            case .literal(let constant, _) = arguments[1], !constant.isNull
        {
            let column = try evaluate(arguments[0], batch)
            if let result = compareToConstant(function, column, constant) { return result }
            return try compare(function, column, try evaluate(arguments[1], batch))
        }
        if type == .float64, arguments.count == 2, function == .add || function == .subtract || function == .multiply {
            // `1 - l_discount`: a DOUBLE constant is applied as a scalar, not materialized per row.
            if case .literal(.float(let constant), _) = arguments[0] {
                let right = try evaluate(arguments[1], batch)
                if case .float64(let column) = right { return .float64(Kernels.double(function, constant, column)) }
                return try arithmetic(function, try evaluate(arguments[0], batch), right, type: type)
            }
            if case .literal(.float(let constant), _) = arguments[1] {
                let left = try evaluate(arguments[0], batch)
                if case .float64(let column) = left { return .float64(Kernels.double(function, column, constant)) }
                return try arithmetic(function, left, try evaluate(arguments[1], batch), type: type)
            }
        }
        let values = try arguments.map { (argument) throws(ExecutionError) in try evaluate(argument, batch) }
        switch function {
        case .add, .subtract, .multiply, .divide, .modulo:
            return try arithmetic(function, values[0], values[1], type: type)
        case .negate:
            let zero = Column.constant(zeroValue(type), type: type, count: values[0].count)
            return try arithmetic(.subtract, zero, values[0], type: type)
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            return try compare(function, values[0], values[1])
        case .not:
            return not(values[0])
        case .isNull, .isNotNull:
            let count = values[0].count
            let wantNull = function == .isNull
            guard let validity = values[0].validity else {
                return .constant(.boolean(!wantNull), type: .boolean, count: count)
            }
            let flags = ContiguousArray<Bool>(unsafeUninitializedCapacity: count) { target, initialized in
                for row in 0..<count { target[row] = validity.isValid(row) != wantNull }
                initialized = count
            }
            return .boolean(PrimitiveColumn(values: flags))
        case .like, .notLike, .ilike, .notIlike:
            return StringKernels.like(function, values[0], arguments[1], escape: arguments.count > 2 ? arguments[2] : nil)
        case .concat, .lower, .upper, .length, .substr:
            return StringKernels.apply(function, values)
        case .abs, .round:
            return try NumericFunctions.apply(function, values, type: type)
        case .year, .month, .day, .hour, .minute, .second, .quarter, .dayofweek, .dayofyear, .epoch, .dateTrunc,
            .dateAddDays, .addInterval, .dateDiffDays:
            return try DateKernels.apply(function, values, arguments: arguments)
        default:
            return try MoreFunctions.apply(function, values, arguments: arguments, type: type)
        }
    }

    static func zeroValue(_ type: DataType) -> ScalarValue {
        switch type {
        case .float64: .float(0)
        case .float32: .float32(0)
        case .decimal(_, let scale): .decimal(0, scale: scale)
        default: .integer(0)
        }
    }

    // MARK: - Arithmetic

    static func arithmetic(_ function: ScalarFunction, _ left: Column, _ right: Column, type: DataType)
        throws(ExecutionError) -> Column
    {
        switch (left, right) {
        case (.int32(let l), .int32(let r)):
            if function == .divide { break }
            return .int32(try Kernels.integer(function, l, r, type: .int32))
        case (.int64(let l), .int64(let r)):
            if function == .divide { break }
            return .int64(try Kernels.integer(function, l, r, type: .int64))
        case (.int16(let l), .int16(let r)):
            return .int16(try Kernels.integer(function, l, r, type: .int16))
        case (.int8(let l), .int8(let r)):
            return .int8(try Kernels.integer(function, l, r, type: .int8))
        case (.float64(let l), .float64(let r)):
            return .float64(Kernels.double(function, l, r))
        default:
            break
        }
        if case .decimal(let precision, let scale) = type, let l = left.decimalValues, let r = right.decimalValues {
            return try Kernels.decimal(function, l, r, precision: precision, scale: scale)
        }
        // Division of non-doubles: compute in DOUBLE (the binder normally casts first).
        let l = try CastKernel.cast(left, to: .float64, isTry: false)
        let r = try CastKernel.cast(right, to: .float64, isTry: false)
        guard case .float64(let lv) = l, case .float64(let rv) = r else {
            throw .failed("cannot apply \(function.rawValue) to \(left.dataType) and \(right.dataType)")
        }
        return try CastKernel.cast(.float64(Kernels.double(function, lv, rv)), to: type, isTry: false)
    }

    // MARK: - Comparison

    @inline(__always)
    static func comparePrimitive<T: Comparable>(
        _ function: ScalarFunction, _ l: PrimitiveColumn<T>, _ r: PrimitiveColumn<T>
    ) -> PrimitiveColumn<Bool> {
        switch function {
        case .equal: Kernels.map2(l, r, ==)
        case .notEqual: Kernels.map2(l, r, !=)
        case .less: Kernels.map2(l, r, <)
        case .lessOrEqual: Kernels.map2(l, r, <=)
        case .greater: Kernels.map2(l, r, >)
        default: Kernels.map2(l, r, >=)
        }
    }

    static func compare(_ function: ScalarFunction, _ left: Column, _ right: Column) throws(ExecutionError) -> Column {
        switch (left, right) {
        case (.int32(let l), .int32(let r)), (.date(let l), .date(let r)): return .boolean(comparePrimitive(function, l, r))
        case (.int64(let l), .int64(let r)), (.timestamp(let l), .timestamp(let r)),
            (.timestampNTZ(let l), .timestampNTZ(let r)), (.time(let l), .time(let r)):
            return .boolean(comparePrimitive(function, l, r))
        case (.float64(let l), .float64(let r)):
            return .boolean(comparePrimitive(function, Kernels.map1(l, TotalDouble.init), Kernels.map1(r, TotalDouble.init)))
        case (.float32(let l), .float32(let r)):
            return .boolean(
                comparePrimitive(function, Kernels.map1(l) { TotalDouble(Double($0)) }, Kernels.map1(r) { TotalDouble(Double($0)) }))
        case (.int16(let l), .int16(let r)): return .boolean(comparePrimitive(function, l, r))
        case (.int8(let l), .int8(let r)): return .boolean(comparePrimitive(function, l, r))
        case (.decimal64(let l, _, _), .decimal64(let r, _, _)): return .boolean(comparePrimitive(function, l, r))
        case (.boolean(let l), .boolean(let r)):
            return .boolean(comparePrimitive(function, Kernels.map1(l) { $0 ? 1 : 0 as UInt8 }, Kernels.map1(r) { $0 ? 1 : 0 as UInt8 }))
        case (.string(let l), .string(let r)), (.binary(let l), .binary(let r)):
            return .boolean(StringKernels.compare(function, l, r))
        default:
            if let l = left.decimalValues, let r = right.decimalValues { return .boolean(comparePrimitive(function, l, r)) }
            throw .failed("cannot compare \(left.dataType) with \(right.dataType)")
        }
    }

    /// `column op constant` without materializing the constant; `nil` for the combinations
    /// that go through ``compare(_:_:_:)``.
    static func compareToConstant(_ function: ScalarFunction, _ column: Column, _ constant: ScalarValue) -> Column? {
        @inline(__always)
        func against<T: Comparable>(_ c: PrimitiveColumn<T>, _ v: T) -> Column {
            switch function {
            case .equal: .boolean(Kernels.map1(c) { $0 == v })
            case .notEqual: .boolean(Kernels.map1(c) { $0 != v })
            case .less: .boolean(Kernels.map1(c) { $0 < v })
            case .lessOrEqual: .boolean(Kernels.map1(c) { $0 <= v })
            case .greater: .boolean(Kernels.map1(c) { $0 > v })
            default: .boolean(Kernels.map1(c) { $0 >= v })
            }
        }
        switch (column, constant) {
        case (.int32(let c), .integer(let v)):
            guard let narrow = Int32(exactly: v) else { return nil }
            return against(c, narrow)
        case (.date(let c), .date(let v)): return against(c, v)
        case (.int64(let c), .integer(let v)): return against(c, v)
        case (.timestamp(let c), .timestamp(let v)), (.timestampNTZ(let c), .timestampNTZ(let v)),
            (.timestamp(let c), .timestampNTZ(let v)), (.timestampNTZ(let c), .timestamp(let v)):
            return against(c, v)
        case (.float64(let c), .float(let v)):
            if v.isNaN { return nil }
            // Against a number, NaN rows sort above everything (SQL total order).
            switch function {
            case .equal: return .boolean(Kernels.map1(c) { $0 == v })
            case .notEqual: return .boolean(Kernels.map1(c) { !($0 == v) })
            case .less: return .boolean(Kernels.map1(c) { $0 < v })
            case .lessOrEqual: return .boolean(Kernels.map1(c) { $0 <= v })
            case .greater: return .boolean(Kernels.map1(c) { $0 > v || $0.isNaN })
            default: return .boolean(Kernels.map1(c) { $0 >= v || $0.isNaN })
            }
        case (.decimal64(let c, _, let scale), .decimal(let v, let valueScale)) where scale == valueScale:
            guard let narrow = Int64(exactly: v) else { return nil }
            return against(c, narrow)
        case (.string(let c), .string(let text)):
            let constant = Array(text.utf8)
            let count = c.count
            let values = ContiguousArray<Bool>(unsafeUninitializedCapacity: count) { target, initialized in
                c.withRows { offsets, bytes in
                    constant.withUnsafeBufferPointer { k in
                        for row in 0..<count {
                            let start = Int(offsets[row])
                            let end = Int(offsets[row + 1])
                            let order: Int
                            if function == .equal || function == .notEqual, end - start != k.count {
                                order = 1
                            } else {
                                order = StringKernels.compareBytes(bytes, start, end, k, 0, k.count)
                            }
                            switch function {
                            case .equal: target[row] = order == 0
                            case .notEqual: target[row] = order != 0
                            case .less: target[row] = order < 0
                            case .lessOrEqual: target[row] = order <= 0
                            case .greater: target[row] = order > 0
                            default: target[row] = order >= 0
                            }
                        }
                    }
                }
                initialized = count
            }
            return .boolean(PrimitiveColumn(values: values, validity: c.validity))
        default:
            return nil
        }
    }

    // MARK: - Logic

    /// Three-valued AND / OR.
    static func logic(_ function: ScalarFunction, _ left: Column, _ right: Column) -> Column {
        guard case .boolean(let l) = left, case .boolean(let r) = right else { return left }
        let count = l.count
        if l.validity == nil && r.validity == nil {
            return .boolean(function == .and ? Kernels.map2(l, r) { $0 && $1 } : Kernels.map2(l, r) { $0 || $1 })
        }
        var values = ContiguousArray<Bool>(repeating: false, count: count)
        var valid = ContiguousArray<Bool>(repeating: true, count: count)
        let isAnd = function == .and
        for row in 0..<count {
            let lv = l.validity?.isValid(row) ?? true
            let rv = r.validity?.isValid(row) ?? true
            let lx = l.values[row]
            let rx = r.values[row]
            if isAnd {
                valid[row] = (lv && rv) || (lv && !lx) || (rv && !rx)
                values[row] = (lv ? lx : true) && (rv ? rx : true)
            } else {
                valid[row] = (lv && rv) || (lv && lx) || (rv && rx)
                values[row] = (lv && lx) || (rv && rx)
            }
        }
        return .boolean(PrimitiveColumn(values: values, validity: valid.contains(false) ? ValidityBitmap(valid) : nil))
    }

    static func not(_ column: Column) -> Column {
        guard case .boolean(let flags) = column else { return column }
        return .boolean(Kernels.map1(flags) { !$0 })
    }

    // MARK: - CASE and COALESCE

    static func caseWhen(_ arguments: [PhysicalExpression], type: DataType, _ batch: RecordBatch)
        throws(ExecutionError) -> Column
    {
        let count = batch.rowCount
        let branchCount = arguments.count / 2
        var choice = ContiguousArray<Int32>(repeating: -1, count: count)
        var undecided = count
        var results: [Column] = []
        for branch in 0..<branchCount {
            let condition = try evaluate(arguments[branch * 2], batch)
            results.append(try evaluate(arguments[branch * 2 + 1], batch))
            guard case .boolean(let flags) = condition else { continue }
            for row in selection(flags) where choice[Int(row)] < 0 {
                choice[Int(row)] = Int32(branch)
                undecided -= 1
            }
            if undecided == 0 { break }
        }
        if arguments.count % 2 == 1 {
            let otherwise = try evaluate(arguments[arguments.count - 1], batch)
            results.append(otherwise)
            let index = Int32(results.count - 1)
            for row in 0..<count where choice[row] < 0 { choice[row] = index }
        }
        while results.count < branchCount { results.append(.allNull(type, count: count)) }
        return Gather.choose(results, choice: choice, type: type, count: count)
    }

    static func coalesce(_ columns: [Column], type: DataType, count: Int) -> Column {
        var choice = ContiguousArray<Int32>(repeating: -1, count: count)
        for (index, column) in columns.enumerated().reversed() {
            guard let validity = column.validity else {
                for row in 0..<count { choice[row] = Int32(index) }
                continue
            }
            for row in 0..<count where validity.isValid(row) { choice[row] = Int32(index) }
        }
        return Gather.choose(columns, choice: choice, type: type, count: count)
    }
}

/// Row-wise choice between columns of one type: `result[row] = columns[choice[row]][row]`, NULL
/// where the choice is negative.
enum Gather {
    static func choose(_ columns: [Column], choice: ContiguousArray<Int32>, type: DataType, count: Int) -> Column {
        guard let first = columns.first else { return .allNull(type, count: count) }
        func primitive<T>(_ extract: (Column) -> PrimitiveColumn<T>?) -> PrimitiveColumn<T> {
            let typed = columns.map { extract($0)! }
            var valid = ContiguousArray<Bool>(repeating: true, count: count)
            var values = ContiguousArray<T>()
            values.reserveCapacity(count)
            let fallback = typed[0].values.first
            for row in 0..<count {
                let index = Int(choice[row])
                if index < 0 {
                    valid[row] = false
                    if let fallback { values.append(fallback) } else { values.append(typed[0].values[0]) }
                } else {
                    let column = typed[index]
                    values.append(column.values[row])
                    if let validity = column.validity, !validity.isValid(row) { valid[row] = false }
                }
            }
            return PrimitiveColumn(values: values, validity: valid.contains(false) ? ValidityBitmap(valid) : nil)
        }
        switch first {
        case .boolean: return .boolean(primitive { if case .boolean(let c) = $0 { c } else { nil } })
        case .int8: return .int8(primitive { if case .int8(let c) = $0 { c } else { nil } })
        case .int16: return .int16(primitive { if case .int16(let c) = $0 { c } else { nil } })
        case .int32: return .int32(primitive { if case .int32(let c) = $0 { c } else { nil } })
        case .int64: return .int64(primitive { if case .int64(let c) = $0 { c } else { nil } })
        case .float32: return .float32(primitive { if case .float32(let c) = $0 { c } else { nil } })
        case .float64: return .float64(primitive { if case .float64(let c) = $0 { c } else { nil } })
        case .date: return .date(primitive { if case .date(let c) = $0 { c } else { nil } })
        case .timestamp: return .timestamp(primitive { if case .timestamp(let c) = $0 { c } else { nil } })
        case .timestampNTZ: return .timestampNTZ(primitive { if case .timestampNTZ(let c) = $0 { c } else { nil } })
        case .time: return .time(primitive { if case .time(let c) = $0 { c } else { nil } })
        case .decimal64, .decimal128:
            guard case .decimal(let precision, let scale) = type else { return .allNull(type, count: count) }
            let wide = primitive { $0.decimalValues }
            return .decimal(wide.values, validity: wide.validity, precision: precision, scale: scale)
        case .string, .binary:
            let typed = columns.map { column -> StringColumn in
                if case .string(let c) = column { return c }
                if case .binary(let c) = column { return c }
                return StringColumn(offsets: ContiguousArray(repeating: 0, count: count + 1), bytes: [])
            }
            var builder = StringColumnBuilder(capacity: count)
            for row in 0..<count {
                let index = Int(choice[row])
                guard index >= 0, typed[index].isValid(row) else {
                    builder.appendNull()
                    continue
                }
                let column = typed[index]
                builder.append(contentsOf: column.bytes[column.byteRange(row)])
            }
            if case .binary = first { return .binary(builder.finish()) }
            return .string(builder.finish())
        default:
            return .allNull(type, count: count)
        }
    }
}

/// A double in SQL's total order: NaN equals NaN and is greater than every other value; -0.0
/// equals 0.0 (DuckDB, Postgres).
struct TotalDouble: Comparable {
    let value: Double

    @inline(__always) init(_ value: Double) { self.value = value }

    @inline(__always) static func == (a: TotalDouble, b: TotalDouble) -> Bool {
        a.value == b.value || (a.value.isNaN && b.value.isNaN)
    }

    @inline(__always) static func < (a: TotalDouble, b: TotalDouble) -> Bool {
        if a.value.isNaN { return false }
        if b.value.isNaN { return true }
        return a.value < b.value
    }
}
