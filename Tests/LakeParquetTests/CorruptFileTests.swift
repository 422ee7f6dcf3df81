import Foundation
import LakeColumnar
import LakeIO
import LakeTestSupport
import Testing

@testable import LakeParquet

/// Damaged files through the whole reader: open, then decode every column of every row group
/// (SPEC.md §1 "Bad input never crashes", §4.5; reliability.md T6).
///
/// Each damaged copy must either read or fail with a lake error whose message names the file. A
/// trap ends the test process, so reaching the end of a test is the proof. Flips are random from a
/// seed printed at the start; set `LAKE_TEST_SEED` to replay one.
@Suite("Corrupt Parquet files")
struct CorruptFileTests {
    static let conformance = TestPaths.conformance + "/parquet"

    /// Good files covering flat, nested, dictionary, v2, delta and byte-stream-split pages and
    /// several codecs.
    static let files = [
        "good/alltypes_dictionary.parquet",  // dictionary pages, every flat type
        "good/alltypes_plain.snappy.parquet",  // snappy
        "good/nested_lists.snappy.parquet",  // lists of lists
        "good/nested_maps.snappy.parquet",  // maps
        "good/datapage_v2.snappy.parquet",  // v2 pages, optional and repeated columns
        "good/delta_length_byte_array.parquet",  // DELTA_LENGTH_BYTE_ARRAY, zstd
        "good/byte_stream_split.zstd.parquet",  // BYTE_STREAM_SPLIT, zstd
        "good/rle-dict-snappy-checksum.parquet",  // RLE_DICTIONARY strings
        "writers/deltars_checkpoint.parquet",  // a modern writer: nested structs and maps
    ]

    static let seed: UInt64 = {
        let seed =
            ProcessInfo.processInfo.environment["LAKE_TEST_SEED"].flatMap { UInt64($0) }
            ?? UInt64.random(in: 0...UInt64.max)
        print("CorruptFileTests seed: \(seed) (set LAKE_TEST_SEED=\(seed) to replay)")
        return seed
    }()

    /// Opens `bytes` as the file `path` and decodes everything; returns the error, if any.
    ///
    /// Records an issue when the error does not name the file.
    static func readAll(_ bytes: ContiguousArray<UInt8>, path: String, what: @autoclosure () -> String) -> ParquetError?
    {
        do throws(ParquetError) {
            let reader = try ParquetFileReader(file: RandomAccessFile(path: path, contents: bytes))
            _ = reader.rowCount
            for group in 0..<reader.rowGroupCount {
                let batch = try reader.readRowGroup(group)
                #expect(batch.rowCount == reader.rowCount(ofRowGroup: group), "\(what()): row count")
            }
            return nil
        } catch {
            let report: any LakeError = error
            #expect(report.description.contains(path), "\(what()): the error does not name the file: \(report)")
            return error
        }
    }

    static func bytes(_ file: String) throws -> ContiguousArray<UInt8> {
        ContiguousArray(try Data(contentsOf: URL(fileURLWithPath: conformance + "/" + file)))
    }

    /// About 40 cut points: the first bytes, an even spread, the edges of the footer, and every one
    /// of the last 12 bytes (footer length and magic).
    static func cutPoints(size: Int, footerStart: Int) -> [Int] {
        var cuts: Set<Int> = [0, 1, 3, 4, 5, 8, footerStart - 1, footerStart, footerStart + 1]
        for step in 1..<20 { cuts.insert(size * step / 20) }
        for back in 1...12 { cuts.insert(size - back) }
        return cuts.filter { $0 >= 0 && $0 < size }.sorted()
    }

    @Test("the chosen files read cleanly", arguments: files)
    func intactFilesRead(file: String) throws {
        let path = Self.conformance + "/" + file
        #expect(Self.readAll(try Self.bytes(file), path: path, what: file) == nil)
    }

