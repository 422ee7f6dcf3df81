#if canImport(Glibc)
    import Glibc
#endif

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

    /// `shared/`, the read-only material beside the repository (also present in CI): `$LAKE_SHARED`
    /// when set (Tools/test.sh sets it for clones made away from the original checkout), else
    /// `../shared` next to the package root.
    package static let shared: String = {
        if let value = getenv("LAKE_SHARED"), value.pointee != 0 { return String(cString: value) }
        return packageRoot + "/../shared"
    }()

    /// `shared/conformance`, the corpus of files and tables other engines wrote.
    package static var conformance: String { shared + "/conformance" }
}
