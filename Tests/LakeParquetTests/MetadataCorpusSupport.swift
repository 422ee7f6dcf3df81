import Foundation
import LakeIO
import LakeTestSupport

@testable import LakeParquet

/// The conformance corpus and the pqinspect golden (Fixtures/parquet-footers/README.md).
enum MetadataCorpus {
    /// `../shared/conformance/parquet`.
    static let root = TestPaths.conformance + "/parquet"

    /// Every `.parquet` file of `folder`, as `folder/name`, sorted.
    static func files(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + folder)) ?? []
        return names.filter { $0.hasSuffix(".parquet") }.sorted().map { folder + "/" + $0 }
    }

    /// The files whose footers pqinspect.py summarized: good/, writers/ and minimal_writer/.
    static let goldenFiles: [String] = files(in: "good") + files(in: "writers") + files(in: "minimal_writer")

    /// minimal_writer files that omit a Thrift-required field or a leaf's repetition_type:
    /// pyarrow and DuckDB reject them (minimal_writer/results.json), and so must we.
    static let expectedFooterFailures: Set<String> = [
        "minimal_writer/no_encodings_required.parquet",
        "minimal_writer/no_file_offset_required.parquet",
        "minimal_writer/no_num_values_required.parquet",
        "minimal_writer/no_total_byte_size_required.parquet",
        "minimal_writer/no_total_uncompressed_size_required.parquet",
        "minimal_writer/leaf_without_repetition_type.parquet",
    ]

    /// The golden's bytes, read once.
    static let goldenData: Data? = FileManager.default.contents(
        atPath: TestPaths.fixtures + "/parquet-footers/footers.json"
    )

    /// pqinspect's facts per file.
    static var golden: [String: [String: Any]] {
        guard let goldenData,
            let object = try? JSONSerialization.jsonObject(with: goldenData) as? [String: [String: Any]]
        else { return [:] }
        return object
    }

    /// The whole file.
    static func bytes(_ relativePath: String) throws -> ContiguousArray<UInt8> {
        try RandomAccessFile(path: root + "/" + relativePath).readAll()
    }

    /// Reads the footer through the pread path.
    static func footer(_ relativePath: String) throws -> FileMetaData {
        try ParquetFooter.read(RandomAccessFile(path: root + "/" + relativePath))
    }
}

/// Renders decoded metadata the way `tools/pqinspect.py` does, so the two can be compared.
enum PQInspect {
    static let physicalNames = [
        "BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY",
    ]
    static let repetitionNames = ["REQUIRED", "OPTIONAL", "REPEATED"]
    static let logicalNames: [Int16: String] = [
        1: "STRING", 2: "MAP", 3: "LIST", 4: "ENUM", 5: "DECIMAL", 6: "DATE", 7: "TIME", 8: "TIMESTAMP",
        10: "INTEGER", 11: "UNKNOWN", 12: "JSON", 13: "BSON", 14: "UUID", 15: "FLOAT16", 16: "VARIANT",
        17: "GEOMETRY", 18: "GEOGRAPHY", 19: "FILE",
    ]

    static func name(_ type: PhysicalType) -> String { physicalNames[Int(type.rawValue)] }

    static func python(_ value: Bool) -> String { value ? "True" : "False" }

    static func logical(_ type: LogicalType) -> String {
        switch type {
        case .decimal(let scale, let precision): "DECIMAL(precision=\(precision),scale=\(scale))"
        case .time(let utc, let unit): "TIME(isAdjustedToUTC=\(python(utc)),unit=\(unit.name))"
        case .timestamp(let utc, let unit): "TIMESTAMP(isAdjustedToUTC=\(python(utc)),unit=\(unit.name))"
        case .integer(let width, let signed): "INTEGER(bitWidth=\(width),isSigned=\(python(signed)))"
        default: logicalNames[type.fieldID] ?? "?\(type.fieldID)"
        }
    }

    /// `schema_lines` of pqinspect.py.
    static func schemaLines(_ schema: [SchemaElement]) -> [String] {
        var lines: [String] = []
        var stack: [Int] = []
        for element in schema {
            var parts = [element.repetitionType.map { repetitionNames[Int($0.rawValue)] } ?? "(root)"]
            if let type = element.type {
                parts.append(type == .fixedLenByteArray ? "\(name(type))(\(element.typeLength ?? -1))" : name(type))
            } else {
                parts.append("group")
            }
            parts.append(element.name)
            if let logicalType = element.logicalType { parts.append("logical=" + logical(logicalType)) }
            if let convertedType = element.convertedType { parts.append("converted=" + convertedType.name) }
            if element.scale != nil || element.precision != nil {
                parts.append(
                    "scale=\(element.scale.map(String.init) ?? "None") precision=\(element.precision.map(String.init) ?? "None")"
                )
            }
            if let fieldID = element.fieldID { parts.append("field_id=\(fieldID)") }
            lines.append(String(repeating: "  ", count: stack.count) + parts.joined(separator: " "))
            if !stack.isEmpty { stack[stack.count - 1] -= 1 }
            if let children = element.numChildren, children > 0 { stack.append(Int(children)) }
            while let last = stack.last, last == 0 { stack.removeLast() }
        }
        return lines
    }

    static func encodingName(_ encoding: Encoding) -> String {
        encoding == .unknown(10) ? "ALP" : encoding.name
    }

    static func statsFields(_ statistics: Statistics) -> [String] {
        var fields: [String] = []
        if statistics.max != nil { fields.append("max") }
        if statistics.min != nil { fields.append("min") }
        if statistics.nullCount != nil { fields.append("null_count") }
        if statistics.distinctCount != nil { fields.append("distinct_count") }
        if statistics.maxValue != nil { fields.append("max_value") }
        if statistics.minValue != nil { fields.append("min_value") }
        if statistics.isMaxValueExact != nil { fields.append("is_max_value_exact") }
        if statistics.isMinValueExact != nil { fields.append("is_min_value_exact") }
        if statistics.nanCount != nil { fields.append("nan_count") }
        return fields.sorted()
    }

    static func orderName(_ order: ColumnOrder) -> String {
        switch order {
        case .typeDefinedOrder: "TYPE_ORDER"
        case .ieee754TotalOrder: "IEEE_754_TOTAL_ORDER"
        case .int96TimestampOrder: "INT96_TIMESTAMP_ORDER"
        case .unrecognized(let id): "?\(id)"
        }
    }
}
