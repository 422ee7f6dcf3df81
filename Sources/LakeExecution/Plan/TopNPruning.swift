import LakeColumnar
import Synchronization

/// The running bound of a top-N (`ORDER BY k … LIMIT n`) on its first key: the n-th best of the
/// first keys of the morsels' top rows so far. No row whose key sorts strictly after it can be
/// among the first n, so a source skips the row groups whose statistics prove every key sorts
/// after it (SPEC.md §8.4).
public final class TopNThreshold: Sendable {
    /// The largest LIMIT pruned this way (each morsel merges its keys into the best ones).
    public static let maxLimit = 4_096
    /// The number of rows the top-N keeps.
    public let limit: Int
    /// Whether the first key is descending.
    public let descending: Bool
    /// Whether NULL keys sort first.
    public let nullsFirst: Bool
    /// Orders two key values (`nil`: not comparable); supplied by the source, which knows how
    /// its statistics compare.
    private let compare: @Sendable (ScalarValue, ScalarValue) -> Int?
    /// The best `limit` first keys offered so far, best first; the last is the bound once full.
    private let best = Mutex<[ScalarValue]>([])

    /// A threshold with no bound yet, for a top-N of `limit` rows.
    public init(
        limit: Int, descending: Bool, nullsFirst: Bool, compare: @escaping @Sendable (ScalarValue, ScalarValue) -> Int?
    ) {
        self.limit = limit
        self.descending = descending
        self.nullsFirst = nullsFirst
        self.compare = compare
    }

    /// Merges the first keys of a morsel's top rows into the best `limit` seen. NULL, and values
    /// the comparison cannot order (NaN), are left out, which only loosens the bound.
    public func offer(_ values: [ScalarValue]) {
        let candidates = values.filter { $0 != .null && compare($0, $0) != nil }
        guard !candidates.isEmpty else { return }
        best.withLock { best in
            var merged = best + candidates
            merged.sort { a, b in
                let order = compare(a, b) ?? 0
                return descending ? order > 0 : order < 0
            }
            best = Array(merged.prefix(limit))
        }
    }

    /// The bound: the `limit`-th best first key offered, once that many were.
    var bound: ScalarValue? {
        best.withLock { $0.count == limit ? $0.last : nil }
    }

    /// Whether a row group with these key statistics cannot hold any of the first n rows: every
    /// key sorts strictly after the bound, and no NULL key could sort before it.
    public func excludes(min: ScalarValue?, max: ScalarValue?, nullCount: Int64?) -> Bool {
        guard let bound else { return false }
        if nullsFirst && nullCount != 0 { return false }
        if descending {
            guard let max, let order = compare(max, bound) else { return false }
            return order < 0
        }
        guard let min, let order = compare(min, bound) else { return false }
        return order > 0
    }
}

/// A source that can skip parts by a top-N's running bound on one of its columns.
public protocol TopNPrunableSource: BatchSource {
    /// This source with its parts reordered (most promising first) and each part skipped when
    /// the returned threshold excludes it, for a top-N of `limit` rows whose first key is column
    /// `column`; `nil` when the column has no usable statistics.
    func pruning(column: Int, limit: Int, descending: Bool, nullsFirst: Bool) -> (
        source: any BatchSource, threshold: TopNThreshold
    )?
}

extension Executor {
    /// The source column a sort key reads through a pipeline's filters and projections, when
    /// the key is a plain column all the way down.
    static func sourceColumn(_ key: PhysicalExpression, _ stages: [PhysicalPlan]) -> Int? {
        guard case .column(var index, _) = key else { return nil }
        for stage in stages.reversed() {
            switch stage {
            case .filter: continue
            case .project(_, let expressions, _):
                guard index < expressions.count, case .column(let inner, _) = expressions[index] else { return nil }
                index = inner
            default: return nil
            }
        }
        return index
    }
}
