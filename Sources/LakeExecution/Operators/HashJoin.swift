import LakeColumnar

/// The joins the executor runs (SPEC.md §8.7).
///
/// `semi`, `anti`, `mark`, `nullAwareMark` and `single` are the subquery joins: they output the
/// left input's columns (`mark` kinds add one BOOLEAN column, `single` the right input's columns).
/// `nullAwareMark` and `single` always build the right side; `semi`, `anti` and `mark` may build
/// the left one, then they answer once every probe batch has reported its matches.
public enum JoinKind: String, Sendable {
    case inner = "INNER"
    case left = "LEFT"
    case right = "RIGHT"
    case full = "FULL"
    /// Left rows with at least one match (`EXISTS`, `IN` as a WHERE conjunct).
    case semi = "SEMI"
    /// Left rows without a match (`NOT EXISTS`).
    case anti = "ANTI"
    /// Left rows plus a BOOLEAN column: whether a right row matches (never NULL; `EXISTS` in an
    /// expression).
    case mark = "MARK"
    /// Left rows plus `key IN (right keys)` with SQL's NULL semantics: NULL when no match and the
    /// left key is NULL or a right key is NULL (and the right side is not empty).
    case nullAwareMark = "MARK_IN"
    /// A LEFT join where a left row may match at most one right row, else an error (scalar
    /// subqueries).
    case single = "SINGLE"

    /// Whether the output is the left columns (plus a mark), not left ++ right.
    public var isSubqueryJoin: Bool {
        switch self {
        case .semi, .anti, .mark, .nullAwareMark: true
        case .inner, .left, .right, .full, .single: false
        }
    }
}

/// Hash join on equality keys: the build side's rows go into a ``KeyTable`` with a chain per
/// key; each probe batch looks its keys up and gathers the matching pairs with `take`. Rows whose
/// key has a NULL never match. A residual condition is applied to the candidate pairs (a whole
/// batch of pairs at a time) before outer, semi, anti and mark joins decide which rows matched.
/// Without keys the candidate pairs are every probe row with every build row, produced in blocks
/// of about ``blockPairs`` pairs (a block nested-loop join, still evaluated vectorized).
final class HashJoiner: Sendable {
    let build: RecordBatch
    let buildKeys: [PhysicalExpression]
    let probeKeys: [PhysicalExpression]
    let residual: PhysicalExpression?
    let kind: JoinKind
    /// Whether the build side is the right input (then output is probe ++ build).
    let buildIsRight: Bool
    let schema: Schema
    /// Whether unmatched probe rows are output with NULLs for the build columns.
    let probeOuter: Bool
    /// Whether unmatched build rows are output (after every probe) with NULLs for the probe columns.
    let buildOuter: Bool
    /// Whether the output is made from the build rows' matches after the last probe batch
    /// (`semi`, `anti` or `mark` with the left side built).
    let answersFromBuild: Bool
    /// Whether probes report the build rows they matched (``buildOuter`` or ``answersFromBuild``).
    var tracksBuildRows: Bool { buildOuter || answersFromBuild }
    /// Whether some build key is NULL (for `nullAwareMark`).
    let buildHasNullKey: Bool
    private let table: KeyTable
    /// The fast path for one integer-like key.
    private let integerTable: IntegerKeyTable?
    private let first: [Int32]
    private let next: [Int32]
    /// The direct-indexed table for one integer-like key whose values span a small range: the
    /// chain head of key `k` is `directHeads[k - directBase]` (-1: no build row). Empty when unused.
    private let directHeads: [Int32]
    private let directBase: Int64
    /// Whether every build key occurs once (chains of one row: `next` is never followed).
    private let uniqueKeys: Bool
    /// For the hashed integer key: one bit per value of the build keys' range (bit `k - keyBase`
    /// is set when some build row has key `k`), so that most probe keys without a match skip the
    /// hash lookup. Empty when the range is too wide (then only the range is checked).
    private let keyBits: [UInt64]
    private let keyBase: Int64
    /// The number of values in the build keys' range (0 without valid build keys).
    private let keySpan: UInt64
    /// Candidate pairs per block of a join without keys.
    static let blockPairs = 65_536

