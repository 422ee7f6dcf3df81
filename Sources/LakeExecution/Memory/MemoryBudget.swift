import LakeColumnar
import Synchronization

/// The memory a query's blocking operators may hold at once (SPEC.md §8.9): hash-aggregation
/// tables, sort buffers and hash-join build sides reserve what they hold here. When a reservation
/// does not fit, the operator spills to a ``SpillFile`` and releases memory; an operator that
/// cannot spill stops the query with ``ExecutionError/outOfMemoryBudget(operator:limit:)``.
///
/// Shared by every worker of a query; reservations are atomic.
public final class MemoryBudget: Sendable {
    /// The limit in bytes.
    public let limit: Int
    /// Where spill files go (a directory); `nil` means `$TMPDIR`, else `/tmp`.
    public let spillDirectory: String?
    private let used = Atomic<Int>(0)
    private let peak = Atomic<Int>(0)
    private let spilled = Atomic<Int>(0)

    /// A budget of `limit` bytes (at least 1 MiB is sensible; any positive value is accepted).
    public init(limit: Int, spillDirectory: String? = nil) {
        self.limit = max(1, limit)
        self.spillDirectory = spillDirectory
    }

    /// No limit: nothing ever spills.
    public static var unlimited: MemoryBudget { MemoryBudget(limit: Int.max) }

    /// Bytes reserved now.
    public var usedBytes: Int { used.load(ordering: .relaxed) }
    /// The most bytes reserved at once.
    public var peakBytes: Int { peak.load(ordering: .relaxed) }
    /// Bytes written to spill files so far.
    public var spilledBytes: Int { spilled.load(ordering: .relaxed) }

    /// Reserves `bytes` if they fit under the limit; `false` (and nothing reserved) otherwise.
    public func tryReserve(_ bytes: Int) -> Bool {
        guard bytes > 0 else { return true }
        var current = used.load(ordering: .relaxed)
        while true {
            let (next, overflow) = current.addingReportingOverflow(bytes)
            if overflow || next > limit { return false }
            let (exchanged, original) = used.compareExchange(expected: current, desired: next, ordering: .relaxed)
            if exchanged {
                _ = peak.max(next, ordering: .relaxed)
                return true
            }
            current = original
        }
    }

    /// Reserves `bytes` or throws ``ExecutionError/outOfMemoryBudget(operator:limit:)`` naming `operator`.
    public func reserve(_ bytes: Int, for operator: String) throws(ExecutionError) {
        if !tryReserve(bytes) { throw .outOfMemoryBudget(operator: `operator`, limit: limit) }
    }

    /// Returns `bytes` reserved earlier.
    public func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        used.subtract(bytes, ordering: .relaxed)
    }

    func recordSpill(_ bytes: Int) { spilled.add(bytes, ordering: .relaxed) }
}

/// Memory held by one operator, kept in step with the budget: `update(to:)` reserves or releases
/// the difference. Not shared between threads (each worker has its own).
struct MemoryReservation: ~Copyable {
    let budget: MemoryBudget
    private(set) var bytes = 0

    init(_ budget: MemoryBudget) { self.budget = budget }

    /// Tries to hold `newBytes` in all; `false` when growing does not fit (nothing changes then).
    mutating func update(to newBytes: Int) -> Bool {
        if newBytes > bytes {
            guard budget.tryReserve(newBytes - bytes) else { return false }
        } else {
            budget.release(bytes - newBytes)
        }
        bytes = newBytes
        return true
    }

    /// Holds `newBytes`, or throws ``ExecutionError/outOfMemoryBudget(operator:limit:)``.
    mutating func require(_ newBytes: Int, for operator: String) throws(ExecutionError) {
        if !update(to: newBytes) { throw .outOfMemoryBudget(operator: `operator`, limit: budget.limit) }
    }

    mutating func releaseAll() { _ = update(to: 0) }

    deinit { budget.release(bytes) }
}

extension Column {
    /// The bytes the column's buffers take, approximately (values, offsets, validity).
    public var memoryBytes: Int {
        let validityBytes = validity.map { $0.words.count * 8 } ?? 0
        switch self {
        case .boolean(let c): return c.count + validityBytes
        case .int8(let c): return c.count + validityBytes
        case .int16(let c): return c.count * 2 + validityBytes
        case .int32(let c), .date(let c): return c.count * 4 + validityBytes
        case .int64(let c), .timestamp(let c), .timestampNTZ(let c), .time(let c), .decimal64(let c, _, _):
            return c.count * 8 + validityBytes
        case .float32(let c): return c.count * 4 + validityBytes
        case .float64(let c): return c.count * 8 + validityBytes
        case .decimal128(let c, _, _): return c.count * 16 + validityBytes
        case .string(let c), .binary(let c): return c.offsets.count * 4 + c.bytes.count + validityBytes
        case .struct(let c): return c.children.reduce(validityBytes) { $0 + $1.memoryBytes }
        case .list(let c): return c.offsets.count * 4 + c.elements.memoryBytes + validityBytes
        case .map(let c): return c.count * 16 + validityBytes
        }
    }
}

extension RecordBatch {
    /// The bytes the batch's columns take, approximately.
    public var memoryBytes: Int { columns.reduce(0) { $0 + $1.memoryBytes } }
}
