import LakeColumnar

/// Why `lake ingest` failed (SPEC.md §2.8). Cases carry the file, line and column where known.
public enum IngestError: LakeError, Equatable {
    /// The inputs named no file to read.
    case noInput(String)
    /// An input path does not exist.
    case missingInput(String)
    /// An input is in a format lake does not ingest, or inputs mix formats.
    case unsupportedFormat(String)
    /// A Parquet input's columns differ from the first input's.
    case schemaDiffers(path: String, expected: Schema, found: Schema, first: String)
    /// A record could not be ingested and `--on-error fail` is in force.
    case badRecord(file: String, line: Int64, column: String?, value: String?, reason: String)
    /// `--schema` could not be parsed.
    case invalidSchema(text: String, reason: String)
    /// A column named by an option does not exist.
    case unknownColumn(name: String, option: String, available: [String])
    /// An input column's type cannot be appended to the table's column.
    case schemaMismatch(column: String, tableType: DataType, inputType: DataType)
    /// The input has columns the table lacks (and `--schema-mode merge` was not given).
    case newColumns(names: [String], table: String)
    /// A NOT NULL column of the table is not in the input.
    case missingColumn(name: String, table: String)
    /// A new table would have no columns (every input is empty).
    case noColumns(inputs: String)
    /// One record is larger than lake buffers.
    case recordTooLarge(file: String, line: Int64, limit: Int)
    /// Reading or decompressing an input failed.
    case readFailed(path: String, reason: String)
    /// An option value is invalid.
    case invalidOption(String)

    public var description: String {
        switch self {
        case .noInput(let inputs): "no input files in \(inputs)"
        case .missingInput(let path): "\(path): no such file or directory"
        case .unsupportedFormat(let reason): reason
        case .schemaDiffers(let path, let expected, let found, let first):
            "\(path) has columns (\(found.fields.map { "\($0.name) \($0.type)" }.joined(separator: ", "))), "
                + "but \(first) has (\(expected.fields.map { "\($0.name) \($0.type)" }.joined(separator: ", ")))"
        case .badRecord(let file, let line, let column, let value, let reason):
            "bad record in \(file) at line \(line)"
                + (column.map { ", column '\($0)'" } ?? "")
                + (value.map { ", value '\($0)'" } ?? "") + ": \(reason); nothing was committed"
        case .invalidSchema(let text, let reason): "--schema '\(text)': \(reason)"
        case .unknownColumn(let name, let option, let available):
            "\(option) names column '\(name)', which is not in the input (columns: \(available.joined(separator: ", ")))"
        case .schemaMismatch(let column, let tableType, let inputType):
            "column '\(column)' is \(tableType) in the table but \(inputType) in the input"
        case .newColumns(let names, let table):
            "the input has column(s) \(names.map { "'\($0)'" }.joined(separator: ", ")) that \(table) lacks"
        case .missingColumn(let name, let table):
            "column '\(name)' of \(table) is NOT NULL but the input lacks it"
        case .noColumns(let inputs): "\(inputs) hold(s) no columns: cannot create a table from empty input"
        case .recordTooLarge(let file, let line, let limit):
            "the record at line \(line) of \(file) is larger than \(limit) bytes"
        case .readFailed(let path, let reason): "cannot read \(path): \(reason)"
        case .invalidOption(let reason): reason
        }
    }

    public var help: String? {
        switch self {
        case .noInput, .missingInput: "Pass files, globs, directories, or - for standard input."
        case .unsupportedFormat: "Pass --format csv, jsonl or parquet, and ingest different formats in separate commands."
        case .schemaDiffers: "Ingest files with different columns in separate commands."
        case .badRecord:
            "Fix the input, or pass --on-error skip (count and drop bad records) or --on-error quarantine "
                + "(keep them in a rejects table)."
        case .invalidSchema: "Write it as \"name type, name type\", e.g. \"id int64, ts timestamp, price decimal(10,2)\"."
        case .unknownColumn: nil
        case .schemaMismatch:
            "Give the column's type with --schema, or replace the table's schema with --mode overwrite --schema-mode overwrite."
        case .newColumns: "Pass --schema-mode merge to add them as nullable columns."
        case .missingColumn: "Add the column to the input."
        case .noColumns: "Give --schema, or ingest a file with a header or rows."
        case .recordTooLarge: "Check the file for an unterminated quote; records are limited to protect memory."
        case .readFailed: nil
        case .invalidOption: nil
        }
    }
}
