import LakeColumnar
import LakeDelta

/// Renders a ``TableDescription`` for `lake describe` as text or JSON (SPEC.md §2.7).
public enum TableDescriptionReport {
    /// The most partitions the text report lists; the rest are counted.
    public static let maxPartitions = 50

    /// The human-readable report.
    public static func text(_ table: TableDescription) -> String {
        var lines: [String] = []
        lines.append("table        \(table.path)" + (table.name.map { " (\($0))" } ?? ""))
        lines.append("version      \(table.version), committed \(time(table.timestamp))")
        lines.append("id           \(table.metadata.id)")
        if let name = table.metadata.name { lines.append("name         \(name)") }
        if let description = table.metadata.description { lines.append("description  \(description)") }
        if let created = table.metadata.createdTime { lines.append("created      \(time(created))") }
        lines.append("files        \(grouped(Int64(table.fileCount)))")
        lines.append("size         \(grouped(table.byteCount)) bytes")
        if let rows = table.rowCount {
            lines.append("rows         \(grouped(rows)) (from file statistics)")
        } else {
            lines.append(
                "rows         unknown (\(table.filesWithoutRowCount) file(s) have no row count in their statistics)")
        }
        lines.append("protocol     \(protocolText(table.protocolAction))")
        lines.append("checkpoint   " + (table.checkpointVersion.map { "version \($0)" } ?? "none"))
        lines.append(
            "partitions   "
                + (table.partitionColumns.isEmpty
                    ? "none (not partitioned)"
                    : "\(table.partitions.count) by \(table.partitionColumns.joined(separator: ", "))"))
        lines.append("")
        lines.append("schema")
        for field in table.schema.fields {
            lines.append("  \(field)" + (table.partitionColumns.contains(field.name) ? "  (partition)" : ""))
        }
        let properties = table.metadata.configuration.sorted { $0.key < $1.key }
        lines.append("")
        lines.append("properties" + (properties.isEmpty ? "   none" : ""))
        for (key, value) in properties { lines.append("  \(key) = \(value)") }
        if !table.partitionColumns.isEmpty {
            lines.append("")
            lines.append("partition                                files          bytes           rows")
            for partition in table.partitions.prefix(maxPartitions) {
                let name = zip(table.partitionColumns, partition.values).map { "\($0)=\($1 ?? "NULL")" }
                    .joined(separator: "/")
                lines.append(
                    "  " + pad(name, 38) + leftPad(grouped(Int64(partition.fileCount)), 7)
                        + leftPad(grouped(partition.byteCount), 15)
                        + leftPad(partition.rowCount.map(grouped) ?? "unknown", 15))
            }
            if table.partitions.count > maxPartitions {
                let more = table.partitions.count - maxPartitions
                lines.append("  … and \(more) more partition\(more == 1 ? "" : "s") (--format json lists all)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The description as one JSON object; `partitions` lists every partition.
    public static func json(_ table: TableDescription) -> String {
        var members: [(String, JSONValue)] = [
            ("path", .string(table.path)), ("name", table.name.map(JSONValue.string) ?? .null),
            ("version", .integer(table.version)), ("timestamp", .string(isoTime(table.timestamp))),
            ("id", .string(table.metadata.id)), ("table_name", table.metadata.name.map(JSONValue.string) ?? .null),
            ("description", table.metadata.description.map(JSONValue.string) ?? .null),
            ("created_time", table.metadata.createdTime.map { .string(isoTime($0)) } ?? .null),
        ]
        members.append(
            (
                "schema",
                .array(
                    table.schema.fields.map { field in
                        .object([
                            ("name", .string(field.name)), ("type", .string(field.type.description)),
                            ("nullable", .bool(field.isNullable)),
                            ("partition", .bool(table.partitionColumns.contains(field.name))),
                        ])
                    })
            ))
        members.append(("partition_columns", .array(table.partitionColumns.map(JSONValue.string))))
        members.append(("files", .integer(table.fileCount)))
        members.append(("size_bytes", .integer(table.byteCount)))
        members.append(("rows", table.rowCount.map { .integer($0) } ?? .null))
        members.append(("files_without_row_count", .integer(table.filesWithoutRowCount)))
        let protocolAction = table.protocolAction
        members.append(
            (
                "protocol",
                .object([
                    ("min_reader_version", .integer(protocolAction.minReaderVersion)),
                    ("min_writer_version", .integer(protocolAction.minWriterVersion)),
                    (
                        "reader_features",
                        protocolAction.readerFeatures.map { .array($0.map(JSONValue.string)) } ?? .null
                    ),
                    (
                        "writer_features",
                        protocolAction.writerFeatures.map { .array($0.map(JSONValue.string)) } ?? .null
                    ),
                ])
            ))
        members.append(
            (
                "properties",
                .object(table.metadata.configuration.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
            ))
        members.append(("checkpoint_version", table.checkpointVersion.map { .integer($0) } ?? .null))
        members.append(
            (
                "partitions",
                .array(
                    table.partitions.map { partition in
                        .object([
                            (
                                "values",
                                .object(
                                    zip(table.partitionColumns, partition.values).map {
                                        ($0, $1.map(JSONValue.string) ?? .null)
                                    })
                            ),
                            ("files", .integer(partition.fileCount)), ("size_bytes", .integer(partition.byteCount)),
                            ("rows", partition.rowCount.map { .integer($0) } ?? .null),
                        ])
                    })
            ))
        return JSONWriter.encode(.object(members)) + "\n"
    }

    static func protocolText(_ action: ProtocolAction) -> String {
        var text = "reader \(action.minReaderVersion), writer \(action.minWriterVersion)"
        if let features = action.readerFeatures, !features.isEmpty {
            text += "; reader features: " + features.joined(separator: ", ")
        }
        if let features = action.writerFeatures, !features.isEmpty {
            text += "; writer features: " + features.joined(separator: ", ")
        }
        return text
    }

    /// A time in milliseconds as ISO 8601 UTC with milliseconds: `2024-01-05T10:00:00.123Z`.
    static func isoTime(_ millis: Int64) -> String {
        let text = ValueFormatting.timestamp(millis * 1000, utc: false)
        return String(text.dropLast(3)) + "Z"
    }

    private static func time(_ millis: Int64) -> String { isoTime(millis) }

    /// `1234567` → `1,234,567`.
    static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    private static func leftPad(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }
}