    @Test("a file cut at any of ~40 points fails with an error naming it", arguments: files)
    func truncatedFilesFail(file: String) throws {
        let bytes = try Self.bytes(file)
        let path = Self.conformance + "/" + file
        let footerLength = bytes.withUnsafeBytes {
            Int($0.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt32.self))
        }
        let cuts = Self.cutPoints(size: bytes.count, footerStart: bytes.count - 8 - footerLength)
        #expect(cuts.count >= 35)
        for cut in cuts {
            let error = Self.readAll(ContiguousArray(bytes[0..<cut]), path: path, what: "\(file) cut at \(cut)")
            // Every cut loses the trailing magic, so nothing may read.
            #expect(error != nil, "\(file) cut at \(cut) of \(bytes.count) bytes read without an error")
        }
    }

    @Test("hundreds of bit flips read or fail with an error naming the file", arguments: files)
    func flippedBitsNeverTrap(file: String) throws {
        let bytes = try Self.bytes(file)
        let path = Self.conformance + "/" + file
        let footerLength = bytes.withUnsafeBytes {
            Int($0.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt32.self))
        }
        let footerStart = bytes.count - 8 - footerLength
        var generator = SeededGenerator(seed: Self.seed &+ UInt64(Self.files.firstIndex(of: file) ?? 0))
        var failures = 0
        let trials = 300
        for trial in 0..<trials {
            var mutated = bytes
            // Half the trials hit anywhere (mostly pages), half the footer; 1 to 8 bits each.
            let flips = trial % 3 == 0 ? 1 + Int(generator.next() % 8) : 1
            var positions: [Int] = []
            for _ in 0..<flips {
                let position =
                    trial % 2 == 0
                    ? Int(generator.next() % UInt64(bytes.count))
                    : footerStart + Int(generator.next() % UInt64(footerLength))
                mutated[position] ^= 1 << UInt8(generator.next() % 8)
                positions.append(position)
            }
            let clock = ContinuousClock.now
            if Self.readAll(mutated, path: path, what: "\(file) flipped at \(positions)") != nil { failures += 1 }
            let took = ContinuousClock.now - clock
            // A hang is a bug too; a debug build reads any of these files in well under a second.
            #expect(took < .seconds(10), "\(file) flipped at \(positions) took \(took)")
        }
        // The oracle can fail: a reader that ignored damage would never throw.
        #expect(failures > 0, "\(file): none of \(trials) damaged copies was rejected")
    }

    @Test("lake cat on a truncated file exits 1 with an error naming the file")
    func catReportsTruncation() throws {
        guard let lake = Self.lakeBinary() else {
            Issue.record("the lake binary is not next to the test bundle; build it with `swift build`")
            return
        }
        let bytes = try Self.bytes("good/alltypes_plain.parquet")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lake-cat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("cut.parquet").path
        for cut in [bytes.count / 2, bytes.count - 4] {
            try Data(bytes[0..<cut]).write(to: URL(fileURLWithPath: path))
            let (status, output, errors) = try Self.run(lake, ["cat", path])
            #expect(status == 1, "cut at \(cut): exit status \(status)")
            #expect(output.isEmpty, "cut at \(cut): printed rows: \(output)")
            #expect(errors.hasPrefix("error: "), "cut at \(cut): stderr \(errors)")
            #expect(errors.contains(path), "cut at \(cut): the error does not name the file: \(errors)")
            #expect(!errors.contains("Fatal error") && !errors.contains("Backtrace"), "\(errors)")
        }
    }

    /// The `lake` executable built beside the test bundle, if any.
    static func lakeBinary() -> URL? {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        ]
        for directory in candidates {
            let url = directory.appendingPathComponent("lake")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    /// Runs `executable` and returns its exit status, standard output and standard error.
    static func run(_ executable: URL, _ arguments: [String]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outputData, as: UTF8.self),
            String(decoding: errorData, as: UTF8.self)
        )
    }
}
