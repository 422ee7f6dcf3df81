import Foundation
import LakeColumnar
import LakeDelta
import LakeTestSupport
import Testing

/// Reads every table of ../shared/conformance/delta (manifest.json) and checks it under the rules
/// of that folder's MANIFEST.md: supported tables match their expected rows (canonical multiset)
/// and per-version row counts; tables with an unsupported reader feature and the negative cases
/// fail with an error that names the problem. Exceptions are listed explicitly with a reason.
@Suite("Delta conformance tables")
struct DeltaConformanceTests {
    static let root = TestPaths.conformance + "/delta"

    /// One table of manifest.json.
    struct Table: Sendable, CustomTestStringConvertible {
        var source: String
        var name: String
        var root: String
        var contentFile: String?
        /// Rows at each version; `nil` where the version cannot be read.
        var rowsByVersion: [(Int64, Int?)]
        var rowsLatest: Int?
        var readerVersion: Int?
        var readerFeatures: [String]
        var columnMapping: String?
        /// Log-only tables: live file count and rows from statistics.
        var logOnly: (files: Int, rowsFromStats: Int?)?

        var id: String { source + "/" + name }
        var testDescription: String { id }
    }

    /// How a table must behave.
    enum Outcome {
        /// Read; compare rows.
        case read
        /// Refuse with an error whose text contains every fragment of `all` and one of `any` (if any).
        case refuse(all: [String], any: [String] = [])
    }

    /// Negative cases of MANIFEST.md and the error text each must produce.
    static let negativeCases: [String: [String]] = [
        "delta-golden/deltalog-invalid-protocol-version": ["reader version 99"],
        "delta-golden/deltalog-state-reconstruction-without-metadata": ["no metaData action"],
        "delta-golden/deltalog-state-reconstruction-without-protocol": ["no protocol action"],
        "delta-golden/deltalog-state-reconstruction-from-checkpoint-missing-metadata": ["no metaData action"],
        "delta-golden/deltalog-state-reconstruction-from-checkpoint-missing-protocol": ["no protocol action"],
        "delta-golden/no-delta-log-folder": ["not a Delta table", "_delta_log"],
        "delta-rs/simple_table_features": ["reader version 5"],
    ]

    /// Known exceptions: tables lake reads differently from the dump, each with the reason and
    /// the error lake gives instead. Nothing is skipped silently.
    static let exceptions: [String: (reason: String, error: [String])] = [
        "deltalake-py/mixed_codecs": (
            "one data file is BROTLI-compressed; LakeParquet does not implement BROTLI (SPEC.md §3.3)",
            ["BROTLI"]
        )
    ]

    /// Tables whose dump is wrong, with the reason and the rows lake must read instead.
    static let correctedDumps: [String: (reason: String, rows: [String])] = [
        "delta-rs/table_with_edge_timestamps": (
            "the dump comes from delta-rs' nanosecond arrays, where the INT96 value 9999-12-31 wraps to 1816-03-29; "
                + "the log's own statistics say 9999-12-31, which is what lake reads",
            [
                #"{"BIG_DATE": "9999-12-30T00:00:00", "NORMAL_DATE": "2022-02-01T00:00:00", "SOME_VALUE": 2}"#,
                #"{"BIG_DATE": "9999-12-31T00:00:00", "NORMAL_DATE": "2022-01-01T00:00:00", "SOME_VALUE": 1}"#,
            ]
        )
    ]

    /// Reader features lake implements (kept here independently of the implementation).
    static let implementedFeatures: Set<String> = ["timestampNtz", "vacuumProtocolCheck", "v2Checkpoint"]

    static func outcome(_ table: Table) -> Outcome {
        if let fragments = negativeCases[table.id] { return .refuse(all: fragments) }
        if let exception = exceptions[table.id] { return .refuse(all: exception.error) }
        if let version = table.readerVersion, version > 3 { return .refuse(all: ["reader version \(version)"]) }
        if let mode = table.columnMapping, mode != "none" {
            return .refuse(all: ["unsupported table feature columnMapping"])
        }
        let unsupported = table.readerFeatures.filter { !implementedFeatures.contains($0) }
        if table.readerVersion == 3, !unsupported.isEmpty {
            return .refuse(all: ["unsupported table feature"], any: unsupported)
        }
        return .read
    }

