// libFuzzer target for the CSV and JSON-lines readers (reliability.md T12; SPEC.md §2.8).
//
// Each input is parsed as CSV (its first byte picks the delimiter and how many pieces the block is
// cut into at record boundaries) and as JSON lines: boundaries, tokenizing, type inference and
// typed decoding into every column type. A bad record must be rejected with a reason, never trap;
// the parser checks accepted + rejected = records with a precondition, so a violation is a crash.
//
// Build and run (declared in Package.swift only when LAKE_FUZZ is set):
//   Tools/Fuzz/run.sh FuzzIngest 60
import LakeIngest

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    TextFuzzing.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}
