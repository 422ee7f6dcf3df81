// libFuzzer target for LakeCompression's decompressors (reliability.md §5).
//
// Input layout: byte 0 picks the codec, bytes 1-2 (little-endian) are the output size (at most
// 65 535 bytes, under the 64 KiB cap), and the rest is the compressed block. Every input must either
// throw `CompressionError.corrupt` or fill the output exactly; a second decode with the same
// (reused) decompressor must agree, and a successful output must survive a compress round trip.
// Any trap is a bug.
//
// Build and run (declared in Package.swift only when LAKE_FUZZ is set):
//   Tools/Fuzz/run.sh FuzzCompression 60                 # LAKE_FUZZ_ASAN=1 for AddressSanitizer
// (not `--sanitize=fuzzer --sanitize=address`, which silently keeps only one of the two; see run.sh).
import LakeCompression

/// Decompresses one fuzzer input and checks the decompressors' contract; never returns non-zero.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 3 else { return 0 }
    let codecs = Codec.allCases
    let codec = codecs[Int(data[0]) % codecs.count]
    let outputCount = Int(data[1]) | Int(data[2]) << 8
    let input = UnsafeRawBufferPointer(start: data + 3, count: size - 3)
    let decompressor = Decompressor()

    var first = [UInt8](repeating: 0, count: outputCount)
    let firstSucceeded = first.withUnsafeMutableBytes { decode(decompressor, codec, input, into: $0) }
    var second = [UInt8](repeating: 0xFF, count: outputCount)
    let secondSucceeded = second.withUnsafeMutableBytes { decode(decompressor, codec, input, into: $0) }
    precondition(firstSucceeded == secondSucceeded, "a reused decompressor disagreed with itself")
    guard firstSucceeded else { return 0 }
    precondition(first == second, "two decodes of the same block differ")

    // What decoded must survive a round trip through the compressor.
    let compressor = Compressor(level: 1)
    var compressed = ContiguousArray<UInt8>()
    do {
        try first.withUnsafeBytes { _ = try compressor.compress(codec, $0, appendingTo: &compressed) }
    } catch {
        preconditionFailure("compressing \(outputCount) bytes failed: \(error)")
    }
    var restored = [UInt8](repeating: 0, count: outputCount)
    let restoredSucceeded = compressed.withUnsafeBytes { block in
        restored.withUnsafeMutableBytes { decode(decompressor, codec, block, into: $0) }
    }
    precondition(restoredSucceeded && restored == first, "\(codec) round trip changed the bytes")
    return 0
}

/// Decodes `input`; `true` on success, `false` on `CompressionError.corrupt`, a trap on anything else.
func decode(
    _ decompressor: Decompressor,
    _ codec: Codec,
    _ input: UnsafeRawBufferPointer,
    into output: UnsafeMutableRawBufferPointer
) -> Bool {
    do {
        try decompressor.decompress(codec, input, into: output)
        return true
    } catch {
        guard case .corrupt = error else { preconditionFailure("unexpected error: \(error)") }
        return false
    }
}
