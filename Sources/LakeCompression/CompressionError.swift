import LakeColumnar

/// An error compressing or decompressing a block.
public enum CompressionError: LakeError, Equatable {
    /// The compressed bytes are not valid for the codec, or inflate to a size other than promised.
    case corrupt(codec: String, reason: String)
    /// The codec is known but not available in this build.
    case unsupported(codec: String)
    /// The codec library could not do the work for a reason other than the data: it ran out of
    /// memory, or the input is larger than the codec's block format can represent.
    case failed(codec: String, reason: String)

    public var description: String {
        switch self {
        case .corrupt(let codec, let reason): "corrupt \(codec) data: \(reason)"
        case .unsupported(let codec): "the \(codec) codec is not supported"
        case .failed(let codec, let reason): "\(codec) compression failed: \(reason)"
        }
    }

    public var help: String? {
        switch self {
        case .corrupt: "The file is damaged; re-create it from its source."
        case .unsupported: "Rewrite the file with zstd, snappy, gzip, lz4_raw or no compression."
        case .failed: "Write smaller pages or row groups, or free memory and try again."
        }
    }
}
