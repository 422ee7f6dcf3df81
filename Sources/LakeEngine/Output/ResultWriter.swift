import LakeColumnar

/// Writes record batches as text in one ``OutputFormat``, streaming batch by batch.
///
/// Call ``write(_:)`` for each batch, then ``finish()``. Table and markdown output need every row
/// to size their columns, so they buffer until ``finish()``; the other formats emit as they go.
public final class ResultWriter {
    private let format: OutputFormat
    private let sink: (String) -> Void
    private var schema: Schema?
    private var wroteHeader = false
    private var rowsWritten = 0
    private var bufferedRows: [[String?]] = []
    private var rightAligned: [Bool] = []

    /// The most characters a table cell shows before it is cut with `…`.
    public static let maxCellWidth = 48

    /// Creates a writer that hands text to `sink` (standard output in the CLI).
    public init(format: OutputFormat, sink: @escaping (String) -> Void) {
        self.format = format
        self.sink = sink
    }

    /// Writes the rows of `batch`.
    public func write(_ batch: RecordBatch) {
        if schema == nil { start(batch.schema) }
        if format == .csv || format == .jsonl {
            // Column at a time, no String per value (TextRowEncoder spells values like ValueText).
            var encoder = TextRowEncoder(schema: batch.schema, format: format == .csv ? .csv : .jsonl)
            encoder.encode(batch)
            var bytes = ContiguousArray<UInt8>()
            encoder.appendRows(0..<batch.rowCount, to: &bytes)
            rowsWritten += batch.rowCount
            if !bytes.isEmpty { sink(String(decoding: bytes, as: UTF8.self)) }
            return
        }
        let fields = batch.schema.fields
        var text = ""
        for row in 0..<batch.rowCount {
            let values = batch.columns.map { $0.scalar(at: row) }
            switch format {
            case .json:
                var parts: [String] = []
                for (field, value) in zip(fields, values) {
                    parts.append(ValueText.quoted(field.name) + ":" + ValueText.json(value, fields: nil, type: field.type))
                }
                text += (rowsWritten == 0 ? "[\n" : ",\n") + "{" + parts.joined(separator: ",") + "}"
            case .line:
                if rowsWritten > 0 { text += "\n" }
                let width = fields.map(\.name.count).max() ?? 0
                for (field, value) in zip(fields, values) {
                    text += String(repeating: " ", count: width - field.name.count) + field.name + " = "
                        + (ValueText.plain(value) ?? "NULL") + "\n"
                }
            case .table, .markdown:
                bufferedRows.append(values.map { ValueText.plain($0, tableStyle: true) })
            case .csv, .jsonl:
                break  // written above
            }
            rowsWritten += 1
        }
        if !text.isEmpty { sink(text) }
    }

    /// Ends the output: closes JSON arrays and prints buffered tables. `schema` is used when no
    /// batch was written, so an empty result still shows its columns.
    public func finish(schema fallback: Schema? = nil) {
        if schema == nil, let fallback { start(fallback) }
        switch format {
        case .json: sink(rowsWritten == 0 ? "[]\n" : "\n]\n")
        case .table: sink(renderTable())
        case .markdown: sink(renderMarkdown())
        case .csv, .jsonl, .line: break
        }
    }

    private func start(_ schema: Schema) {
        self.schema = schema
        rightAligned = schema.fields.map { field in
            switch field.type {
            case .int8, .int16, .int32, .int64, .float32, .float64, .decimal: true
            default: false
            }
        }
        if format == .csv {
            sink(schema.fields.map { csvField($0.name) }.joined(separator: ",") + "\n")
        }
    }

    private func csvField(_ text: String?) -> String {
        guard let text else { return "" }
        if text.isEmpty { return "\"\"" }
        let needsQuotes = text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
            || text.first == " " || text.last == " "
        guard needsQuotes else { return text }
        var quoted = "\""
        for character in text {
            if character == "\"" { quoted += "\"\"" } else { quoted.append(character) }
        }
        return quoted + "\""
    }

    private func cell(_ text: String?) -> String {
        guard let text else { return "NULL" }
        let flat = text.replacingNewlines()
        if flat.count <= Self.maxCellWidth { return flat }
        return String(flat.prefix(Self.maxCellWidth - 1)) + "…"
    }

    private func renderTable() -> String {
        guard let schema else { return "" }
        let header = schema.fields.map(\.name)
        let types = schema.fields.map { "\($0.type)".lowercased() }
        let rows = bufferedRows.map { $0.map(cell) }
        var widths = zip(header, types).map { max($0.count, $1.count) }
        for row in rows { for (index, text) in row.enumerated() { widths[index] = max(widths[index], text.count) } }
        func line(_ left: String, _ middle: String, _ right: String) -> String {
            left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right + "\n"
        }
        func row(_ cells: [String], align: Bool) -> String {
            var text = "│"
            for (index, cell) in cells.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                text += " " + (align && rightAligned[index] ? padding + cell : cell + padding) + " │"
            }
            return text + "\n"
        }
        var text = line("┌", "┬", "┐") + row(header, align: false) + row(types, align: false) + line("├", "┼", "┤")
        for cells in rows { text += row(cells, align: true) }
        text += line("└", "┴", "┘")
        text += "\(rowsWritten) row\(rowsWritten == 1 ? "" : "s")\n"
        return text
    }

    private func renderMarkdown() -> String {
        guard let schema else { return "" }
        func escape(_ text: String) -> String {
            text.replacingNewlines().split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
        }
        var text = "| " + schema.fields.map { escape($0.name) }.joined(separator: " | ") + " |\n"
        text += "|" + rightAligned.map { $0 ? " ---: |" : " --- |" }.joined() + "\n"
        for row in bufferedRows {
            text += "| " + row.map { escape($0 ?? "NULL") }.joined(separator: " | ") + " |\n"
        }
        return text
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        guard contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return self }
        return String(map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }
}