    init(
        build: RecordBatch, buildKeys: [PhysicalExpression], probeKeys: [PhysicalExpression],
        residual: PhysicalExpression?, kind: JoinKind, buildIsRight: Bool, schema: Schema
    ) throws(ExecutionError) {
        self.build = build
        self.buildKeys = buildKeys
        self.probeKeys = probeKeys
        self.residual = residual
        self.kind = kind
        self.buildIsRight = buildIsRight
        self.schema = schema
        switch kind {
        case .left: (probeOuter, buildOuter) = buildIsRight ? (true, false) : (false, true)
        case .right: (probeOuter, buildOuter) = buildIsRight ? (false, true) : (true, false)
        case .full: (probeOuter, buildOuter) = (true, true)
        case .single: (probeOuter, buildOuter) = (true, false)
        case .inner, .semi, .anti, .mark, .nullAwareMark: (probeOuter, buildOuter) = (false, false)
        }
        answersFromBuild = !buildIsRight && (kind == .semi || kind == .anti || kind == .mark)
        if kind == .nullAwareMark || kind == .single {
            guard buildIsRight else { throw .failed("internal error: a \(kind.rawValue) join must build its right side") }
        }
        let columns = try buildKeys.map { (key) throws(ExecutionError) in try ExpressionEvaluator.evaluate(key, build) }
        var first: [Int32] = []
        var next = [Int32](repeating: -1, count: columns.isEmpty ? 0 : build.rowCount)
        var hasNull = false
        if columns.isEmpty {
            self.directHeads = []
            self.directBase = 0
            self.uniqueKeys = false
            (self.keyBits, self.keyBase, self.keySpan) = ([], 0, 0)
            self.integerTable = nil
            self.table = KeyTable(capacity: 0)
            self.first = []
            self.next = []
            self.buildHasNullKey = false
            return
        }
        if columns.count == 1, IntegerKeyTable.accepts(columns[0].dataType), let integers = IntegerKeyTable.integers(columns[0]),
            let direct = Self.directTable(integers)
        {
            self.integerTable = nil
            self.table = KeyTable(capacity: 0)
            self.first = []
            self.next = direct.next
            self.directHeads = direct.heads
            self.directBase = direct.base
            self.uniqueKeys = direct.unique
            (self.keyBits, self.keyBase, self.keySpan) = ([], 0, 0)
            self.buildHasNullKey = direct.hasNull
            return
        }
        if columns.count == 1, IntegerKeyTable.accepts(columns[0].dataType), let integers = IntegerKeyTable.integers(columns[0]) {
            var integerTable = IntegerKeyTable(capacity: build.rowCount)
            let validity = integers.validity
            var low = Int64.max
            var high = Int64.min
            integers.values.withUnsafeBufferPointer { values in
                for row in 0..<build.rowCount {
                    guard validity?.isValid(row) ?? true else {
                        hasNull = true
                        continue
                    }
                    low = min(low, values[row])
                    high = max(high, values[row])
                    let (id, isNew) = integerTable.findOrInsert(values[row])
                    if isNew {
                        first.append(Int32(row))
                    } else {
                        next[row] = first[id]
                        first[id] = Int32(row)
                    }
                }
            }
            self.directHeads = []
            self.directBase = 0
            self.uniqueKeys = false
            (self.keyBits, self.keyBase, self.keySpan) = Self.keyBitmap(integers, low: low, high: high)
            self.integerTable = integerTable
            self.table = KeyTable(capacity: 0)
            self.first = first
            self.next = next
            self.buildHasNullKey = hasNull
            return
        }
        self.directHeads = []
        self.directBase = 0
        self.uniqueKeys = false
        (self.keyBits, self.keyBase, self.keySpan) = ([], 0, 0)
        self.integerTable = nil
        let keys = RowKeys.encode(columns, rowCount: build.rowCount)
        var table = KeyTable(capacity: build.rowCount)
        keys.bytes.withUnsafeBufferPointer { bytes in
            for row in 0..<build.rowCount {
                guard !keys.hasNull[row] else {
                    hasNull = true
                    continue
                }
                let key = UnsafeBufferPointer(rebasing: bytes[keys.offsets[row]..<keys.offsets[row + 1]])
                let (id, isNew) = table.findOrInsert(key, hash: keys.hash(row))
                if isNew {
                    first.append(Int32(row))
                } else {
                    next[row] = first[id]
                    first[id] = Int32(row)
                }
            }
        }
        self.table = table
        self.first = first
        self.next = next
        self.buildHasNullKey = hasNull
    }

