import LakeColumnar

/// The columns of a classic checkpoint lake writes: one nullable struct per action type.
///
/// Delta PROTOCOL.md "Checkpoint Schema" (`../shared/briefs/delta.md` §7), laid out as Spark
/// writes it: every field nullable (map keys excepted), integers as wide as Spark's, lists as
/// 3-level `list`/`element`, maps as `key_value`/`key`/`value`. `stats` is the JSON string;
/// no `stats_parsed` or `partitionValues_parsed` (SPEC.md §7.5).
enum CheckpointSchema {
    static let map = StringMapBuilder.type
    static let list = StringListBuilder.type

    static let protocolFields = [
        Field("minReaderVersion", .int32), Field("minWriterVersion", .int32), Field("readerFeatures", list),
        Field("writerFeatures", list),
    ]
    static let formatFields = [Field("provider", .string), Field("options", map)]
    static let metadataFields = [
        Field("id", .string), Field("name", .string), Field("description", .string),
        Field("format", .struct(formatFields)), Field("schemaString", .string), Field("partitionColumns", list),
        Field("createdTime", .int64), Field("configuration", map),
    ]
    static let transactionFields = [Field("appId", .string), Field("version", .int64), Field("lastUpdated", .int64)]
    static let deletionVectorFields = [
        Field("storageType", .string), Field("pathOrInlineDv", .string), Field("offset", .int32),
        Field("sizeInBytes", .int32), Field("cardinality", .int64),
    ]
    static let addFields = [
        Field("path", .string), Field("partitionValues", map), Field("size", .int64),
        Field("modificationTime", .int64), Field("dataChange", .boolean), Field("stats", .string),
        Field("tags", map), Field("deletionVector", .struct(deletionVectorFields)), Field("baseRowId", .int64),
        Field("defaultRowCommitVersion", .int64), Field("clusteringProvider", .string),
    ]
    static let removeFields = [
        Field("path", .string), Field("deletionTimestamp", .int64), Field("dataChange", .boolean),
        Field("extendedFileMetadata", .boolean), Field("partitionValues", map), Field("size", .int64),
        Field("tags", map), Field("deletionVector", .struct(deletionVectorFields)), Field("baseRowId", .int64),
        Field("defaultRowCommitVersion", .int64),
    ]
    static let domainMetadataFields = [
        Field("domain", .string), Field("configuration", .string), Field("removed", .boolean),
    ]

    /// The file schema, in column order.
    static let schema = Schema([
        Field("protocol", .struct(protocolFields)), Field("metaData", .struct(metadataFields)),
        Field("txn", .struct(transactionFields)), Field("add", .struct(addFields)),
        Field("remove", .struct(removeFields)), Field("domainMetadata", .struct(domainMetadataFields)),
    ])
}

// MARK: - One builder per action type

/// Appends a struct row's validity and finishes the struct; shared by the action builders.
private func structColumn(_ fields: [Field], _ children: [Column], _ validity: ValidityBuilder) -> Column {
    .struct(StructColumn(fields: fields, children: children, count: validity.count, validity: validity.finish()))
}

private func int32(_ value: Int64?) -> Int32? { value.map { Int32(clamping: $0) } }

struct ProtocolColumnBuilder {
    private var minReaderVersion = PrimitiveBuilder<Int32>(zero: 0)
    private var minWriterVersion = PrimitiveBuilder<Int32>(zero: 0)
    private var readerFeatures = StringListBuilder()
    private var writerFeatures = StringListBuilder()
    private var validity = ValidityBuilder()

    mutating func append(_ action: ProtocolAction) {
        minReaderVersion.append(Int32(clamping: action.minReaderVersion))
        minWriterVersion.append(Int32(clamping: action.minWriterVersion))
        readerFeatures.append(action.readerFeatures)
        writerFeatures.append(action.writerFeatures)
        validity.append(true)
    }

    mutating func appendNulls(_ count: Int) {
        minReaderVersion.appendNulls(count)
        minWriterVersion.appendNulls(count)
        readerFeatures.appendNulls(count)
        writerFeatures.appendNulls(count)
        validity.append(false, count: count)
    }

    func finish() -> Column {
        structColumn(
            CheckpointSchema.protocolFields,
            [
                .int32(minReaderVersion.finish()), .int32(minWriterVersion.finish()), .list(readerFeatures.finish()),
                .list(writerFeatures.finish()),
            ], validity)
    }
}

struct MetadataColumnBuilder {
    private var id = StringBuilder()
    private var name = StringBuilder()
    private var description = StringBuilder()
    private var provider = StringBuilder()
    private var options = StringMapBuilder()
    private var formatValidity = ValidityBuilder()
    private var schemaString = StringBuilder()
    private var partitionColumns = StringListBuilder()
    private var createdTime = PrimitiveBuilder<Int64>(zero: 0)
    private var configuration = StringMapBuilder()
    private var validity = ValidityBuilder()

