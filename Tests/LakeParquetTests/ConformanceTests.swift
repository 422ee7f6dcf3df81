import Foundation
import LakeColumnar
import LakeTestSupport
import Testing

@testable import LakeParquet

/// Reads every file of ../shared/conformance/parquet and compares with its expected dump, under the
/// rules of that folder's MANIFEST.md (floats compared as values, int64 exact, decimals as text).
@Suite("Parquet conformance corpus")
struct ConformanceTests {
    static let root = TestPaths.conformance + "/parquet"

    /// (dump name, Parquet file) for every expected dump that has a file.
    static let dumps: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/expected")) ?? []
        return names.filter { $0.hasSuffix(".jsonl") && $0 != "writers__SOURCE.jsonl" }.map { String($0.dropLast(6)) }
            .sorted()
    }()

    static func parquetPath(forDump name: String) -> String {
        if name.hasPrefix("writers__") { return root + "/writers/" + name.dropFirst(9) + ".parquet" }
        return root + "/good/" + name + ".parquet"
    }

    @Test("the corpus is present") func corpusIsPresent() {
        #expect(Self.dumps.count >= 60, "expected dumps under \(Self.root)/expected")
    }

    @Test("decodes the file and matches its expected dump", arguments: dumps)
    func matchesDump(name: String) async throws {
        let path = Self.parquetPath(forDump: name)
        let expectedText = try String(contentsOfFile: Self.root + "/expected/\(name).jsonl", encoding: .utf8)
        let expectedRows = expectedText.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let reader = try ParquetFileReader(path: path)
        let batches = try await reader.readAll(threads: 2)
        var rowIndex = 0
        for batch in batches {
            for row in 0..<batch.rowCount {
                try #require(rowIndex < expectedRows.count, "\(name): more rows than the dump's \(expectedRows.count)")
                let expected = try #require(JSONValue.parse(expectedRows[rowIndex]), "bad dump line \(rowIndex)")
                guard case .object(let members) = expected else {
                    Issue.record("dump line \(rowIndex) is not an object")
                    return
                }
                #expect(members.map(\.0) == batch.schema.fields.map(\.name), "\(name): column names")
                for (column, (field, member)) in zip(batch.columns, zip(batch.schema.fields, members)) {
                    let value = column.scalar(at: row)
                    if !Self.matches(value, field.type, member.1) {
                        Issue.record("\(name) row \(rowIndex) column \(field.name): got \(value), expected \(member.1)")
                        return
                    }
                }
                rowIndex += 1
            }
        }
        #expect(rowIndex == expectedRows.count, "\(name): read \(rowIndex) rows, the dump has \(expectedRows.count)")
        // The single-threaded path decodes the same rows.
        if reader.rowGroupCount > 0 {
            #expect(try reader.readRowGroup(0) == batches[0])
        }
    }

    @Test("files with features lake does not support fail with a clear error")
    func unsupportedFiles() {
        #expect {
            _ = try ParquetFileReader(path: Self.root + "/good/large_string_map.brotli.parquet").readRowGroup(0)
        } throws: { error in
            guard let error = error as? ParquetError, case .unsupported(_, let feature) = error else { return false }
            return feature.contains("BROTLI")
        }
    }

    @Test("every malformed file gives a ParquetError, never a crash", arguments: [
        "ARROW-GH-41317", "ARROW-GH-41321", "ARROW-GH-47662", "ARROW-RS-GH-6229-DICTHEADER",
    ])
    func badFilesFail(name: String) async {
        await #expect(throws: ParquetError.self) {
            let reader = try ParquetFileReader(path: Self.root + "/bad/\(name).parquet")
            _ = try await reader.readAll(threads: 1)
        }
    }

    @Test("a 1-entry dictionary with 0-bit indices reads or fails cleanly")
    func zeroWidthIndices() async {
        do {
            let reader = try ParquetFileReader(path: Self.root + "/bad/ARROW-GH-43605.parquet")
            let batches = try await reader.readAll(threads: 1)
            #expect(batches.reduce(0) { $0 + $1.rowCount } == 21186)
        } catch {
            #expect(error.description.contains("ARROW-GH-43605.parquet"))
        }
    }

    /// Whether a decoded value matches a dump value under MANIFEST.md's rules.
    static func matches(_ value: ScalarValue, _ type: DataType, _ expected: JSONValue) -> Bool {
        switch (value, expected) {
        case (.null, .null): return true
        case (.boolean(let flag), .bool(let other)): return flag == other
        case (.integer(let number), .number(let text)): return Int64(text) == number
        case (.float32(let number), .string(let text)): return floatMatches(Double(number), text)
        case (.float(let number), .string(let text)): return floatMatches(number, text)
        case (.decimal(let unscaled, let scale), .string(let text)):
            return ValueFormatting.decimal(unscaled, scale: scale) == text
        case (.decimal(let unscaled, 0), .number(let text)): return String(unscaled) == text  // UINT64
        case (.string(let text), .string(let other)): return text == other
        case (.binary(let bytes), .string(let text)):
            return bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
                .joined() == text
        case (.date(let days), .string(let text)): return ValueFormatting.date(Int64(days)) == text
        case (.timestamp(let micros), .string(let text)): return ValueFormatting.timestamp(micros, utc: true) == text
        case (.timestampNTZ(let micros), .string(let text)):
            return ValueFormatting.timestamp(micros, utc: false) == text
        case (.time(let micros), .string(let text)): return ValueFormatting.time(micros) == text
        case (.list(let items), .array(let expectedItems)):
            guard case .list(let element) = type, items.count == expectedItems.count else { return false }
            return zip(items, expectedItems).allSatisfy { matches($0, element.type, $1) }
        case (.struct(let members), .object(let expectedMembers)):
            guard case .struct(let fields) = type, members.count == expectedMembers.count else { return false }
            return zip(fields, zip(members, expectedMembers)).allSatisfy { field, pair in
                field.name == pair.1.0 && matches(pair.0, field.type, pair.1.1)
            }
        case (.map(let keys, let values), .array(let entries)):
            guard case .map(let keyField, let valueField) = type, keys.count == entries.count else { return false }
            for (index, entry) in entries.enumerated() {
                guard case .array(let pair) = entry, pair.count == 2, matches(keys[index], keyField.type, pair[0]),
                    matches(values[index], valueField.type, pair[1])
                else { return false }
            }
            return true
        default: return false
        }
    }

    static func floatMatches(_ number: Double, _ text: String) -> Bool {
        switch text {
        case "nan": return number.isNaN
        case "inf": return number == .infinity
        case "-inf": return number == -.infinity
        default:
            guard let expected = Double(text) else { return false }
            return expected == number && expected.sign == number.sign
        }
    }
}
