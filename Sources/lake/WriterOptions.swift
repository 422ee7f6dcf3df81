import ArgumentParser
import LakeParquet

/// Parquet writer flags shared by commands that write files (SPEC.md §5).
struct WriterOptions: ParsableArguments {
    @Option(help: "zstd (default), snappy, lz4, gzip or none.")
    var compression: CompressionName = .zstd

    @Option(help: "Codec level (zstd 1-22, default 3; gzip 1-9).")
    var compressionLevel: Int?

    @Option(help: "Data page version: 1 (default) or 2.")
    var dataPageVersion: Int = 1

    @Option(help: "Rows per row group at most (default 1048576).")
    var rowGroupRows: Int?

    @Option(help: "Rows per data page at most (default 20000).")
    var pageRows: Int?

    @Flag(help: "Write PLAIN values only, no dictionary encoding.")
    var noDictionary = false

    func validate() throws {
        guard dataPageVersion == 1 || dataPageVersion == 2 else {
            throw ValidationError("--data-page-version must be 1 or 2.")
        }
        if let rowGroupRows, rowGroupRows < 1 { throw ValidationError("--row-group-rows must be at least 1.") }
        if let pageRows, pageRows < 1 { throw ValidationError("--page-rows must be at least 1.") }
        if let compressionLevel {
            switch compression {
            case .zstd where !(1...22).contains(compressionLevel):
                throw ValidationError("zstd levels run from 1 to 22.")
            case .gzip where !(1...9).contains(compressionLevel):
                throw ValidationError("gzip levels run from 1 to 9.")
            default: break
            }
        }
    }

    /// The writer options these flags describe.
    func options() throws -> ParquetWriterOptions {
        var options = ParquetWriterOptions()
        options.compression = compression.codec
        options.compressionLevel = compressionLevel
        options.dataPageVersion = dataPageVersion
        if let rowGroupRows { options.maxRowGroupRows = rowGroupRows }
        if let pageRows { options.maxPageRows = pageRows }
        options.useDictionary = !noDictionary
        return options
    }
}

/// Codec names on the command line.
enum CompressionName: String, CaseIterable, ExpressibleByArgument {
    case zstd, snappy, lz4, gzip, none

    var codec: CompressionCodec {
        switch self {
        case .zstd: .zstd
        case .snappy: .snappy
        case .lz4: .lz4Raw
        case .gzip: .gzip
        case .none: .uncompressed
        }
    }
}
