import LakeColumnar
import LakeDelta

/// Which version of a table to read: the latest, a version number, or the version current at a time.
///
/// `--version N` is `VERSION AS OF N`; `--as-of TS` is `TIMESTAMP AS OF TS` (SPEC.md §6.5, §2.2).
public enum TableVersion: Sendable, Equatable {
    /// The latest version.
    case latest
    /// `VERSION AS OF n`.
    case version(Int64)
    /// `TIMESTAMP AS OF t`, in milliseconds since the epoch.
    case timestamp(Int64)

    /// The request `--version` and `--as-of` make; at most one of them may be given.
    ///
    /// - Throws: ``EngineError/invalidTimestamp(_:)`` when `asOf` is not a time.
    public init(version: Int64?, asOf: String?) throws(EngineError) {
        if let version {
            self = .version(version)
        } else if let asOf {
            guard let millis = Self.parseTime(asOf) else { throw .invalidTimestamp(asOf) }
            self = .timestamp(millis)
        } else {
            self = .latest
        }
    }

    /// Parses a point in time into milliseconds since the epoch, or returns `nil`.
    ///
    /// Accepted: an integer (milliseconds since the epoch); a date `YYYY-MM-DD` (its midnight, UTC);
    /// a timestamp `YYYY-MM-DD[ T]HH:MM[:SS[.fraction]]` with an optional `Z` or `±HH[:MM]` zone
    /// (no zone: UTC, as partition values are read, SPEC.md §6.3). Sub-millisecond digits round down.
    public static func parseTime(_ text: String) -> Int64? {
        var trimmed = Substring(text)
        while trimmed.first == " " { trimmed = trimmed.dropFirst() }
        while trimmed.last == " " { trimmed = trimmed.dropLast() }
        guard !trimmed.isEmpty else { return nil }
        let digits = trimmed.first == "-" ? trimmed.dropFirst() : trimmed
        if !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            return Int64(trimmed)
        }
        if trimmed.utf8.count == 10, case .date(let days)? = PartitionValue.parse(String(trimmed), as: .date) {
            return Int64(days) * 86_400_000
        }
        guard case .timestamp(let micros)? = PartitionValue.parse(String(trimmed), as: .timestamp) else { return nil }
        return micros >= 0 ? micros / 1000 : -((-micros + 999) / 1000)
    }

    /// The snapshot of the table at `path` this request names.
    public func snapshot(of path: String) throws(DeltaError) -> Snapshot {
        switch self {
        case .latest: try Snapshot.load(table: path)
        case .version(let version): try Snapshot.load(table: path, version: version)
        case .timestamp(let millis): try Snapshot.load(table: path, asOf: millis)
        }
    }
}
