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

    public var description: String {
        switch self {
        case .overflow(let operation, let type): "overflow in \(operation) of \(type)"
        case .conversion(let value, let from, let to): "could not convert \(from) value \(value) to \(to)"
        case .failed(let reason): reason
        }
    }

    public var help: String? {
        switch self {
        case .overflow: "Cast the operands to a wider type (BIGINT, DECIMAL(38, s) or DOUBLE) first."
        case .conversion: "Use TRY_CAST to get NULL for values that do not convert."
        case .failed: nil
        }
    }
}
