import LakeColumnar
import LakeIO

/// An error reading or writing a Parquet file.
///
/// Each case carries the file and, where known, the column, row group and byte offset, so a user
/// can find the defect (`lake inspect` prints the same coordinates).
public enum ParquetError: LakeError, Equatable {
    /// The file is not Parquet: too short, or missing the `PAR1` magic at either end.
    case notParquet(path: String, reason: String)
    /// The footer (FileMetaData) could not be decoded or contradicts itself.
    case corruptFooter(path: String, reason: String)
    /// A page or column chunk could not be decoded.
    case corruptColumn(path: String, column: String, rowGroup: Int, offset: Int?, reason: String)
    /// The file uses something this reader does not implement (SPEC.md §4 lists what is supported).
    case unsupported(path: String, feature: String)
    /// The caller asked for something the file does not have (a column, a row group).
    case invalidRequest(path: String, reason: String)
    /// The writer was handed data it cannot write (a type mismatch, a schema it cannot express).
    case invalidInput(path: String, reason: String)
    /// The file could not be opened, read or written.
    case storage(StorageError)

    public var description: String {
        switch self {
        case .notParquet(let path, let reason): "\(path) is not a Parquet file: \(reason)"
        case .corruptFooter(let path, let reason): "\(path) has a corrupt footer: \(reason)"
        case .corruptColumn(let path, let column, let rowGroup, let offset, let reason):
            "\(path) is corrupt in column '\(column)', row group \(rowGroup)"
                + (offset.map { ", at byte \($0)" } ?? "") + ": \(reason)"
        case .unsupported(let path, let feature): "\(path) uses \(feature), which lake does not support"
        case .invalidRequest(let path, let reason): "\(path): \(reason)"
        case .invalidInput(let path, let reason): "cannot write \(path): \(reason)"
        case .storage(let error): error.description
        }
    }

    public var help: String? {
        switch self {
        case .notParquet: "Check the path, or read text input with --format csv or --format jsonl."
        case .corruptFooter, .corruptColumn: "The file is damaged or was cut short; re-create it from its source."
        case .unsupported: "Rewrite the file with a writer that avoids this feature (e.g. pyarrow defaults)."
        case .invalidRequest: "Run `lake inspect` on the file to see its columns and row groups."
        case .invalidInput: nil
        case .storage(let error): error.help
        }
    }
}

/// A defect found while decoding bytes, before the caller knows which file or column holds them.
///
/// Thrift, encoding and level decoders throw this; the file reader wraps it into a
/// ``ParquetError`` that names the file, column, row group and offset.
package enum DecodeError: Error, Equatable {
    /// The bytes are malformed; the text says how (and where, relative to the decoded buffer).
    case corrupt(String)
    /// The bytes are well-formed but use a feature this reader does not implement.
    case unsupported(String)
}