    /// The joined rows of one probe batch (build rows that must be remembered for an outer join
    /// on the build side are dropped; use ``probeTracking(_:)`` then).
    func probe(_ batch: RecordBatch) throws(ExecutionError) -> RecordBatch {
        try probeTracking(batch).batch
    }

    /// The joined rows of one probe batch and, when the build side is outer, the build rows that
    /// found a match.
    func probeTracking(_ batch: RecordBatch) throws(ExecutionError) -> (batch: RecordBatch, matchedBuildRows: [Int32]) {
        var probeRows: [Int32] = []
        var buildRows: [Int32] = []
        var probeKeyHasNull: [Bool] = []
        if buildKeys.isEmpty {
            // Block nested loop: every probe row with every build row, a block at a time.
            let buildCount = build.rowCount
            if buildCount > 0 && batch.rowCount > 0 {
                let rowsPerBlock = max(1, Self.blockPairs / buildCount)
                var start = 0
                while start < batch.rowCount {
                    let end = min(batch.rowCount, start + rowsPerBlock)
                    var blockProbe: [Int32] = []
                    var blockBuild: [Int32] = []
                    blockProbe.reserveCapacity((end - start) * buildCount)
                    blockBuild.reserveCapacity((end - start) * buildCount)
                    for row in start..<end {
                        for buildRow in 0..<buildCount {
                            blockProbe.append(Int32(truncatingIfNeeded: row))
                            blockBuild.append(Int32(truncatingIfNeeded: buildRow))
                        }
                    }
                    try applyResidual(batch, &blockProbe, &blockBuild)
                    probeRows.append(contentsOf: blockProbe)
                    buildRows.append(contentsOf: blockBuild)
                    start = end
                }
            }
        } else {
            let columns = try probeKeys.map { (key) throws(ExecutionError) in try ExpressionEvaluator.evaluate(key, batch) }
            if kind == .nullAwareMark { probeKeyHasNull = [Bool](repeating: false, count: batch.rowCount) }
            if !directHeads.isEmpty, let integers = IntegerKeyTable.integers(columns[0]) {
                probeDirect(integers, &probeRows, &buildRows, &probeKeyHasNull)
            } else if let integerTable, let integers = IntegerKeyTable.integers(columns[0]) {
                probeHashed(integers, integerTable, &probeRows, &buildRows, &probeKeyHasNull)
            } else {
                let keys = RowKeys.encode(columns, rowCount: batch.rowCount)
                let trackNulls = kind == .nullAwareMark
                keys.bytes.withUnsafeBufferPointer { bytes in
                    for row in 0..<batch.rowCount {
                        guard !keys.hasNull[row] else {
                            if trackNulls { probeKeyHasNull[row] = true }
                            continue
                        }
                        let key = UnsafeBufferPointer(rebasing: bytes[keys.offsets[row]..<keys.offsets[row + 1]])
                        guard let id = table.find(key, hash: keys.hash(row)) else { continue }
                        var match = first[id]
                        while match >= 0 {
                            probeRows.append(Int32(row))
                            buildRows.append(match)
                            match = next[Int(match)]
                        }
                    }
                }
            }
            try applyResidual(batch, &probeRows, &buildRows)
        }
        return try finish(batch, probeRows, buildRows, probeKeyHasNull)
    }

    /// Keeps the candidate pairs for which the residual is true.
    private func applyResidual(_ batch: RecordBatch, _ probeRows: inout [Int32], _ buildRows: inout [Int32])
        throws(ExecutionError)
    {
        guard let residual, !probeRows.isEmpty else { return }
        let pairs = pairBatch(batch, probeRows, buildRows)
        let keep = try ExpressionEvaluator.select(residual, pairs)
        if keep.count == probeRows.count { return }
        var keptProbe: [Int32] = []
        var keptBuild: [Int32] = []
        keptProbe.reserveCapacity(keep.count)
        keptBuild.reserveCapacity(keep.count)
        for index in keep {
            keptProbe.append(probeRows[Int(index)])
            keptBuild.append(buildRows[Int(index)])
        }
        probeRows = keptProbe
        buildRows = keptBuild
    }

