/// Whether the per-page bounds of a ``ColumnIndex`` are ordered (`BoundaryOrder`).
package enum BoundaryOrder: Sendable, Hashable {
    case unordered
    case ascending
    case descending
    /// A wire value this reader does not know; treat as unordered.
    case unknown(Int32)

    /// Creates the order for a wire value.
    package init(rawValue: Int32) {
        switch rawValue {
        case 0: self = .unordered
        case 1: self = .ascending
        case 2: self = .descending
        default: self = .unknown(rawValue)
        }
    }

    /// The wire value.
    package var rawValue: Int32 {
        switch self {
        case .unordered: 0
        case .ascending: 1
        case .descending: 2
        case .unknown(let value): value
        }
    }
}
