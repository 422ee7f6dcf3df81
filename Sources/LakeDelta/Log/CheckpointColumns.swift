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
        guard case .map(let map)? = child, map.validity?.isValid(row) ?? true else { return nil }
        let range = Int(map.offsets[row])..<Int(map.offsets[row + 1])
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
    /// the hot loop of opening a big table).
    struct AddColumns {
        let reader: StructReader
        let path, partitionValues, size, modificationTime, dataChange, stats, tags: Column?
        let baseRowId, defaultRowCommitVersion, clusteringProvider, deletionVectorColumn: Column?
        let deletionVector: StructReader?
        let statsParsed: StructReader?

        init(_ reader: StructReader) {
            self.reader = reader
            path = reader.child("path")
            partitionValues = reader.child("partitionValues")
            size = reader.child("size")
            modificationTime = reader.child("modificationTime")
            dataChange = reader.child("dataChange")
            stats = reader.child("stats")
            tags = reader.child("tags")
            baseRowId = reader.child("baseRowId")
            defaultRowCommitVersion = reader.child("defaultRowCommitVersion")
            clusteringProvider = reader.child("clusteringProvider")
            deletionVectorColumn = reader.child("deletionVector")
            deletionVector = reader.structChild("deletionVector")
            statsParsed = reader.structChild("stats_parsed")
        }

        func addFile(_ row: Int) -> AddFile? {
            guard let path, let text = StructReader.string(path, row) else { return nil }
            var statistics = stats.flatMap { StructReader.string($0, row) }
            if statistics == nil, let statsParsed, statsParsed.isValid(row) {
                statistics = statsParsed.statisticsJSON(row)
            }
            var vector: DeletionVectorDescriptor?
            if let deletionVectorColumn, deletionVectorColumn.isValid(row) { vector = reader.deletionVector(row) }
            return AddFile(
                path: DeltaPath.decode(text), partitionValues: StructReader.stringMap(partitionValues, row) ?? [:],
                size: StructReader.int64(size, row) ?? 0,
                modificationTime: StructReader.int64(modificationTime, row) ?? 0,
                dataChange: StructReader.bool(dataChange, row) ?? false, stats: statistics,
                tags: StructReader.stringMap(tags, row), deletionVector: vector,
                baseRowId: StructReader.int64(baseRowId, row),
                defaultRowCommitVersion: StructReader.int64(defaultRowCommitVersion, row),
                clusteringProvider: clusteringProvider.flatMap { StructReader.string($0, row) })
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