    /// The output of one probe batch from its matching pairs (in probe-row order).
    private func finish(_ batch: RecordBatch, _ probeRows: [Int32], _ buildRows: [Int32], _ probeKeyHasNull: [Bool])
        throws(ExecutionError) -> (batch: RecordBatch, matchedBuildRows: [Int32])
    {
        let matchedBuild = tracksBuildRows ? buildRows : []
        if answersFromBuild { return (RecordBatch.concatenate([], schema: schema), matchedBuild) }
        switch kind {
        case .semi, .anti:
            var matched = [Bool](repeating: false, count: batch.rowCount)
            for row in probeRows { matched[Int(row)] = true }
            let wanted = kind == .semi
            var rows: [Int32] = []
            for row in 0..<batch.rowCount where matched[row] == wanted { rows.append(Int32(truncatingIfNeeded: row)) }
            if rows.count == batch.rowCount { return (RecordBatch(schema: schema, columns: batch.columns, rowCount: batch.rowCount), []) }
            let taken = rows.withUnsafeBufferPointer { batch.take($0) }
            return (RecordBatch(schema: schema, columns: taken.columns, rowCount: rows.count), [])
        case .mark, .nullAwareMark:
            var values = ContiguousArray<Bool>(repeating: false, count: batch.rowCount)
            for row in probeRows { values[Int(row)] = true }
            var validity: ValidityBitmap?
            if kind == .nullAwareMark && build.rowCount > 0 {
                var valid = [Bool](repeating: true, count: batch.rowCount)
                var anyNull = false
                for row in 0..<batch.rowCount where !values[row] {
                    if buildHasNullKey || (row < probeKeyHasNull.count && probeKeyHasNull[row]) {
                        valid[row] = false
                        anyNull = true
                    }
                }
                if anyNull { validity = ValidityBitmap(valid) }
            }
            let mark = Column.boolean(PrimitiveColumn(values: values, validity: validity))
            return (RecordBatch(schema: schema, columns: batch.columns + [mark], rowCount: batch.rowCount), [])
        case .single:
            var previous: Int32 = -1
            for row in probeRows {
                if row == previous {
                    throw .failed("more than one row returned by a subquery used as an expression")
                }
                previous = row
            }
        case .inner, .left, .right, .full:
            break
        }
        let joined = assemble(batch, probeRows, buildRows)
        guard probeOuter else { return (joined, matchedBuild) }
        var matched = [Bool](repeating: false, count: batch.rowCount)
        for row in probeRows { matched[Int(row)] = true }
        var unmatched: [Int32] = []
        for row in 0..<batch.rowCount where !matched[row] { unmatched.append(Int32(truncatingIfNeeded: row)) }
        guard !unmatched.isEmpty else { return (joined, matchedBuild) }
        let probePart = unmatched.withUnsafeBufferPointer { batch.take($0) }
        let nullColumns = build.schema.fields.map { Column.allNull($0.type, count: unmatched.count) }
        let columns = buildIsRight ? probePart.columns + nullColumns : nullColumns + probePart.columns
        let extra = RecordBatch(schema: schema, columns: columns, rowCount: unmatched.count)
        return (RecordBatch.concatenate([joined, extra], schema: schema), matchedBuild)
    }

    /// The build rows no probe row matched, with NULLs for the probe columns (outer joins whose
    /// outer side was built). `matched` has one flag per build row.
    func unmatchedBuildRows(_ matched: [Bool], probeSchema: Schema) -> RecordBatch {
        var rows: [Int32] = []
        for row in 0..<build.rowCount where !matched[row] { rows.append(Int32(truncatingIfNeeded: row)) }
        let buildPart = rows.withUnsafeBufferPointer { build.take($0) }
        let nullColumns = probeSchema.fields.map { Column.allNull($0.type, count: rows.count) }
        let columns = buildIsRight ? nullColumns + buildPart.columns : buildPart.columns + nullColumns
        return RecordBatch(schema: schema, columns: columns, rowCount: rows.count)
    }

    /// The answer of a `semi`, `anti` or `mark` join whose left side was built, once every probe
    /// batch has reported its matches (`matched` has one flag per build row).
    func answerFromBuild(_ matched: [Bool]) -> RecordBatch {
        if kind == .mark {
            let mark = Column.boolean(PrimitiveColumn(values: ContiguousArray(matched)))
            return RecordBatch(schema: schema, columns: build.columns + [mark], rowCount: build.rowCount)
        }
        let wanted = kind == .semi
        var rows: [Int32] = []
        for row in 0..<build.rowCount where matched[row] == wanted { rows.append(Int32(truncatingIfNeeded: row)) }
        let taken = rows.withUnsafeBufferPointer { build.take($0) }
        return RecordBatch(schema: schema, columns: taken.columns, rowCount: rows.count)
    }

