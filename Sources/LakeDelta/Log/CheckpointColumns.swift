import LakeColumnar

/// Row-wise typed reads from the nested columns of a checkpoint (`add`, `remove`, `metaData`, …).
///
/// Children are found by name once per batch (field order differs between Spark and delta-rs);
/// each read then checks the row's validity and converts from whichever integer width the writer
/// chose. A child of an unexpected type reads as absent.
struct StructReader {
    let column: StructColumn
    private let childIndex: [String: Int]

    init(_ column: StructColumn) {
        self.column = column
        var index: [String: Int] = [:]
        for (position, field) in column.fields.enumerated() where index[field.name] == nil {
            index[field.name] = position
        }
        self.childIndex = index
    }

    /// Whether the struct itself is present at `row`.
    func isValid(_ row: Int) -> Bool { column.validity?.isValid(row) ?? true }

    func child(_ name: String) -> Column? { childIndex[name].map { column.children[$0] } }

    /// A reader for the nested struct `name`, or `nil` when absent or not a struct.
    func structChild(_ name: String) -> StructReader? {
        guard case .struct(let nested)? = child(name) else { return nil }
        return StructReader(nested)
    }

    func string(_ name: String, _ row: Int) -> String? {
        guard let child = child(name) else { return nil }
        return Self.string(child, row)
    }

    static func string(_ column: Column, _ row: Int) -> String? {
        switch column {
        case .string(let strings), .binary(let strings): strings.string(at: row)
        default: nil
        }
    }

    func int64(_ name: String, _ row: Int) -> Int64? {
        Self.int64(child(name), row)
    }

    static func int64(_ child: Column?, _ row: Int) -> Int64? {
        guard let child, child.isValid(row) else { return nil }
        switch child {
        case .int8(let values): return Int64(values.values[row])
        case .int16(let values): return Int64(values.values[row])
        case .int32(let values): return Int64(values.values[row])
        case .int64(let values), .timestamp(let values): return values.values[row]
        default: return nil
        }
    }

    func bool(_ name: String, _ row: Int) -> Bool? {
        Self.bool(child(name), row)
    }

    static func bool(_ child: Column?, _ row: Int) -> Bool? {
        guard case .boolean(let values)? = child, values.validity?.isValid(row) ?? true else { return nil }
        return values.values[row]
    }

    /// A `map<string,string>` entry set; null values stay `nil`.
    func stringMap(_ name: String, _ row: Int) -> [String: String?]? {
        Self.stringMap(child(name), row)
    }

    static func stringMap(_ child: Column?, _ row: Int) -> [String: String?]? {
        guard case .map(let map)? = child else { return nil }
        return stringMap(map, row)
    }

    static func stringMap(_ map: MapColumn, _ row: Int) -> [String: String?]? {
        guard map.validity?.isValid(row) ?? true else { return nil }
        let range = Int(map.offsets[row])..<Int(map.offsets[row + 1])
        if range.isEmpty { return [:] }
        var result: [String: String?] = [:]
        result.reserveCapacity(range.count)
        for entry in range {
            guard let key = Self.string(map.keys, entry) else { continue }
            result[key] = .some(Self.string(map.values, entry))
        }
        return result
    }

    /// A `list<string>`; null elements are skipped.
    func stringList(_ name: String, _ row: Int) -> [String]? {
        guard case .list(let list)? = child(name), list.validity?.isValid(row) ?? true else { return nil }
        let range = Int(list.offsets[row])..<Int(list.offsets[row + 1])
        return range.compactMap { Self.string(list.elements, $0) }
    }
}

extension StructReader {
    func deletionVector(_ row: Int) -> DeletionVectorDescriptor? {
        // Most files have none: check the row before building a reader for the struct.
        guard let column = child("deletionVector"), column.isValid(row), let vector = structChild("deletionVector"),
            let storageType = vector.string("storageType", row),
            let pathOrInlineDv = vector.string("pathOrInlineDv", row)
        else { return nil }
        return DeletionVectorDescriptor(
            storageType: storageType, pathOrInlineDv: pathOrInlineDv, offset: vector.int64("offset", row),
            sizeInBytes: vector.int64("sizeInBytes", row) ?? 0, cardinality: vector.int64("cardinality", row) ?? 0)
    }

    /// The `add` columns, found once per batch (checkpoints hold one add per data file, so this is
    /// the hot loop of opening a big table: no per-row copies of column structs, one allocation
    /// per string).
    final class AddColumns {
        let reader: StructReader
        let path, stats, clusteringProvider: StringColumn?
        let partitionValues, tags: StringMapColumn?
        let size, modificationTime, baseRowId, defaultRowCommitVersion: Int64Values?
        let dataChange: PrimitiveColumn<Bool>?
        let deletionVectorColumn: Column?
        let statsParsed: StructReader?