    mutating func append(_ metadata: TableMetadata) {
        id.append(metadata.id)
        name.append(metadata.name)
        description.append(metadata.description)
        provider.append(metadata.format.provider)
        options.append(metadata.format.options)
        formatValidity.append(true)
        schemaString.append(metadata.schemaString)
        partitionColumns.append(metadata.partitionColumns)
        createdTime.append(metadata.createdTime)
        configuration.append(metadata.configuration)
        validity.append(true)
    }

    mutating func appendNulls(_ count: Int) {
        id.appendNulls(count)
        name.appendNulls(count)
        description.appendNulls(count)
        provider.appendNulls(count)
        options.appendNulls(count)
        formatValidity.append(false, count: count)
        schemaString.appendNulls(count)
        partitionColumns.appendNulls(count)
        createdTime.appendNulls(count)
        configuration.appendNulls(count)
        validity.append(false, count: count)
    }

    func finish() -> Column {
        let format = structColumn(
            CheckpointSchema.formatFields, [.string(provider.finish()), .map(options.finish())], formatValidity)
        return structColumn(
            CheckpointSchema.metadataFields,
            [
                .string(id.finish()), .string(name.finish()), .string(description.finish()), format,
                .string(schemaString.finish()), .list(partitionColumns.finish()), .int64(createdTime.finish()),
                .map(configuration.finish()),
            ], validity)
    }
}

struct TransactionColumnBuilder {
    private var appId = StringBuilder()
    private var version = PrimitiveBuilder<Int64>(zero: 0)
    private var lastUpdated = PrimitiveBuilder<Int64>(zero: 0)
    private var validity = ValidityBuilder()

    mutating func append(_ action: TransactionAction) {
        appId.append(action.appId)
        version.append(action.version)
        lastUpdated.append(action.lastUpdated)
        validity.append(true)
    }

    mutating func appendNulls(_ count: Int) {
        appId.appendNulls(count)
        version.appendNulls(count)
        lastUpdated.appendNulls(count)
        validity.append(false, count: count)
    }

    func finish() -> Column {
        structColumn(
            CheckpointSchema.transactionFields,
            [.string(appId.finish()), .int64(version.finish()), .int64(lastUpdated.finish())], validity)
    }
}

struct DeletionVectorColumnBuilder {
    private var storageType = StringBuilder()
    private var pathOrInlineDv = StringBuilder()
    private var offset = PrimitiveBuilder<Int32>(zero: 0)
    private var sizeInBytes = PrimitiveBuilder<Int32>(zero: 0)
    private var cardinality = PrimitiveBuilder<Int64>(zero: 0)
    private var validity = ValidityBuilder()

    mutating func append(_ vector: DeletionVectorDescriptor?) {
        guard let vector else {
            appendNulls(1)
            return
        }
        storageType.append(vector.storageType)
        pathOrInlineDv.append(vector.pathOrInlineDv)
        offset.append(int32(vector.offset))
        sizeInBytes.append(Int32(clamping: vector.sizeInBytes))
        cardinality.append(vector.cardinality)
        validity.append(true)
    }

    mutating func appendNulls(_ count: Int) {
        storageType.appendNulls(count)
        pathOrInlineDv.appendNulls(count)
        offset.appendNulls(count)
        sizeInBytes.appendNulls(count)
        cardinality.appendNulls(count)
        validity.append(false, count: count)
    }

    func finish() -> Column {
        structColumn(
            CheckpointSchema.deletionVectorFields,
            [
                .string(storageType.finish()), .string(pathOrInlineDv.finish()), .int32(offset.finish()),
                .int32(sizeInBytes.finish()), .int64(cardinality.finish()),
            ], validity)
    }
}

struct AddColumnBuilder {
    private var path = StringBuilder()
    private var partitionValues = StringMapBuilder()
    private var size = PrimitiveBuilder<Int64>(zero: 0)
    private var modificationTime = PrimitiveBuilder<Int64>(zero: 0)
    private var dataChange = PrimitiveBuilder<Bool>(zero: false)
    private var stats = StringBuilder()
    private var tags = StringMapBuilder()
    private var deletionVector = DeletionVectorColumnBuilder()
    private var baseRowId = PrimitiveBuilder<Int64>(zero: 0)
    private var defaultRowCommitVersion = PrimitiveBuilder<Int64>(zero: 0)
    private var clusteringProvider = StringBuilder()
    private var validity = ValidityBuilder()

    /// Bytes of strings buffered so far (paths and statistics dominate).
    var byteCount: Int { path.byteCount + stats.byteCount }

