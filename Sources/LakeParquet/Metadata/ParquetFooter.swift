import LakeIO

/// Reads, checks and writes the Parquet footer: `FileMetaData`, its length and the `PAR1` magic
/// (parquet.md §1).
///
/// ```
/// "PAR1" | column chunks ... | FileMetaData | u32 LE length | "PAR1"
/// ```
package enum ParquetFooter {
    /// The magic at both ends of a Parquet file.
    package static let magic: [UInt8] = Array("PAR1".utf8)
    /// The magic of a file with an encrypted footer (out of scope).
    package static let encryptedMagic: [UInt8] = Array("PARE".utf8)
    /// How many bytes the first read takes from the end of the file; a larger footer needs a
    /// second read.
    package static let initialReadSize = 64 * 1024

    /// Reads, decodes and checks the footer of `file`.
    ///
    /// Takes one `pread` of the file's last 64 KiB (plus 4 bytes for the leading magic in larger
    /// files), and one more when the footer does not fit in it. Checks both magics, the footer
    /// length, every Thrift field, and that the row groups match the schema
    /// (``validate(_:path:)``).
    ///
    /// - Throws: ``ParquetError/notParquet(path:reason:)`` for a short file or wrong magic;
    ///   ``ParquetError/unsupported(path:feature:)`` for encrypted files, external column chunks
    ///   or an unknown physical type; ``ParquetError/corruptFooter(path:reason:)`` for anything
    ///   malformed (I/O errors while reading the footer are reported the same way).
    package static func read(_ file: RandomAccessFile) throws(ParquetError) -> FileMetaData {
        let path = file.path
        let size = file.size
        try checkSize(size, path: path)
        let tailCount = min(size, initialReadSize)
        let tail = try readBytes(file, offset: size - tailCount, count: tailCount)
        let head = size == tailCount ? ContiguousArray(tail.prefix(4)) : try readBytes(file, offset: 0, count: 4)
        let trailer = ContiguousArray(tail.suffix(8))
        let footerLength = try checkFraming(head: head, trailer: trailer, size: size, path: path)
        let footerStart = size - 8 - footerLength
        let footer: ContiguousArray<UInt8>
        if footerLength + 8 <= tailCount {
            let start = tailCount - 8 - footerLength
            footer = ContiguousArray(tail[start..<(start + footerLength)])
        } else {
            footer = try readBytes(file, offset: footerStart, count: footerLength)
        }
        return try decode(footer: footer, at: footerStart, path: path)
    }

    /// Decodes and checks the footer of a whole file held in memory (same checks as ``read(_:)``).
    package static func read(
        fileBytes bytes: ContiguousArray<UInt8>,
        path: String
    ) throws(ParquetError) -> FileMetaData {
        let size = bytes.count
        try checkSize(size, path: path)
        let footerLength = try checkFraming(
            head: ContiguousArray(bytes.prefix(4)),
            trailer: ContiguousArray(bytes.suffix(8)),
            size: size,
            path: path
        )
        let footerStart = size - 8 - footerLength
        return try decode(
            footer: ContiguousArray(bytes[footerStart..<(size - 8)]),
            at: footerStart,
            path: path
        )
    }

    /// Encodes the footer the writer appends after the last column chunk:
    /// `FileMetaData` bytes, their length as a little-endian `u32`, then `PAR1`.
    package static func encode(_ metadata: FileMetaData) -> ContiguousArray<UInt8> {
        var bytes = metadata.thriftBytes()
        let length = UInt32(truncatingIfNeeded: bytes.count)
        withUnsafeBytes(of: length.littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: magic)
        return bytes
    }

    /// Checks what the reader relies on beyond the Thrift fields themselves.
    ///
    /// Every row group has one column chunk per schema leaf, in leaf order, each with
    /// `meta_data` whose type and `path_in_schema` equal the leaf's; no chunk lives in another
    /// file; the file is not encrypted.
    ///
    /// - Throws: ``ParquetError/corruptFooter(path:reason:)`` or
    ///   ``ParquetError/unsupported(path:feature:)``.
    package static func validate(_ metadata: FileMetaData, path: String) throws(ParquetError) {
        if metadata.encryptionAlgorithm != nil {
            throw .unsupported(path: path, feature: "encrypted Parquet (plaintext footer)")
        }
        let leaves: [(path: [String], type: PhysicalType)]
        do {
            leaves = try ParquetSchema.leafPaths(of: metadata.schema)
        } catch {
            throw wrap(error, path: path)
        }
        var totalRows: Int64 = 0
        for (groupIndex, rowGroup) in metadata.rowGroups.enumerated() {
            // Row counts are summed as `Int` by callers (`ParquetFileReader.rowCount`).
            let (sum, overflow) = totalRows.addingReportingOverflow(rowGroup.numRows)
            guard !overflow else {
                throw .corruptFooter(
                    path: path,
                    reason: "the row groups' num_rows add up to more than \(Int64.max) (row group \(groupIndex))"
                )
            }
            totalRows = sum
            guard rowGroup.columns.count == leaves.count else {
                throw .corruptFooter(
                    path: path,
                    reason: "row group \(groupIndex) has \(rowGroup.columns.count) column chunks "
                        + "but the schema has \(leaves.count) leaf columns"
                )
            }
            for (chunk, leaf) in zip(rowGroup.columns, leaves) {
                let dotted = leaf.path.joined(separator: ".")
                if chunk.filePath != nil {
                    throw .unsupported(path: path, feature: "column chunks in external files (column '\(dotted)')")
                }
                if chunk.cryptoMetadata != nil || chunk.encryptedColumnMetadata != nil {
                    throw .unsupported(path: path, feature: "encrypted columns (column '\(dotted)')")
                }
                guard let columnMetaData = chunk.metaData else {
                    throw .corruptFooter(
                        path: path,
                        reason: "row group \(groupIndex), column '\(dotted)': ColumnChunk.meta_data is missing"
                    )
                }
                guard columnMetaData.type == leaf.type else {
                    throw .corruptFooter(
                        path: path,
                        reason: "row group \(groupIndex), column '\(dotted)': the chunk's type "
                            + "\(columnMetaData.type) differs from the schema's \(leaf.type)"
                    )
                }
                guard columnMetaData.pathInSchema == leaf.path else {
                    throw .corruptFooter(
                        path: path,
                        reason: "row group \(groupIndex), column '\(dotted)': the chunk's path_in_schema "
                            + "'\(columnMetaData.pathInSchema.joined(separator: "."))' differs from the schema leaf"
                    )
                }
            }
        }
    }

    // MARK: - Steps

    private static func checkSize(_ size: Int, path: String) throws(ParquetError) {
        guard size >= 12 else {
            throw .notParquet(
                path: path,
                reason: "it has \(size) bytes; a Parquet file has at least 12 (two magics and the footer length)"
            )
        }
    }

    /// Checks the magics and returns the footer length.
    private static func checkFraming(
        head: ContiguousArray<UInt8>,
        trailer: ContiguousArray<UInt8>,
        size: Int,
        path: String
    ) throws(ParquetError) -> Int {
        let trailingMagic = Array(trailer.suffix(4))
        if trailingMagic == encryptedMagic || Array(head) == encryptedMagic {
            throw .unsupported(path: path, feature: "encrypted Parquet (PARE)")
        }
        guard trailingMagic == magic else {
            throw .notParquet(path: path, reason: "it does not end with the magic bytes 'PAR1'")
        }
        guard Array(head) == magic else {
            throw .notParquet(path: path, reason: "it does not start with the magic bytes 'PAR1'")
        }
        let footerLength =
            Int(trailer[0]) | Int(trailer[1]) << 8 | Int(trailer[2]) << 16 | Int(trailer[3]) << 24
        guard footerLength <= size - 12 else {
            throw .corruptFooter(
                path: path,
                reason: "the footer length \(footerLength) exceeds the \(size - 12) bytes between the magics"
            )
        }
        return footerLength
    }

    private static func decode(
        footer: ContiguousArray<UInt8>,
        at offset: Int,
        path: String
    ) throws(ParquetError) -> FileMetaData {
        let metadata: FileMetaData
        do {
            metadata = try FileMetaData(thriftBytes: footer, baseOffset: offset)
        } catch {
            throw wrap(error, path: path)
        }
        try validate(metadata, path: path)
        return metadata
    }

    private static func readBytes(
        _ file: RandomAccessFile,
        offset: Int,
        count: Int
    ) throws(ParquetError) -> ContiguousArray<UInt8> {
        do {
            return try file.read(offset: offset, count: count)
        } catch {
            throw .storage(error)
        }
    }

    /// Maps a decoder error to the file-level error.
    package static func wrap(_ error: DecodeError, path: String) -> ParquetError {
        switch error {
        case .corrupt(let reason): .corruptFooter(path: path, reason: reason)
        case .unsupported(let feature): .unsupported(path: path, feature: feature)
        }
    }
}
