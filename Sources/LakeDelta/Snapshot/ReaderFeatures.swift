/// Which reader protocol versions and table features lake can read (SPEC.md §6.2).
public enum ReaderFeatures {
    /// The highest reader protocol version lake reads.
    public static let maxReaderVersion = 3

    /// Reader features lake implements: `timestampNtz` (a type), `vacuumProtocolCheck` (nothing
    /// for readers to do) and `v2Checkpoint` (V2 checkpoints and sidecars).
    public static let supported: Set<String> = ["timestampNtz", "vacuumProtocolCheck", "v2Checkpoint"]

    /// Throws unless lake can read a table with this protocol and metadata.
    ///
    /// - Reader version above 3: ``DeltaError/unsupportedReaderVersion(table:version:)``.
    /// - Reader version 2 (column mapping) with `delta.columnMapping.mode` other than `none`, or a
    ///   version-3 reader feature lake does not implement (`deletionVectors`, `columnMapping`,
    ///   `typeWidening`, `variantType`, an unknown name…):
    ///   ``DeltaError/unsupportedFeature(table:feature:)``. A listed feature is never ignored,
    ///   even when no file uses it.
    public static func check(_ protocolAction: ProtocolAction, metadata: TableMetadata?, table: String)
        throws(DeltaError)
    {
        let version = protocolAction.minReaderVersion
        if version > maxReaderVersion { throw .unsupportedReaderVersion(table: table, version: version) }
        let mappingMode = metadata?.configuration["delta.columnMapping.mode"]
        if let mappingMode, mappingMode != "none" { throw .unsupportedFeature(table: table, feature: "columnMapping") }
        if version == 3 {
            for feature in protocolAction.readerFeatures ?? [] where !supported.contains(feature) {
                throw .unsupportedFeature(table: table, feature: feature)
            }
        }
    }
}
