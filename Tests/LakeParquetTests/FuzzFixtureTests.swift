import Foundation
import LakeTestSupport
import Testing

@testable import LakeParquet

/// Every hostile file in `Fixtures/parquet/fuzz` (fuzzer findings and hand-made claims, listed in
/// its README.md) fails with a clean ``ParquetError`` naming the file.
@Suite("Parquet fuzz regression fixtures")
struct FuzzFixtureTests {
    static let directory = TestPaths.fixtures + "/parquet/fuzz"

    static let files: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".parquet") }.sorted()
    }()

    @Test("the fixtures are present and each has a README line")
    func fixturesAreListed() throws {
        #expect(Self.files.count >= 7)
        let readme = try String(contentsOfFile: Self.directory + "/README.md", encoding: .utf8)
        for file in Self.files {
            #expect(readme.contains("`\(file)`"), "\(file) has no line in README.md")
        }
    }

    @Test("fails with a ParquetError naming the file", arguments: files)
    func fixtureFailsCleanly(file: String) {
        let path = Self.directory + "/" + file
        do throws(ParquetError) {
            let reader = try ParquetFileReader(path: path)
            _ = reader.rowCount
            _ = try reader.inspection()
            for group in 0..<reader.rowGroupCount { _ = try reader.readRowGroup(group) }
            Issue.record("\(file) read without an error")
        } catch {
            #expect(error.description.contains(path), "the error does not name the file: \(error)")
        }
    }
}