    mutating func append(_ file: AddFile) {
        path.append(DeltaPath.encode(file.path))
        partitionValues.append(file.partitionValues)
        size.append(file.size)
        modificationTime.append(file.modificationTime)
        dataChange.append(file.dataChange)
        stats.append(file.stats)
        tags.append(file.tags)
        deletionVector.append(file.deletionVector)
        baseRowId.append(file.baseRowId)
        defaultRowCommitVersion.append(file.defaultRowCommitVersion)
        clusteringProvider.append(file.clusteringProvider)
        validity.append(true)
    }

    mutating func appendNulls(_ count: Int) {
        path.appendNulls(count)
        partitionValues.appendNulls(count)
        size.appendNulls(count)
        modificationTime.appendNulls(count)
        dataChange.appendNulls(count)
        stats.appendNulls(count)
        tags.appendNulls(count)
        deletionVector.appendNulls(count)
        baseRowId.appendNulls(count)
        defaultRowCommitVersion.appendNulls(count)
        clusteringProvider.appendNulls(count)
        validity.append(false, count: count)
    }

    func finish() -> Column {
        structColumn(
            CheckpointSchema.addFields,
            [
                .string(path.finish()), .map(partitionValues.finish()), .int64(size.finish()),
                .int64(modificationTime.finish()), .boolean(dataChange.finish()), .string(stats.finish()),
                .map(tags.finish()), deletionVector.finish(), .int64(baseRowId.finish()),
                .int64(defaultRowCommitVersion.finish()), .string(clusteringProvider.finish()),
            ], validity)
    }
}

struct RemoveColumnBuilder {
    private var path = StringBuilder()
    private var deletionTimestamp = PrimitiveBuilder<Int64>(zero: 0)
    private var dataChange = PrimitiveBuilder<Bool>(zero: false)
    private var extendedFileMetadata = PrimitiveBuilder<Bool>(zero: false)
    private var partitionValues = StringMapBuilder()
    private var size = PrimitiveBuilder<Int64>(zero: 0)
    private var tags = StringMapBuilder()
    private var deletionVector = DeletionVectorColumnBuilder()
    private var baseRowId = PrimitiveBuilder<Int64>(zero: 0)
    private var defaultRowCommitVersion = PrimitiveBuilder<Int64>(zero: 0)
    private var validity = ValidityBuilder()

    mutating func append(_ file: RemoveFile) {
        path.append(DeltaPath.encode(file.path))
        deletionTimestamp.append(file.deletionTimestamp)
        dataChange.append(file.dataChange)
        extendedFileMetadata.append(file.extendedFileMetadata)
        partitionValues.append(file.partitionValues)
        size.append(file.size)
        tags.append(file.tags)
        deletionVector.append(file.deletionVector)
        baseRowId.append(file.baseRowId)
        defaultRowCommitVersion.append(file.defaultRowCommitVersion)
        validity.append(true)
    }

    mutating func appendNulls(_ count: Int) {
        path.appendNulls(count)
        deletionTimestamp.appendNulls(count)
        dataChange.appendNulls(count)
        extendedFileMetadata.appendNulls(count)
        partitionValues.appendNulls(count)
        size.appendNulls(count)
        tags.appendNulls(count)
        deletionVector.appendNulls(count)
        baseRowId.appendNulls(count)
        defaultRowCommitVersion.appendNulls(count)
        validity.append(false, count: count)
    }

    func finish() -> Column {
        structColumn(
            CheckpointSchema.removeFields,
            [
                .string(path.finish()), .int64(deletionTimestamp.finish()), .boolean(dataChange.finish()),
                .boolean(extendedFileMetadata.finish()), .map(partitionValues.finish()), .int64(size.finish()),
                .map(tags.finish()), deletionVector.finish(), .int64(baseRowId.finish()),
                .int64(defaultRowCommitVersion.finish()),
            ], validity)
    }
}

struct DomainMetadataColumnBuilder {
    private var domain = StringBuilder()
    private var configuration = StringBuilder()
    private var removed = PrimitiveBuilder<Bool>(zero: false)
    private var validity = ValidityBuilder()

    mutating func append(_ action: DomainMetadata) {
        domain.append(action.domain)
        configuration.append(action.configuration)
        removed.append(action.removed)
        validity.append(true)
    }

    mutating func appendNulls(_ count: Int) {
        domain.appendNulls(count)
        configuration.appendNulls(count)
        removed.appendNulls(count)
        validity.append(false, count: count)
    }

    func finish() -> Column {
        structColumn(
            CheckpointSchema.domainMetadataFields,
            [.string(domain.finish()), .string(configuration.finish()), .boolean(removed.finish())], validity)
    }
}
