import Foundation
import LakeIO
import Testing

/// ``TablePath``: paths from a table or a user never resolve outside the table root (I6, T8).
@Suite("Table path safety")
struct TablePathTests {
    /// Relative paths that stay inside the root, including look-alikes of the dangerous ones.
    static let safe = [
        "part-00000.parquet",
        "year=2024/month=01/part-0.parquet",
        "_delta_log/00000000000000000000.json",
        "%2e%2e/x.parquet",  // still encoded: a literal name
        "%2e%2e%2f",
        "a..b",
        "..a",
        "a..",
        "...",
        "a/.../b",
        ".hidden",
        "a\\..\\..\\b",  // backslashes are ordinary characters on POSIX
        "\u{2024}\u{2024}/x",  // ONE DOT LEADER look-alikes of ".."
        "ﾠ/x",
        "name with spaces/and\nnewline",
        "é/ü.parquet",
        String(repeating: "a/", count: 200) + "deep",
    ]

    /// Unsafe relative paths and why.
    static let unsafe: [(String, String)] = [
        ("", "empty"),
        ("/etc/passwd", "absolute"),
        ("/", "absolute"),
        ("..", "'..'"),
        ("../x", "'..'"),
        ("a/../../x", "'..'"),
        ("a/..", "'..'"),
        ("a/b/../../../c", "'..'"),
        (".", "'.'"),
        ("./a", "'.'"),
        ("a/./b", "'.'"),
        ("a//b", "empty component"),
        ("a/", "empty component"),
        ("x\0y", "NUL"),
        ("a/\0/b", "NUL"),
        (percentDecoded("%2e%2e%2fsecret"), "'..'"),  // decoded by the caller first
        (percentDecoded("a/%2E%2E/%2e%2e/b"), "'..'"),
        (percentDecoded("%2fetc%2fpasswd"), "absolute"),
        (percentDecoded("x%00y"), "NUL"),
    ]

    @Test("safe relative paths resolve under the root", arguments: safe)
    func safePathResolves(relative: String) throws {
        let resolved = try TablePath.resolve(relative: relative, under: "/data/table")
        #expect(resolved == "/data/table/" + relative)
        #expect(try TablePath.resolve(relative: relative, under: "/data/table/") == resolved)
    }

    @Test("unsafe relative paths are refused, saying why", arguments: unsafe)
    func unsafePathIsRefused(relative: String, why: String) {
        do throws(StorageError) {
            let resolved = try TablePath.resolve(relative: relative, under: "/data/table")
            Issue.record("'\(relative)' resolved to \(resolved)")
        } catch {
            guard case .unsafePath(let path, let reason) = error else {
                Issue.record("expected unsafePath, got \(error)")
                return
            }
            #expect(path == relative)
            let expected =
                switch why {
                case "empty": "empty"
                case "absolute": "absolute"
                case "NUL": "NUL"
                case "empty component": "empty component"
                default: why
                }
            #expect(reason.contains(expected), "'\(relative)': \(reason)")
            // The message never prints a raw NUL or newline.
            #expect(!error.description.contains("\0"))
        }
    }

    @Test("an empty root or a root with NUL is refused")
    func badRoots() {
        #expect(throws: StorageError.self) { try TablePath.resolve(relative: "a", under: "") }
        #expect(throws: StorageError.self) { try TablePath.resolve(relative: "a", under: "/data\0/t") }
    }

    @Test("symbolic links inside the table may not lead outside it")
    func symbolicLinksStayInside() throws {
        try withTemporaryDirectory { directory in
            let root = directory + "/table"
            try FileManager.default.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: directory + "/outside", withIntermediateDirectories: true)
            try FileSystem.createExclusive(at: root + "/sub/part.parquet", contents: [UInt8]())
            try FileSystem.createExclusive(at: directory + "/outside/secret", contents: [UInt8]())
            try FileSystem.createExclusive(at: directory + "/table-sibling", contents: [UInt8]())
            try FileManager.default.createSymbolicLink(
                atPath: root + "/inside-link", withDestinationPath: "sub/part.parquet")
            try FileManager.default.createSymbolicLink(
                atPath: root + "/escape", withDestinationPath: "../outside/secret")
            try FileManager.default.createSymbolicLink(atPath: root + "/escape-dir", withDestinationPath: "../outside")
            // A sibling whose name starts with the root's name is not inside it.
            try FileManager.default.createSymbolicLink(
                atPath: root + "/sibling", withDestinationPath: "../table-sibling")

            try TablePath.checkContained(try TablePath.resolve(relative: "sub/part.parquet", under: root), in: root)
            try TablePath.checkContained(try TablePath.resolve(relative: "inside-link", under: root), in: root)
            for relative in ["escape", "escape-dir/secret", "sibling"] {
                #expect(throws: StorageError.self, "\(relative)") {
                    try TablePath.checkContained(try TablePath.resolve(relative: relative, under: root), in: root)
                }
            }
            #expect(throws: StorageError.notFound(path: root + "/missing")) {
                try TablePath.checkContained(root + "/missing", in: root)
            }
        }
    }
}

/// Percent-decodes `text` as a caller would before resolving a Delta `add.path`.
private func percentDecoded(_ text: String) -> String {
    var bytes: [UInt8] = []
    var iterator = Array(text.utf8).makeIterator()
    while let byte = iterator.next() {
        guard byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
            let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
        else {
            bytes.append(byte)
            continue
        }
        bytes.append(value)
    }
    return String(decoding: bytes, as: UTF8.self)
}
