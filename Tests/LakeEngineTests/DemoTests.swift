import Foundation
import LakeDelta
import LakeEngine
import Testing

@Suite("lake demo")
struct DemoTests {
    @Test("runs the lifecycle on a small data set: small files, KPI, compaction, identical KPI, history, vacuum")
    func smallRun() async throws {
        let lake = FileManager.default.temporaryDirectory.path + "/lake-demo-test-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: lake) }
        for run in 0..<2 {  // a second run replaces the rows and keeps history
            var lines: [String] = []
            try await Demo(lakeRoot: lake, rows: 20_000, batches: 10, threads: 2).run { lines.append($0) }
            let text = lines.joined(separator: "\n")
            #expect(text.contains("10 atomic commits"))
            #expect(text.contains("The small-file problem:"))
            #expect(text.contains("identical answer"))
            #expect(text.contains("OPTIMIZE numRemovedFiles="))
            #expect(text.contains("20,000 rows exactly once"))
            let snapshot = try Snapshot.load(table: lake + "/demo_sensors")
            #expect(snapshot.partitionColumns == ["day"])
            #expect(Set(snapshot.files.map { $0.partitionValues["day"] ?? nil }).count == 4)
            #expect(snapshot.files.count == 4)
            if run == 1 { #expect(snapshot.version > 20) }
        }
    }
}