        init(_ reader: StructReader) {
            self.reader = reader
            func strings(_ name: String) -> StringColumn? {
                switch reader.child(name) {
                case .string(let column)?, .binary(let column)?: column
                default: nil
                }
            }
            func map(_ name: String) -> StringMapColumn? {
                if case .map(let column)? = reader.child(name) { return StringMapColumn(column) }
                return nil
            }
            path = strings("path")
            stats = strings("stats")
            clusteringProvider = strings("clusteringProvider")
            partitionValues = map("partitionValues")
            tags = map("tags")
            size = Int64Values(reader.child("size"))
            modificationTime = Int64Values(reader.child("modificationTime"))
            baseRowId = Int64Values(reader.child("baseRowId"))
            defaultRowCommitVersion = Int64Values(reader.child("defaultRowCommitVersion"))
            if case .boolean(let column)? = reader.child("dataChange") { dataChange = column } else { dataChange = nil }
            deletionVectorColumn = reader.child("deletionVector")
            statsParsed = reader.structChild("stats_parsed")
        }

        func addFile(_ row: Int) -> AddFile? {
            guard let path, path.isValid(row) else { return nil }
            let range = path.byteRange(row)
            let decoded = path.bytes.withUnsafeBufferPointer { buffer in
                DeltaPath.decode(utf8: UnsafeBufferPointer(rebasing: buffer[range]))
            }
            var statistics = stats?.string(at: row)
            if statistics == nil, let statsParsed, statsParsed.isValid(row) {
                statistics = statsParsed.statisticsJSON(row)
            }
            var vector: DeletionVectorDescriptor?
            if let deletionVectorColumn, deletionVectorColumn.isValid(row) { vector = reader.deletionVector(row) }
            var changed = false
            if let dataChange, dataChange.validity?.isValid(row) ?? true { changed = dataChange.values[row] }
            return AddFile(
                path: decoded, partitionValues: partitionValues?.entries(row) ?? [:],
                size: size?[row] ?? 0, modificationTime: modificationTime?[row] ?? 0, dataChange: changed,
                stats: statistics, tags: tags?.entries(row), deletionVector: vector,
                baseRowId: baseRowId?[row], defaultRowCommitVersion: defaultRowCommitVersion?[row],
                clusteringProvider: clusteringProvider?.string(at: row))
        }
    }

    /// A `map<string,string>` column's parts, taken apart once per batch.
    struct StringMapColumn {
        let offsets: ContiguousArray<Int32>
        let keys: StringColumn
        let values: StringColumn?
        let validity: ValidityBitmap?

        /// `nil` when the keys are not strings (the map then reads as absent, like any child of
        /// an unexpected type).
        init?(_ map: MapColumn) {
            switch map.keys {
            case .string(let column), .binary(let column): keys = column
            default: return nil
            }
            switch map.values {
            case .string(let column), .binary(let column): values = column
            default: values = nil
            }
            offsets = map.offsets
            validity = map.validity
        }

        /// The entries of `row`; a null map is `nil`, null values stay `nil`.
        func entries(_ row: Int) -> [String: String?]? {
            guard validity?.isValid(row) ?? true else { return nil }
            let start = Int(offsets[row])
            let end = Int(offsets[row + 1])
            if start == end { return [:] }
            var result: [String: String?] = [:]
            result.reserveCapacity(end - start)
            for entry in start..<end {
                guard let key = keys.string(at: entry) else { continue }
                result[key] = .some(values?.string(at: entry))
            }
            return result
        }
    }

    /// An integer column of any width, read as `Int64`.
    struct Int64Values {
        let values: ContiguousArray<Int64>
        let validity: ValidityBitmap?

        init?(_ column: Column?) {
            switch column {
            case .int64(let column)?, .timestamp(let column)?:
                values = column.values
                validity = column.validity
            case .int32(let column)?:
                values = ContiguousArray(column.values.lazy.map(Int64.init))
                validity = column.validity
            case .int16(let column)?:
                values = ContiguousArray(column.values.lazy.map(Int64.init))
                validity = column.validity
            case .int8(let column)?:
                values = ContiguousArray(column.values.lazy.map(Int64.init))
                validity = column.validity
            default: return nil
            }
        }

        subscript(row: Int) -> Int64? {
            if let validity, !validity.isValid(row) { return nil }
            return values[row]
        }
    }

