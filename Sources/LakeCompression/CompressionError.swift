import LakeColumnar

/// An error compressing or decompressing a block.
public enum CompressionError: LakeError, Equatable {
    /// The compressed bytes are not valid for the codec, or inflate to a size other than promised.
    case corrupt(codec: String, reason: String)
    /// The codec is known but not available in this build.
    case unsupported(codec: String)

    public var description: String {
        switch self {
        case .corrupt(let codec, let reason): "corrupt \(codec) data: \(reason)"
        case .unsupported(let codec): "the \(codec) codec is not supported"
        }
    }

    public var help: String? {
        switch self {
        case .corrupt: "The file is damaged; re-create it from its source."
        case .unsupported: "Rewrite the file with zstd, snappy, gzip, lz4_raw or no compression."
        }
    }
}
