/// Where tests find checked-in fixtures and the shared conformance corpus.
///
/// Paths are derived from this file's location (`#filePath`), not from bundle resources, so they
/// work the same under `swift test` and in a fresh clone (STYLE.md, Tests).
package enum TestPaths {
    /// The package root: the directory holding `Package.swift`.
    package static let packageRoot: String = {
        var path = #filePath
        for _ in 0..<3 {  // Tests/LakeTestSupport/Paths.swift → package root
            if let slash = path.lastIndex(of: "/") { path = String(path[..<slash]) }
        }
        return path
    }()

    /// `Fixtures/` in this repository.
    package static var fixtures: String { packageRoot + "/Fixtures" }

    /// `../shared/conformance`, the read-only corpus beside the repository (also present in CI).
    package static var conformance: String { packageRoot + "/../shared/conformance" }
}
