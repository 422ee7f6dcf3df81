import LakeColumnar
import LakeIO
import LakeParquet

/// Reads checkpoints into a ``LogReplay``: classic, multi-part and V2 (JSON or Parquet, with sidecars).
///
/// Delta PROTOCOL.md "Checkpoints". Parquet checkpoints hold one nullable struct column per
/// action type; only the action columns replay needs are decoded (top-level projection), and
/// they are found by name. A V2 checkpoint's `sidecar` actions name Parquet files under
/// `_delta_log/_sidecars/` that hold its add and remove actions; they are read after the
/// checkpoint itself. A checkpoint whose struct-only statistics (`stats_parsed`) stand in for
/// the JSON `stats` gets them re-encoded as JSON (SPEC.md §6.1).
enum CheckpointReader {
    /// The action columns read from a checkpoint file.
    static let actionColumns = [
        "protocol", "metaData", "txn", "add", "remove", "domainMetadata", "sidecar", "checkpointMetadata",
    ]

    /// Applies every action of `checkpoint` to `replay`.
    static func read(
        _ checkpoint: LogListing.Checkpoint, logPath: String, into replay: inout LogReplay
    ) throws(DeltaError) {
        for path in checkpoint.paths {
            if checkpoint.kind == .v2JSON {
                let bytes: [UInt8]
                do {
                    bytes = try LogStore.read(path)
                } catch {
                    throw .storage(error)
                }
                try CommitFile.forEachAction(in: bytes, path: path) { action in replay.apply(action) }
            } else {
                try readParquet(path, into: &replay)
            }
        }
        let sidecars = replay.sidecars
        replay.clearSidecars()
        guard !sidecars.isEmpty else { return }
        let directory = logPath + "/_sidecars/"
        for sidecar in sidecars {
            let path = sidecar.path.hasPrefix("/") ? sidecar.path : directory + sidecar.path
            guard path.hasPrefix(directory), !sidecar.path.split(separator: "/").contains("..") else {
                throw .corruptLog(
                    path: checkpoint.paths[0], line: nil, offset: nil,
                    reason: "sidecar path '\(sidecar.path)' is outside _delta_log/_sidecars")
            }
            try readParquet(path, into: &replay)
        }
        replay.clearSidecars()
    }

    /// Applies the actions of one checkpoint Parquet file (or sidecar), row by row in file order.
    static func readParquet(_ path: String, into replay: inout LogReplay) throws(DeltaError) {
        do throws(ParquetError) {
            let reader = try ParquetFileReader(path: path)
            let names = reader.schema.fields.map(\.name)
            let columns = actionColumns.compactMap { names.firstIndex(of: $0) }
            guard !columns.isEmpty else {
                throw ParquetError.invalidRequest(
                    path: path, reason: "no action columns (add, remove, metaData, protocol, …); not a Delta checkpoint"
                )
            }
            for group in 0..<reader.rowGroupCount {
                let batch = try reader.readRowGroup(group, columns: columns)
                apply(batch, into: &replay)
            }
        } catch {
            if case .storage(let storage) = error { throw .storage(storage) }
            throw .parquet(error)
        }
    }

    private static func apply(_ batch: RecordBatch, into replay: inout LogReplay) {
        func reader(_ name: String) -> StructReader? {
            guard case .struct(let column)? = batch.column(named: name) else { return nil }
            return StructReader(column)
        }
        let add = reader("add")
        let addColumns = add.map(StructReader.AddColumns.init)
        if add != nil { replay.reserveFiles(batch.rowCount) }
        let remove = reader("remove")
        let metadata = reader("metaData")
        let protocolReader = reader("protocol")
        let txn = reader("txn")
        let domain = reader("domainMetadata")
        let sidecar = reader("sidecar")
        let checkpointMetadata = reader("checkpointMetadata")
        for row in 0..<batch.rowCount {
            if let add, add.isValid(row), let file = addColumns?.addFile(row) {
                replay.apply(checkpointAdd: file)
            } else if let remove, remove.isValid(row), let file = remove.removeFile(row) {
                replay.apply(checkpointRemove: file)
            } else if let protocolReader, protocolReader.isValid(row), let action = protocolReader.protocolAction(row) {
                replay.apply(.protocol(action))
            } else if let metadata, metadata.isValid(row), let action = metadata.metadata(row) {
                replay.apply(.metadata(action))
            } else if let txn, txn.isValid(row), let action = txn.transaction(row) {
                replay.apply(.txn(action))
            } else if let domain, domain.isValid(row), let action = domain.domainMetadata(row) {
                replay.apply(.domainMetadata(action))
            } else if let sidecar, sidecar.isValid(row), let action = sidecar.sidecar(row) {
                replay.apply(.sidecar(action))
            } else if let checkpointMetadata, checkpointMetadata.isValid(row),
                let action = checkpointMetadata.checkpointMetadata(row)
            {
                replay.apply(.checkpointMetadata(action))
            }
        }
    }
}