    /// Probe and build columns of the candidate pairs, left input first (what residuals read).
    private func pairBatch(_ batch: RecordBatch, _ probeRows: [Int32], _ buildRows: [Int32]) -> RecordBatch {
        let probeColumns = probeRows.withUnsafeBufferPointer { rows in batch.columns.map { $0.take(rows) } }
        let buildColumns = buildRows.withUnsafeBufferPointer { rows in build.columns.map { $0.take(rows) } }
        let columns = buildIsRight ? probeColumns + buildColumns : buildColumns + probeColumns
        let fields = buildIsRight ? batch.schema.fields + build.schema.fields : build.schema.fields + batch.schema.fields
        return RecordBatch(schema: Schema(fields), columns: columns, rowCount: probeRows.count)
    }

    private func assemble(_ batch: RecordBatch, _ probeRows: [Int32], _ buildRows: [Int32]) -> RecordBatch {
        let probeColumns =
            Self.isIdentity(probeRows, batch.rowCount)
            ? batch.columns : probeRows.withUnsafeBufferPointer { rows in batch.columns.map { $0.take(rows) } }
        let buildColumns = buildRows.withUnsafeBufferPointer { rows in build.columns.map { $0.take(rows) } }
        let columns = buildIsRight ? probeColumns + buildColumns : buildColumns + probeColumns
        return RecordBatch(schema: schema, columns: columns, rowCount: probeRows.count)
    }
}

extension HashJoiner {
    /// The most slots per build row a direct-indexed table may have (plus ``directSlack``).
    static let directSlotsPerRow = 4
    /// Slots a direct-indexed table may always have, however few build rows.
    static let directSlack = 4096

    /// A direct-indexed table over `keys` (chain heads by `key - base`, links in `next`), or `nil`
    /// when the keys span more than ``directSlotsPerRow`` slots per build row.
    ///
    /// - Complexity: O(rows + span), one pass to find the range and one to link the rows.
    static func directTable(_ keys: PrimitiveColumn<Int64>)
        -> (heads: [Int32], next: [Int32], base: Int64, unique: Bool, hasNull: Bool)?
    {
        let rowCount = keys.count
        guard rowCount > 0, rowCount < Int(Int32.max) else { return nil }
        let validity = keys.validity
        var low = Int64.max
        var high = Int64.min
        keys.values.withUnsafeBufferPointer { values in
            if validity == nil {
                for row in 0..<rowCount {
                    low = min(low, values[row])
                    high = max(high, values[row])
                }
            } else {
                for row in 0..<rowCount where validity!.isValid(row) {
                    low = min(low, values[row])
                    high = max(high, values[row])
                }
            }
        }
        guard low <= high else { return nil }
        let (span, overflow) = high.subtractingReportingOverflow(low)
        guard !overflow, span < Int64(rowCount * directSlotsPerRow + directSlack) else { return nil }
        var heads = [Int32](repeating: -1, count: Int(span) + 1)
        var next = [Int32](repeating: -1, count: rowCount)
        var unique = true
        var hasNull = false
        keys.values.withUnsafeBufferPointer { values in
            heads.withUnsafeMutableBufferPointer { heads in
                next.withUnsafeMutableBufferPointer { next in
                    for row in 0..<rowCount {
                        if let validity, !validity.isValid(row) {
                            hasNull = true
                            continue
                        }
                        let slot = Int(truncatingIfNeeded: values[row] &- low)
                        let previous = heads[slot]
                        if previous >= 0 {
                            next[row] = previous
                            unique = false
                        }
                        heads[slot] = Int32(truncatingIfNeeded: row)
                    }
                }
            }
        }
        return (heads, next, low, unique, hasNull)
    }

