import LakeColumnar

/// A `lake generate` request that cannot be carried out (SPEC.md §2.9).
public enum GenerateError: LakeError, Equatable {
    /// `--rows` is negative.
    case negativeRowCount(Int)
    /// `--dirty` is outside 0…1.
    case dirtyFractionOutOfRange(Double)
    /// `--dirty` was given with `--format parquet`.
    case dirtyParquet

    public var description: String {
        switch self {
        case .negativeRowCount(let rows): "--rows must be 0 or more, not \(rows)"
        case .dirtyFractionOutOfRange(let fraction): "--dirty must be a fraction between 0 and 1, not \(fraction)"
        case .dirtyParquet: "--dirty cannot be used with --format parquet: Parquet columns are typed, so a file cannot hold bad values"
        }
    }

    public var help: String? {
        switch self {
        case .negativeRowCount: nil
        case .dirtyFractionOutOfRange: "Give e.g. --dirty 0.01 for 1% bad rows."
        case .dirtyParquet: "Use --format csv or --format jsonl for dirty data, or drop --dirty."
        }
    }
}
