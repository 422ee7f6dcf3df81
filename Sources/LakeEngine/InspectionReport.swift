import LakeColumnar
import LakeParquet

/// Renders a ``ParquetInspection`` for `lake inspect` as text or JSON (SPEC.md §2.1).
public enum InspectionReport {
    /// The human-readable report.
    public static func text(_ report: ParquetInspection) -> String {
        var lines: [String] = []
        lines.append("file        \(report.path)")
        lines.append("size        \(report.fileSize) bytes")
        lines.append("created by  \(report.createdBy ?? "(not recorded)")")
        lines.append("version     \(report.formatVersion)")
        lines.append("rows        \(report.rowCount) in \(report.rowGroups.count) row group(s)")
        if !report.keyValueKeys.isEmpty { lines.append("metadata    \(report.keyValueKeys.joined(separator: ", "))") }
        lines.append("")
        lines.append("schema")
        for field in report.schema.fields { lines.append("  \(field)") }
        lines.append("")
        lines.append("columns (leaf path, physical type, logical type, lake type, max def/rep level)")
        for column in report.columns {
            lines.append(
                "  \(column.path)  \(column.physicalType)  \(column.logicalType ?? "-")  \(column.lakeType)  "
                    + "d\(column.maxDefinitionLevel)/r\(column.maxRepetitionLevel)")
        }
        for (index, group) in report.rowGroups.enumerated() {
            lines.append("")
            lines.append(
                "row group \(index): \(group.rows) rows, \(group.compressedSize) bytes compressed, "
                    + "\(group.uncompressedSize) uncompressed")
            for chunk in group.chunks {
                lines.append(
                    "  \(chunk.path): \(chunk.codec), \(chunk.valueCount) values, \(chunk.compressedSize) → "
                        + "\(chunk.uncompressedSize) bytes")
                lines.append("    encodings \(chunk.encodings.joined(separator: " "))")
                lines.append("    pages     " + chunk.pages.map { "\($0.kind) ×\($0.count)" }.joined(separator: ", "))
                if let statistics = chunk.statistics {
                    lines.append(
                        "    stats     min \(text(statistics.min)), max \(text(statistics.max)), nulls "
                            + (statistics.nullCount.map(String.init) ?? "unknown")
                            + (statistics.nanCount.map { ", NaNs \($0)" } ?? ""))
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as one JSON object.
    public static func json(_ report: ParquetInspection) -> String {
        func string(_ text: String?) -> String { text.map(ValueText.quoted) ?? "null" }
        func value(_ scalar: ScalarValue?) -> String { scalar.map { ValueText.json($0, fields: nil) } ?? "null" }
        let schema = report.schema.fields.map {
            "{\"name\":\(string($0.name)),\"type\":\(string($0.type.description)),\"nullable\":\($0.isNullable)}"
        }
        let columns = report.columns.map {
            "{\"path\":\(string($0.path)),\"physical_type\":\(string($0.physicalType)),"
                + "\"logical_type\":\(string($0.logicalType)),\"type\":\(string($0.lakeType)),"
                + "\"max_definition_level\":\($0.maxDefinitionLevel),\"max_repetition_level\":\($0.maxRepetitionLevel)}"
        }
        let groups = report.rowGroups.map { group in
            let chunks = group.chunks.map { chunk in
                let pages = chunk.pages.map { "\(string($0.kind)):\($0.count)" }.joined(separator: ",")
                let statistics = chunk.statistics.map {
                    "{\"min\":\(value($0.min)),\"max\":\(value($0.max)),"
                        + "\"null_count\":\($0.nullCount.map(String.init) ?? "null"),"
                        + "\"nan_count\":\($0.nanCount.map(String.init) ?? "null")}"
                } ?? "null"
                return "{\"path\":\(string(chunk.path)),\"codec\":\(string(chunk.codec)),"
                    + "\"encodings\":[\(chunk.encodings.map(string).joined(separator: ","))],"
                    + "\"pages\":{\(pages)},\"num_values\":\(chunk.valueCount),"
                    + "\"compressed_size\":\(chunk.compressedSize),\"uncompressed_size\":\(chunk.uncompressedSize),"
                    + "\"statistics\":\(statistics)}"
            }
            return "{\"rows\":\(group.rows),\"compressed_size\":\(group.compressedSize),"
                + "\"uncompressed_size\":\(group.uncompressedSize),\"columns\":[\(chunks.joined(separator: ","))]}"
        }
        return "{\"file\":\(string(report.path)),\"size\":\(report.fileSize),\"created_by\":\(string(report.createdBy)),"
            + "\"format_version\":\(report.formatVersion),\"rows\":\(report.rowCount),"
            + "\"key_value_metadata\":[\(report.keyValueKeys.map(string).joined(separator: ","))],"
            + "\"schema\":[\(schema.joined(separator: ","))],\"columns\":[\(columns.joined(separator: ","))],"
            + "\"row_groups\":[\(groups.joined(separator: ","))]}\n"
    }

    private static func text(_ scalar: ScalarValue?) -> String {
        guard let scalar else { return "unknown" }
        return ValueText.plain(scalar).map { text in
            text.count > 40 ? String(text.prefix(39)) + "…" : text
        } ?? "NULL"
    }
}
