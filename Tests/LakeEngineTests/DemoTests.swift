import LakeEngine
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("lake demo")
struct DemoTests {
    @Test("runs every step on a small data set and checks the rows it reads back")
    func smallRun() async throws {
        var template = Array("/tmp/lake-demo-test-XXXXXX".utf8CString)
        let directory = try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map {
            String(cString: $0)
        })
        defer {
            unlink(directory + "/sensors.zstd.parquet")
            rmdir(directory)
        }
        var lines: [String] = []
        try await Demo(directory: directory, rows: 20_000, threads: 2).run { lines.append($0) }
        let text = lines.joined(separator: "\n")
        #expect(text.contains("20,000 rows, 1 row group(s)"))
        #expect(text.contains("20,000 rows in") && text.contains("identical"))
        #expect(text.contains("site: ZSTD"))
        #expect(text.contains("dev-0413"))
    }
}
