import LakeDelta

/// The exact JSON value of LakeDelta's log codec (numbers kept as their text), shared by the tests.
///
/// One parser for the whole package: the conformance dumps are read with the same code that reads
/// the Delta log (MANIFEST.md dump rules need int64 exactness, which Foundation's parser lacks).
package typealias JSONValue = LakeDelta.JSONValue

extension LakeDelta.JSONValue {
    /// Parses one JSON text; `nil` when it is malformed.
    package static func parse(_ text: String) -> JSONValue? {
        try? JSONReader.parse(text)
    }
}
