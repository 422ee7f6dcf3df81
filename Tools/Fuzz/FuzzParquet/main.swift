// libFuzzer target for the Parquet reader (reliability.md §5, T12; SPEC.md §4.5).
//
// The input is a whole Parquet file held in memory. Each run opens it through the real reader
// (footer, Thrift, schema conversion, footer validation), builds the `lake inspect` report (page
// headers), then decodes every column of every row group: page walking, decompression, levels,
// every value encoding, type conversion and record assembly. Any `ParquetError` is fine, as long
// as its message names the file; a trap, a hang or a huge allocation is a bug.
//
// A few bytes of RLE (or DELTA_BINARY_PACKED) may legitimately stand for billions of values
// (SPEC.md §4.5); decoding them would only make the fuzzer report out-of-memory for an allocation
// the format allows. So the reader is opened with a limit of `levelLimit` decoded levels per
// column chunk, checked page by page as levels are decoded: a footer may still claim billions,
// and any buffer sized from such a claim before the bytes back it shows up as a huge allocation.
// Files whose chunks, each counted up to the limit, add up to more than `valueBudget` are only
// opened and inspected, which keeps every run fast.
//
// Build and run (declared in Package.swift only when LAKE_FUZZ is set):
//   Tools/Fuzz/run.sh FuzzParquet 600
import LakeColumnar
import LakeIO
import LakeParquet

/// The name the in-memory file goes by; every error message must contain it.
let fuzzPath = "fuzz-input.parquet"

/// The most levels the reader decodes from one column chunk.
let levelLimit = 1 << 18

/// The most level slots the file's chunks (each counted up to `levelLimit`) may add up to for the
/// file to be decoded.
let valueBudget = 1 << 22

/// Reads one fuzzer input as a Parquet file; never returns non-zero.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = ContiguousArray(UnsafeBufferPointer(start: data, count: size))
    let file = RandomAccessFile(path: fuzzPath, contents: bytes)
    let reader: ParquetFileReader
    do {
        reader = try ParquetFileReader(file: file, maxLevelsPerChunk: levelLimit)
    } catch {
        check(error)
        return 0
    }
    // What `lake inspect` and `lake cat` ask of every file.
    _ = reader.schema.fields.count
    _ = reader.rowCount
    _ = reader.createdBy
    do {
        _ = try reader.inspection()
    } catch {
        check(error)
    }
    guard claimedValues(reader) <= valueBudget else { return 0 }
    for group in 0..<reader.rowGroupCount {
        do {
            let batch = try reader.readRowGroup(group)
            precondition(batch.rowCount == reader.rowCount(ofRowGroup: group), "row group \(group) lost rows")
        } catch {
            check(error)
        }
    }
    // One projected read: the last column alone (assembly of a single root).
    if reader.rowGroupCount > 0, !reader.schema.fields.isEmpty {
        do {
            _ = try reader.readRowGroup(0, columns: [reader.schema.fields.count - 1])
        } catch {
            check(error)
        }
    }
    return 0
}

/// The level slots decoding the file may take: each chunk's claim, up to the reader's limit.
func claimedValues(_ reader: ParquetFileReader) -> Int {
    var total = 0
    for group in reader.metadata.rowGroups {
        for chunk in group.columns {
            total = total.addingSaturating(min(levelLimit, Int(chunk.metaData?.numValues ?? 0)))
        }
    }
    return total
}

/// Every error must be one of lake's, and name the file it is about.
func check(_ error: ParquetError) {
    let text = error.description
    precondition(text.contains(fuzzPath), "the error does not name the file: \(text)")
}

extension Int {
    fileprivate func addingSaturating(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
