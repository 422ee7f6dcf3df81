import LakeColumnar

/// An error while executing a physical plan: arithmetic overflow, a failed cast, a failing source.
///
/// Messages follow SPEC.md §8: they say what happened; `help` says what to do.
public enum ExecutionError: LakeError, Equatable {
    /// Integer or decimal arithmetic, or a sum, left the range of its result type.
    case overflow(operation: String, type: DataType)
    /// A value could not be converted to the target type of a CAST.
    case conversion(value: String, from: DataType, to: DataType)
    /// A source or operator failed for a reason described in text.
    case failed(String)
    /// An operator that cannot spill needed more memory than `--memory-limit` allows (SPEC.md §8.9).
    case outOfMemoryBudget(operator: String, limit: Int)
    /// Writing or reading a spill file failed.
    case spill(String)

    public var description: String {
        switch self {
        case .overflow(let operation, let type): "overflow in \(operation) of \(type)"
        case .conversion(let value, let from, let to): "could not convert \(from) value \(value) to \(to)"
        case .failed(let reason): reason
        case .outOfMemoryBudget(let op, let limit):
            "out of memory budget: \(op) needs more than the memory limit of \(ValueFormatting.byteCount(Int64(limit)))"
        case .spill(let reason): "spilling to disk failed: \(reason)"
        }
    }

    public var help: String? {
        switch self {
        case .overflow: "Cast the operands to a wider type (BIGINT, DECIMAL(38, s) or DOUBLE) first."
        case .conversion: "Use TRY_CAST to get NULL for values that do not convert."
        case .failed: nil
        case .outOfMemoryBudget: "Raise the limit with --memory-limit (e.g. --memory-limit 4GB), or reduce the rows or columns the query keeps."
        case .spill: "Spill files go to --temp-directory (default $TMPDIR, else /tmp): make sure it exists, is writable and has free space."
        }
    }
}
