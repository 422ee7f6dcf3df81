import Foundation

/// Runs `body` with a fresh, empty directory under `base`, removed afterwards.
func withTemporaryDirectory<Result>(
    in base: String = NSTemporaryDirectory(), _ body: (String) throws -> Result
) throws -> Result {
    var template = Array((base.hasSuffix("/") ? base : base + "/").utf8CString.dropLast())
    template.append(contentsOf: "lake-io-XXXXXX".utf8CString)
    let directory = try template.withUnsafeMutableBufferPointer { buffer -> String in
        guard mkdtemp(buffer.baseAddress!) != nil else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: base])
        }
        return String(cString: buffer.baseAddress!)
    }
    defer { try? FileManager.default.removeItem(atPath: directory) }
    return try body(directory)
}

/// The names in `directory`, sorted (including hidden ones such as leftover temp files).
func names(in directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
}

/// The bytes of the file at `path`.
func contents(of path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}
