import Foundation
import LakeColumnar
import LakeParquet

@testable import LakeDelta

/// A Delta table built in a temporary directory, commit by commit, for replay and scan tests.
final class TableFixture {
    let root: String
    var logPath: String { root + "/_delta_log" }

    /// Whether the directory is removed when the fixture goes away.
    private let isTemporary: Bool

    init(_ name: String = #function) throws {
        let base = FileManager.default.temporaryDirectory.path + "/lake-delta-tests"
        let safe = name.filter { $0.isLetter || $0.isNumber }
        root = base + "/\(safe)-\(UInt64.random(in: 0...UInt64.max))"
        isTemporary = true
        try FileManager.default.createDirectory(atPath: root + "/_delta_log", withIntermediateDirectories: true)
    }

    /// A table at `root` that is kept when the fixture goes away (for tables handed to other tools).
    init(root: String) throws {
        self.root = root
        isTemporary = false
        try FileManager.default.createDirectory(atPath: root + "/_delta_log", withIntermediateDirectories: true)
    }

    deinit {
        if isTemporary { try? FileManager.default.removeItem(atPath: root) }
    }

    static func fileName(_ version: Int64, _ suffix: String = "json") -> String {
        let digits = String(version)
        return String(repeating: "0", count: 20 - digits.count) + digits + "." + suffix
    }

    /// Writes commit `version` with `actions` (through lake's own encoder).
    func commit(_ version: Int64, _ actions: [Action], modificationTime: Int64? = nil) throws {
        let path = logPath + "/" + Self.fileName(version)
        try Data(CommitFile.encode(actions)).write(to: URL(fileURLWithPath: path))
        if let modificationTime { try setModificationTime(path, modificationTime) }
    }

    /// Writes raw text as a log file.
    func writeLog(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: logPath + "/" + name))
    }

    func setModificationTime(_ path: String, _ millis: Int64) throws {
        let date = Date(timeIntervalSince1970: Double(millis) / 1000)
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
    }

    /// Writes a Parquet data file under the root and returns its add action.
    func dataFile(
        _ relativePath: String, _ batch: RecordBatch, partitionValues: [String: String?] = [:]
    ) async throws -> AddFile {
        let path = root + "/" + relativePath
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let writer = try ParquetFileWriter(path: path, schema: batch.schema)
        try await writer.write(batch)
        let summary = try await writer.close()
        return AddFile(
            path: relativePath, partitionValues: partitionValues, size: Int64(summary.fileSize), modificationTime: 0,
            stats: #"{"numRecords":\#(summary.rowCount)}"#)
    }

    static func metadata(_ schema: Schema, partitionColumns: [String] = [], configuration: [String: String] = [:])
        throws
        -> Action
    {
        .metadata(
            TableMetadata(
                id: "fixture", schemaString: try DeltaSchema(schema).jsonString, partitionColumns: partitionColumns,
                configuration: configuration))
    }

    static let protocol12 = Action.protocol(ProtocolAction(minReaderVersion: 1, minWriterVersion: 2))

    static func add(_ path: String, size: Int64 = 1, vector: String? = nil) -> Action {
        .add(
            AddFile(
                path: path, size: size, modificationTime: 0,
                deletionVector: vector.map {
                    DeletionVectorDescriptor(
                        storageType: "i", pathOrInlineDv: $0, offset: nil, sizeInBytes: 1, cardinality: 1)
                }))
    }

    static func remove(_ path: String, vector: String? = nil) -> Action {
        .remove(
            RemoveFile(
                path: path, deletionTimestamp: 0,
                deletionVector: vector.map {
                    DeletionVectorDescriptor(
                        storageType: "i", pathOrInlineDv: $0, offset: nil, sizeInBytes: 1, cardinality: 1)
                }))
    }
}