    func removeFile(_ row: Int) -> RemoveFile? {
        guard let path = string("path", row) else { return nil }
        return RemoveFile(
            path: DeltaPath.decode(path), deletionTimestamp: int64("deletionTimestamp", row),
            dataChange: bool("dataChange", row) ?? false, extendedFileMetadata: bool("extendedFileMetadata", row),
            partitionValues: stringMap("partitionValues", row), size: int64("size", row), tags: stringMap("tags", row),
            deletionVector: deletionVector(row), baseRowId: int64("baseRowId", row),
            defaultRowCommitVersion: int64("defaultRowCommitVersion", row))
    }

    func protocolAction(_ row: Int) -> ProtocolAction? {
        guard let reader = int64("minReaderVersion", row), let writer = int64("minWriterVersion", row) else {
            return nil
        }
        return ProtocolAction(
            minReaderVersion: Int(reader), minWriterVersion: Int(writer),
            readerFeatures: stringList("readerFeatures", row), writerFeatures: stringList("writerFeatures", row))
    }

    func metadata(_ row: Int) -> TableMetadata? {
        guard let id = string("id", row), let schemaString = string("schemaString", row) else { return nil }
        var format = TableMetadata.FileFormat()
        if let formatReader = structChild("format"), formatReader.isValid(row) {
            format.provider = formatReader.string("provider", row) ?? "parquet"
            format.options = (formatReader.stringMap("options", row) ?? [:]).compactMapValues { $0 }
        }
        return TableMetadata(
            id: id, name: string("name", row), description: string("description", row), format: format,
            schemaString: schemaString, partitionColumns: stringList("partitionColumns", row) ?? [],
            configuration: (stringMap("configuration", row) ?? [:]).compactMapValues { $0 },
            createdTime: int64("createdTime", row))
    }

    func transaction(_ row: Int) -> TransactionAction? {
        guard let appId = string("appId", row), let version = int64("version", row) else { return nil }
        return TransactionAction(appId: appId, version: version, lastUpdated: int64("lastUpdated", row))
    }

    func domainMetadata(_ row: Int) -> DomainMetadata? {
        guard let domain = string("domain", row) else { return nil }
        return DomainMetadata(
            domain: domain, configuration: string("configuration", row) ?? "", removed: bool("removed", row) ?? false)
    }

    func sidecar(_ row: Int) -> SidecarFile? {
        guard let path = string("path", row) else { return nil }
        return SidecarFile(
            path: DeltaPath.decode(path), sizeInBytes: int64("sizeInBytes", row) ?? 0,
            modificationTime: int64("modificationTime", row) ?? 0)
    }

    func checkpointMetadata(_ row: Int) -> CheckpointMetadata? {
        int64("version", row).map { CheckpointMetadata(version: $0) }
    }

    /// `stats_parsed` of one row as a stats JSON string, so struct-only checkpoints keep their statistics.
    func statisticsJSON(_ row: Int) -> String? {
        var members: [(String, JSONValue)] = []
        if let count = int64("numRecords", row) { members.append(("numRecords", .integer(count))) }
        for name in ["minValues", "maxValues", "nullCount"] {
            guard let child = child(name), child.isValid(row),
                let value = Self.json(child.scalar(at: row), child.dataType)
            else { continue }
            members.append((name, value))
        }
        if let tight = bool("tightBounds", row) { members.append(("tightBounds", .bool(tight))) }
        return members.isEmpty ? nil : JSONWriter.encode(.object(members))
    }

    /// A statistics value as JSON, in the forms Delta writers use; `nil` for nulls and unsupported types.
    static func json(_ value: ScalarValue, _ type: DataType) -> JSONValue? {
        switch value {
        case .null: return nil
        case .boolean(let flag): return .bool(flag)
        case .integer(let number): return .integer(number)
        case .float32(let number): return number.isFinite ? .number(number.description) : nil
        case .float(let number): return number.isFinite ? .number(number.description) : nil
        case .decimal(let unscaled, let scale): return .number(ValueFormatting.decimal(unscaled, scale: scale))
        case .string(let text): return .string(text)
        case .date(let days): return .string(ValueFormatting.date(Int64(days)))
        case .timestamp(let micros): return .string(ValueFormatting.timestamp(micros, utc: true))
        case .timestampNTZ(let micros): return .string(ValueFormatting.timestamp(micros, utc: false))
        case .struct(let members):
            guard case .struct(let fields) = type else { return nil }
            var object: [(String, JSONValue)] = []
            for (field, member) in zip(fields, members) {
                if let converted = json(member, field.type) { object.append((field.name, converted)) }
            }
            return .object(object)
        case .binary, .time, .list, .map: return nil
        }
    }
}