    /// Looks the probe keys up in the direct-indexed table and appends the matching pairs (in
    /// probe-row order; a key's build rows latest first, like the hash chains).
    private func probeDirect(
        _ keys: PrimitiveColumn<Int64>, _ probeRows: inout [Int32], _ buildRows: inout [Int32],
        _ probeKeyHasNull: inout [Bool]
    ) {
        let rowCount = keys.count
        let validity = keys.validity
        let trackNulls = kind == .nullAwareMark
        let base = directBase
        let span = UInt64(directHeads.count)
        if uniqueKeys {
            // At most one match per probe row: write the pairs straight into sized buffers.
            var probeOut = [Int32](repeating: 0, count: rowCount)
            var buildOut = [Int32](repeating: 0, count: rowCount)
            var written = 0
            keys.values.withUnsafeBufferPointer { values in
                directHeads.withUnsafeBufferPointer { heads in
                    probeOut.withUnsafeMutableBufferPointer { probeOut in
                        buildOut.withUnsafeMutableBufferPointer { buildOut in
                            for row in 0..<rowCount {
                                if let validity, !validity.isValid(row) {
                                    if trackNulls { probeKeyHasNull[row] = true }
                                    continue
                                }
                                let slot = UInt64(bitPattern: values[row] &- base)
                                guard slot < span else { continue }
                                let match = heads[Int(truncatingIfNeeded: slot)]
                                probeOut[written] = Int32(truncatingIfNeeded: row)
                                buildOut[written] = match
                                written &+= match >= 0 ? 1 : 0
                            }
                        }
                    }
                }
            }
            probeOut.removeLast(rowCount - written)
            buildOut.removeLast(rowCount - written)
            probeRows = probeOut
            buildRows = buildOut
            return
        }
        probeRows.reserveCapacity(rowCount)
        buildRows.reserveCapacity(rowCount)
        keys.values.withUnsafeBufferPointer { values in
            directHeads.withUnsafeBufferPointer { heads in
                next.withUnsafeBufferPointer { next in
                    for row in 0..<rowCount {
                        if let validity, !validity.isValid(row) {
                            if trackNulls { probeKeyHasNull[row] = true }
                            continue
                        }
                        let slot = UInt64(bitPattern: values[row] &- base)
                        guard slot < span else { continue }
                        var match = heads[Int(truncatingIfNeeded: slot)]
                        while match >= 0 {
                            probeRows.append(Int32(truncatingIfNeeded: row))
                            buildRows.append(match)
                            match = next[Int(match)]
                        }
                    }
                }
            }
        }
    }

    /// The most bits a key bitmap may have: 8 MiB, and 32 bytes per build row plus 128 KiB (what
    /// the memory estimate of a joiner, 40 bytes per build row, leaves room for).
    static func keyBitmapLimit(rows: Int) -> UInt64 { min(1 << 26, UInt64(rows) * 256 + (1 << 20)) }

    /// The bitmap of the build keys over their range `low...high` (see ``keyBits``), empty when
    /// the range has more than ``keyBitmapLimit(rows:)`` values; with the range's base and size.
    static func keyBitmap(_ keys: PrimitiveColumn<Int64>, low: Int64, high: Int64)
        -> (bits: [UInt64], base: Int64, span: UInt64)
    {
        guard low <= high else { return ([], 0, 0) }
        let (difference, overflow) = high.subtractingReportingOverflow(low)
        guard !overflow, UInt64(difference) < keyBitmapLimit(rows: keys.count) else {
            // Too wide for a bitmap: still skip probe keys outside the range.
            return ([], low, overflow ? UInt64.max : UInt64(difference) &+ 1)
        }
        let span = UInt64(difference) + 1
        var bits = [UInt64](repeating: 0, count: Int((span + 63) >> 6))
        let validity = keys.validity
        keys.values.withUnsafeBufferPointer { values in
            bits.withUnsafeMutableBufferPointer { bits in
                for row in 0..<values.count {
                    if let validity, !validity.isValid(row) { continue }
                    let slot = UInt64(bitPattern: values[row] &- low)
                    bits[Int(truncatingIfNeeded: slot &>> 6)] |= 1 &<< (slot & 63)
                }
            }
        }
        return (bits, low, span)
    }

