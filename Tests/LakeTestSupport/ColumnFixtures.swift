import LakeColumnar

/// Columns built from scalar rows, and random fields and values, for tests of every module.
package enum ColumnFixtures {
    // MARK: Columns from scalar rows

    /// A column of `type` holding `rows`. Children of null struct rows get `junk(childType)`, and
    /// null list/map rows get `junkElements` elements, so tests see that the shredder ignores them.
    package static func column(
        _ type: DataType, _ rows: [ScalarValue], junk: ((Field) -> ScalarValue)? = nil,
        junkElements: ((Field) -> [ScalarValue])? = nil
    ) -> Column {
        let valid = rows.map { !$0.isNull }
        let validity = valid.contains(false) ? ValidityBitmap(valid) : nil
        func primitive<T>(_ convert: (ScalarValue) -> T, zero: T) -> PrimitiveColumn<T> {
            PrimitiveColumn(values: ContiguousArray(rows.map { $0.isNull ? zero : convert($0) }), validity: validity)
        }
        switch type {
        case .boolean:
            return .boolean(primitive({ if case .boolean(let v) = $0 { v } else { fatalError() } }, zero: false))
        case .int8: return .int8(primitive({ Int8(integer($0)) }, zero: 0))
        case .int16: return .int16(primitive({ Int16(integer($0)) }, zero: 0))
        case .int32: return .int32(primitive({ Int32(integer($0)) }, zero: 0))
        case .int64: return .int64(primitive({ integer($0) }, zero: 0))
        case .float32:
            return .float32(primitive({ if case .float32(let v) = $0 { v } else if case .float(let v) = $0 { Float(v) } else { fatalError() } }, zero: 0))
        case .float64: return .float64(primitive({ if case .float(let v) = $0 { v } else { fatalError() } }, zero: 0))
        case .decimal(let precision, let scale):
            let unscaled = primitive({ if case .decimal(let v, _) = $0 { v } else { fatalError() } }, zero: Int128(0))
            if precision <= 18 {
                let narrow = PrimitiveColumn(
                    values: ContiguousArray(unscaled.values.map { Int64($0) }), validity: validity)
                return .decimal64(narrow, precision: precision, scale: scale)
            }
            return .decimal128(unscaled, precision: precision, scale: scale)
        case .date: return .date(primitive({ if case .date(let v) = $0 { v } else { fatalError() } }, zero: 0))
        case .timestamp:
            return .timestamp(primitive({ if case .timestamp(let v) = $0 { v } else { fatalError() } }, zero: 0))
        case .timestampNTZ:
            return .timestampNTZ(primitive({ if case .timestampNTZ(let v) = $0 { v } else { fatalError() } }, zero: 0))
        case .time: return .time(primitive({ if case .time(let v) = $0 { v } else { fatalError() } }, zero: 0))
        case .string:
            return .string(StringColumn(rows.map { if case .string(let v) = $0 { v } else { nil } }))
        case .binary:
            var offsets: ContiguousArray<Int32> = [0]
            var bytes = ContiguousArray<UInt8>()
            for row in rows {
                if case .binary(let value) = row { bytes.append(contentsOf: value) }
                offsets.append(Int32(bytes.count))
            }
            return .binary(StringColumn(offsets: offsets, bytes: bytes, validity: validity))
        case .struct(let fields):
            let children = fields.indices.map { index in
                column(
                    fields[index].type,
                    rows.map { row in
                        if case .struct(let values) = row { return values[index] }
                        return junk?(fields[index]) ?? .null
                    }, junk: junk, junkElements: junkElements)
            }
            return .struct(StructColumn(fields: fields, children: children, count: rows.count, validity: validity))
        case .list(let element):
            var offsets: ContiguousArray<Int32> = [0]
            var elements: [ScalarValue] = []
            for row in rows {
                if case .list(let values) = row { elements += values } else { elements += junkElements?(element) ?? [] }
                offsets.append(Int32(elements.count))
            }
            let elementColumn = column(element.type, elements, junk: junk, junkElements: junkElements)
            return .list(ListColumn(element: element, offsets: offsets, elements: elementColumn, validity: validity))
        case .map(let key, let value):
            var offsets: ContiguousArray<Int32> = [0]
            var keys: [ScalarValue] = []
            var values: [ScalarValue] = []
            for row in rows {
                if case .map(let rowKeys, let rowValues) = row {
                    keys += rowKeys
                    values += rowValues
                }
                offsets.append(Int32(keys.count))
            }
            return .map(
                MapColumn(
                    key: key, value: value, offsets: offsets,
                    keys: column(key.type, keys, junk: junk, junkElements: junkElements),
                    values: column(value.type, values, junk: junk, junkElements: junkElements), validity: validity))
        }
    }

    private static func integer(_ value: ScalarValue) -> Int64 {
        if case .integer(let v) = value { return v }
        fatalError("not an integer: \(value)")
    }

    // MARK: Random data

    /// A random field: a leaf, or a struct/list/map up to `depth` levels deep.
    package static func randomField(name: String, depth: Int, using rng: inout some RandomNumberGenerator) -> Field {
        let leafTypes: [DataType] = [
            .boolean, .int8, .int16, .int32, .int64, .float32, .float64, .decimal(precision: 9, scale: 2),
            .decimal(precision: 25, scale: 3), .date, .timestamp, .string, .binary,
        ]
        let nullable = Bool.random(using: &rng)
        guard depth > 0, Int.random(in: 0..<3, using: &rng) > 0 else {
            return Field(name, leafTypes.randomElement(using: &rng)!, isNullable: nullable)
        }
        switch Int.random(in: 0..<3, using: &rng) {
        case 0:
            let count = Int.random(in: 1...3, using: &rng)
            let children = (0..<count).map { randomField(name: "\(name)_\($0)", depth: depth - 1, using: &rng) }
            return Field(name, .struct(children), isNullable: nullable)
        case 1:
            return Field(name, .list(randomField(name: "element", depth: depth - 1, using: &rng)), isNullable: nullable)
        default:
            let key = Field("key", [.string, .int32].randomElement(using: &rng)!, isNullable: false)
            return Field(
                name, .map(key: key, value: randomField(name: "value", depth: depth - 1, using: &rng)),
                isNullable: nullable)
        }
    }

    /// A random value of `field` (null only where the field is nullable, 1 in 4).
    package static func randomValue(_ field: Field, using rng: inout some RandomNumberGenerator) -> ScalarValue {
        if field.isNullable, Int.random(in: 0..<4, using: &rng) == 0 { return .null }
        return randomNonNull(field.type, using: &rng)
    }

    private static func randomNonNull(_ type: DataType, using rng: inout some RandomNumberGenerator) -> ScalarValue {
        switch type {
        case .boolean: return .boolean(Bool.random(using: &rng))
        case .int8: return .integer(Int64(Int8.random(in: .min ... .max, using: &rng)))
        case .int16: return .integer(Int64(Int16.random(in: .min ... .max, using: &rng)))
        case .int32: return .integer(Int64(Int32.random(in: -1000...1000, using: &rng)))
        case .int64: return .integer(Int64.random(in: .min ... .max, using: &rng))
        case .float32: return .float32(Float(Int.random(in: -100...100, using: &rng)) / 4)
        case .float64: return .float(Double.random(in: -1e6...1e6, using: &rng))
        case .decimal(let precision, let scale):
            let bound = precision <= 18 ? Int128(999_999_999) : Int128(Int64.max) * 1000
            return .decimal(Int128.random(in: -bound...bound, using: &rng), scale: scale)
        case .date: return .date(Int32.random(in: -100_000...100_000, using: &rng))
        case .timestamp: return .timestamp(Int64.random(in: -1 << 50...1 << 50, using: &rng))
        case .timestampNTZ: return .timestampNTZ(Int64.random(in: 0...1 << 50, using: &rng))
        case .time: return .time(Int64.random(in: 0..<86_400_000_000, using: &rng))
        case .string:
            let alphabet = ["a", "b", "é", "中", "😀", ""]
            return .string(
                (0..<Int.random(in: 0...4, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined())
        case .binary:
            return .binary((0..<Int.random(in: 0...5, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        case .struct(let fields): return .struct(fields.map { randomValue($0, using: &rng) })
        case .list(let element):
            return .list((0..<Int.random(in: 0...3, using: &rng)).map { _ in randomValue(element, using: &rng) })
        case .map(let key, let value):
            let count = Int.random(in: 0...3, using: &rng)
            return .map(
                keys: (0..<count).map { _ in randomValue(key, using: &rng) },
                values: (0..<count).map { _ in randomValue(value, using: &rng) })
        }
    }
}

/// A small deterministic generator (SplitMix64) so failures reproduce.
package struct TestRandom: RandomNumberGenerator {
    package var state: UInt64

    package init(state: UInt64) { self.state = state }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
