#if canImport(Glibc)
    import Glibc
#endif

/// The URI form of file paths in the Delta log, and partition directory names.
///
/// Delta PROTOCOL.md "Add File and Remove File": `path` is a URI relative to the table root (or
/// absolute). Writers Hive-escape a partition value into its directory name and then
/// percent-encode the whole path, so a value `eu west/1` appears as `region=eu%2520west%252F1`
/// in the log and `region=eu%20west%2F1` on disk. Readers decode exactly once
/// (`../shared/briefs/delta.md` §3).
public enum DeltaPath {
    /// Percent-decodes a log path once; a `file:` URI becomes its absolute path.
    ///
    /// A `%` not followed by two hex digits is kept as is, as Hadoop's path parser does.
    public static func decode(_ uri: String) -> String {
        if !uri.hasPrefix("file:"), !containsPercent(Substring(uri)) { return uri }
        var text = Substring(uri)
        if text.hasPrefix("file:") {
            text = text.dropFirst(5)
            if text.hasPrefix("///") {
                text = text.dropFirst(2)
            } else if text.hasPrefix("//") {
                // file://host/path: keep only the path.
                text = text.dropFirst(2)
                text = text.firstIndex(of: "/").map { text[$0...] } ?? ""
            }
        }
        guard containsPercent(text) else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        let source = Array(text.utf8)
        var index = 0
        while index < source.count {
            let byte = source[index]
            if byte == UInt8(ascii: "%"), index + 2 < source.count, let high = hexValue(source[index + 1]),
                let low = hexValue(source[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// ``decode(_:)`` straight from a log path's UTF-8 bytes (a checkpoint's string column), with
    /// one allocation for the common path that has neither `%` nor a `file:` scheme.
    static func decode(utf8 bytes: UnsafeBufferPointer<UInt8>) -> String {
        let plain =
            bytes.isEmpty
            || (memchr(bytes.baseAddress!, 0x25, bytes.count) == nil
                && !(bytes.count >= 5 && bytes[0] == UInt8(ascii: "f") && bytes[1] == UInt8(ascii: "i")
                    && bytes[2] == UInt8(ascii: "l") && bytes[3] == UInt8(ascii: "e") && bytes[4] == UInt8(ascii: ":")))
        let text = String(decoding: bytes, as: UTF8.self)
        return plain ? text : decode(text)
    }

    private static func containsPercent(_ text: Substring) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.isEmpty ? false : memchr(bytes.baseAddress!, 0x25, bytes.count) != nil
        } ?? text.utf8.contains(UInt8(ascii: "%"))
    }

    /// Percent-encodes a relative path for the log: every byte except ASCII letters, digits and
    /// `- . _ ~ / =` becomes `%XX`.
    public static func encode(_ path: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(path.utf8.count)
        for byte in path.utf8 {
            if isUnreserved(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=") {
                bytes.append(byte)
            } else {
                appendPercent(byte, to: &bytes)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Hive-escapes a partition value for a directory name (`region=<escaped>`).
    ///
    /// Escapes control bytes, space and `" # % ' * / : = ? \ { [ ] ^` as `%XX` (uppercase hex),
    /// as Spark does plus space (`../shared/briefs/delta.md` §3). A null value is written as
    /// `__HIVE_DEFAULT_PARTITION__` by the caller.
    public static func escapePartitionValue(_ value: String) -> String {
        var bytes: [UInt8] = []
        for byte in value.utf8 {
            switch byte {
            case 0..<0x20, 0x7F, UInt8(ascii: " "), UInt8(ascii: "\""), UInt8(ascii: "#"), UInt8(ascii: "%"),
                UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "="),
                UInt8(ascii: "?"), UInt8(ascii: "\\"), UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "]"),
                UInt8(ascii: "^"):
                appendPercent(byte, to: &bytes)
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }

    private static func appendPercent(_ byte: UInt8, to bytes: inout [UInt8]) {
        let digits = Array("0123456789ABCDEF".utf8)
        bytes.append(UInt8(ascii: "%"))
        bytes.append(digits[Int(byte >> 4)])
        bytes.append(digits[Int(byte & 0x0F)])
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