    /// Looks the probe keys up in the hashed integer table, after the key range and bitmap
    /// checks, and appends the matching pairs (in probe-row order).
    private func probeHashed(
        _ keys: PrimitiveColumn<Int64>, _ integerTable: IntegerKeyTable, _ probeRows: inout [Int32],
        _ buildRows: inout [Int32], _ probeKeyHasNull: inout [Bool]
    ) {
        let rowCount = keys.count
        let validity = keys.validity
        let trackNulls = kind == .nullAwareMark
        let base = keyBase
        let span = keySpan
        let hasBits = !keyBits.isEmpty
        keys.values.withUnsafeBufferPointer { values in
            keyBits.withUnsafeBufferPointer { bits in
                first.withUnsafeBufferPointer { first in
                    next.withUnsafeBufferPointer { next in
                        for row in 0..<rowCount {
                            if let validity, !validity.isValid(row) {
                                if trackNulls { probeKeyHasNull[row] = true }
                                continue
                            }
                            let slot = UInt64(bitPattern: values[row] &- base)
                            guard slot < span else { continue }
                            if hasBits, bits[Int(truncatingIfNeeded: slot &>> 6)] & (1 &<< (slot & 63)) == 0 { continue }
                            guard let id = integerTable.find(values[row]) else { continue }
                            var match = first[id]
                            while match >= 0 {
                                probeRows.append(Int32(truncatingIfNeeded: row))
                                buildRows.append(match)
                                match = next[Int(match)]
                            }
                        }
                    }
                }
            }
        }
    }

    /// Whether `rows` is 0, 1, …, `count - 1` (every probe row matched once, in order).
    static func isIdentity(_ rows: [Int32], _ count: Int) -> Bool {
        guard rows.count == count else { return false }
        return rows.withUnsafeBufferPointer { rows in
            var mismatch = false
            for index in 0..<count { mismatch = mismatch || rows[index] != Int32(truncatingIfNeeded: index) }
            return !mismatch
        }
    }
}

extension RecordBatch {
    /// One batch holding the rows of `batches` in order.
    public static func concatenate(_ batches: [RecordBatch], schema: Schema) -> RecordBatch {
        let nonEmpty = batches.filter { $0.rowCount > 0 }
        if nonEmpty.count == 1 { return RecordBatch(schema: schema, columns: nonEmpty[0].columns, rowCount: nonEmpty[0].rowCount) }
        if nonEmpty.isEmpty {
            return RecordBatch(schema: schema, columns: schema.fields.map { Column.allNull($0.type, count: 0) }, rowCount: 0)
        }
        let columns = (0..<schema.count).map { index in Column.concatenate(nonEmpty.map { $0.columns[index] }) }
        return RecordBatch(schema: schema, columns: columns, rowCount: nonEmpty.reduce(0) { $0 + $1.rowCount })
    }
}

/// One ORDER BY key.
public struct SortKey: Sendable {
    public var expression: PhysicalExpression
    public var descending: Bool
    public var nullsFirst: Bool

    public init(expression: PhysicalExpression, descending: Bool, nullsFirst: Bool) {
        self.expression = expression
        self.descending = descending
        self.nullsFirst = nullsFirst
    }
}

/// Sorting by normalized key bytes; with a limit, only the first `limit` rows are kept (top-N).
enum Sorter {
    static func sort(_ batch: RecordBatch, keys: [SortKey], limit: Int?) throws(ExecutionError) -> RecordBatch {
        let columns = try keys.map { (key) throws(ExecutionError) in try ExpressionEvaluator.evaluate(key.expression, batch) }
        let orders = keys.map { RowKeys.Order(descending: $0.descending, nullsFirst: $0.nullsFirst) }
        let encoded = RowKeys.encode(columns, rowCount: batch.rowCount, orders: orders)
        var rows = (0..<batch.rowCount).map { Int32($0) }
        encoded.bytes.withUnsafeBufferPointer { bytes in
            let offsets = encoded.offsets
            let less = { (a: Int32, b: Int32) -> Bool in
                let order = StringKernels.compareBytes(
                    bytes, offsets[Int(a)], offsets[Int(a) + 1], bytes, offsets[Int(b)], offsets[Int(b) + 1])
                return order < 0 || (order == 0 && a < b)
            }
            if let limit, limit < rows.count / 4 {
                // Top-N: keep a sorted prefix of `limit` rows.
                var top: [Int32] = []
                top.reserveCapacity(limit + 1)
                for row in rows {
                    if top.count == limit, let last = top.last, !less(row, last) { continue }
                    var low = 0
                    var high = top.count
                    while low < high {
                        let mid = (low + high) / 2
                        if less(top[mid], row) { low = mid + 1 } else { high = mid }
                    }
                    top.insert(row, at: low)
                    if top.count > limit { top.removeLast() }
                }
                rows = top
            } else {
                rows.sort(by: less)
                if let limit, rows.count > limit { rows.removeLast(rows.count - limit) }
            }
        }
        return rows.withUnsafeBufferPointer { batch.take($0) }
    }
}