    static let tables: [Table] = {
        guard let text = try? String(contentsOfFile: root + "/manifest.json", encoding: .utf8),
            let manifest = try? JSONReader.parse(text), let entries = manifest.arrayValue
        else { return [] }
        return entries.map { entry in
            var rowsByVersion: [(Int64, Int?)] = []
            for (version, rows) in entry["per_version_rows"]?.objectMembers ?? [] {
                rowsByVersion.append((Int64(version)!, rows.int64Value.map { Int($0) }))
            }
            var logOnly: (Int, Int?)?
            if let filesOnly = entry["files_only"], let files = filesOnly["files"]?.int64Value,
                filesOnly["checkpoint"].map({ !$0.isNull }) ?? false || filesOnly["rows_from_stats"]?.int64Value != nil
            {
                logOnly = (Int(files), filesOnly["rows_from_stats"]?.int64Value.map { Int($0) })
            }
            return Table(
                source: entry["source"]?.stringValue ?? "", name: entry["name"]?.stringValue ?? "",
                root: entry["root"]?.stringValue ?? "", contentFile: entry["content_file"]?.stringValue,
                rowsByVersion: rowsByVersion.sorted { $0.0 < $1.0 },
                rowsLatest: entry["rows_latest"]?.int64Value.map { Int($0) },
                readerVersion: entry["protocol"]?["minReaderVersion"]?.int64Value.map { Int($0) },
                readerFeatures: entry["protocol"]?["readerFeatures"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                columnMapping: entry["columnMapping"]?.stringValue, logOnly: logOnly)
        }
    }()

    @Test("the manifest is present and complete") func manifestIsPresent() {
        #expect(Self.tables.count >= 90, "expected the tables of \(Self.root)/manifest.json")
        for id in Self.negativeCases.keys { #expect(Self.tables.contains { $0.id == id }, "\(id) is in the manifest") }
        for id in Self.exceptions.keys { #expect(Self.tables.contains { $0.id == id }, "\(id) is in the manifest") }
        for id in Self.correctedDumps.keys { #expect(Self.tables.contains { $0.id == id }, "\(id) is in the manifest") }
    }

    @Test("reads the table or refuses it as MANIFEST.md says", arguments: tables)
    func table(_ table: Table) async throws {
        let path = Self.root + "/" + table.root
        switch Self.outcome(table) {
        case .refuse(let fragments, let alternatives):
            do {
                let snapshot = try Snapshot.load(table: path)
                _ = try await TableScan(snapshot: snapshot).read(threads: 2)
                Issue.record("\(table.id) was read, but lake must refuse it with an error mentioning \(fragments)")
            } catch {
                let text = "\(error)"
                for fragment in fragments where !fragment.isEmpty {
                    #expect(text.contains(fragment), "\(table.id): the error '\(text)' should mention '\(fragment)'")
                }
                if !alternatives.isEmpty {
                    #expect(
                        alternatives.contains { text.contains($0) },
                        "\(table.id): '\(text)' should name one of \(alternatives)")
                }
                #expect(
                    text.contains(path) || text.contains(table.root),
                    "\(table.id): the error '\(text)' names the table or file")
            }
            // An exception's log is still readable: check its per-version row counts (footers only).
            if Self.exceptions[table.id] != nil { try checkVersions(table, path: path) }
        case .read:
            try await checkLatest(table, path: path)
            try checkVersions(table, path: path)
        }
    }

    func checkLatest(_ table: Table, path: String) async throws {
        let snapshot = try Snapshot.load(table: path)
        if let logOnly = table.logOnly {
            #expect(snapshot.files.count == logOnly.files, "\(table.id): live files")
            if let rows = logOnly.rowsFromStats {
                #expect(snapshot.rowCountFromStatistics == Int64(rows), "\(table.id): rows from statistics")
            }
            return
        }
        let batches = try await TableScan(snapshot: snapshot).read(threads: 2)
        let rowCount = batches.reduce(0) { $0 + $1.rowCount }
        if let rows = table.rowsLatest { #expect(rowCount == rows, "\(table.id): rows at the latest version") }
        let expectedLines: [String]
        if let corrected = Self.correctedDumps[table.id] {
            expectedLines = corrected.rows
        } else if let contentFile = table.contentFile {
            let expectedText = try String(contentsOfFile: Self.root + "/" + contentFile, encoding: .utf8)
            expectedLines = expectedText.split(separator: "\n").map(String.init)
        } else {
            return
        }
        let expected = expectedLines.map { CanonicalRows.canonicalize($0) ?? "<bad line>" }.sorted()
        let actual = CanonicalRows.lines(batches).sorted()
        #expect(actual.count == expected.count, "\(table.id): \(actual.count) rows, the dump has \(expected.count)")
        let missing = Self.difference(expected, actual)
        let extra = Self.difference(actual, expected)
        #expect(
            missing.isEmpty && extra.isEmpty,
            "\(table.id): rows differ; missing \(missing.prefix(3)) … extra \(extra.prefix(3))")
    }

    func checkVersions(_ table: Table, path: String) throws {
        guard table.logOnly == nil || table.rowsByVersion.contains(where: { $0.1 != nil }) else { return }
        let log = DeltaLog(tableRoot: path)
        let listing = try log.listing()
        for (version, rows) in table.rowsByVersion {
            if let rows {
                let snapshot = try log.snapshot(version: version, listing: listing)
                #expect(try TableScan(snapshot: snapshot).countRows() == rows, "\(table.id) v\(version): rows")
            } else {
                #expect(throws: DeltaError.self, "\(table.id) v\(version) cannot be read") {
                    let snapshot = try log.snapshot(version: version, listing: listing)
                    _ = try TableScan(snapshot: snapshot).countRows()
                }
            }
        }
    }

    /// The elements of sorted `left` not matched in sorted `right` (multiset difference).
    static func difference(_ left: [String], _ right: [String]) -> [String] {
        var result: [String] = []
        var index = 0
        for item in left {
            while index < right.count && right[index] < item { index += 1 }
            if index < right.count && right[index] == item {
                index += 1
            } else {
                result.append(item)
            }
        }
        return result
    }
}
