import LakeColumnar

/// One text input: its column names, a sample for type inference, then blocks of complete
/// records split at record boundaries for parallel parsing (SPEC.md §2.8). Memory is one block
/// (grown only for a record larger than a block), whatever the input's size.
public final class TextFileReader {
    /// The path (`-` for standard input).
    public let path: String
    /// How the input is read.
    public let options: TextReadOptions
    /// The input's column names: the CSV header (blank names and duplicates renamed), `column_N`
    /// without one, or the keys seen in a JSON sample.
    public private(set) var columnNames: [String] = []
    /// Renamed header columns, for the summary.
    public private(set) var warnings: [String] = []
    /// The line number of the next unread record.
    public private(set) var nextLine: Int64 = 1
    private let source: ByteSource
    private var buffer: UnsafeMutableRawBufferPointer
    private var filled = 0
    private var consumed = 0
    private var endOfInput = false

    /// Bytes read from the file so far.
    public var bytesRead: Int { source.bytesRead }

    /// Opens `path` and reads its header (CSV) or samples its keys (JSON lines).
    public init(path: String, options: TextReadOptions) throws(IngestError) {
        self.path = path
        self.options = options
        source = try ByteSource(path: path)
        buffer = .allocate(byteCount: max(options.blockSize, 1 << 10), alignment: 64)
        try fill()
        // A UTF-8 byte order mark is not data.
        if filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { consumed = 3 }
        switch options.format {
        case .csv: try readHeader()
        case .jsonLines: try discoverKeys()
        }
    }

    deinit { buffer.deallocate() }

    private var pending: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + consumed, count: filled - consumed)
    }

    /// Reads until the buffer is full or the input ends, after moving unread bytes to the front.
    private func fill() throws(IngestError) {
        if consumed > 0 && consumed < filled && !endOfInput {
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + consumed, byteCount: filled - consumed)
            filled -= consumed
            consumed = 0
        } else if consumed == filled {
            filled = 0
            consumed = 0
        }
        while filled < buffer.count && !endOfInput {
            let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if count == 0 { endOfInput = true }
            filled += count
        }
    }

    /// Doubles the buffer for a record longer than it, up to the record limit.
    private func grow() throws(IngestError) {
        guard buffer.count < options.maxRecordBytes else {
            throw .recordTooLarge(file: path, line: nextLine, limit: options.maxRecordBytes)
        }
        let larger = UnsafeMutableRawBufferPointer.allocate(
            byteCount: min(buffer.count * 2, options.maxRecordBytes), alignment: 64)
        larger.baseAddress!.copyMemory(from: buffer.baseAddress! + consumed, byteCount: filled - consumed)
        filled -= consumed
        consumed = 0
        buffer.deallocate()
        buffer = larger
        try fill()
    }

    private func readHeader() throws(IngestError) {
        while true {
            if let (fields, end) = CSVTokenizer.firstRecord(
                pending, delimiter: options.delimiter, quote: options.quote, isFinal: endOfInput)
            {
                if options.header {
                    columnNames = Self.uniqueNames(fields.map { String(decoding: $0, as: UTF8.self) }, warnings: &warnings)
                    consumed += end
                    nextLine = 1 + Int64(newlines(before: consumed))
                } else {
                    columnNames = (1...max(fields.count, 1)).map { "column_\($0)" }
                }
                return
            }
            if endOfInput { return }  // empty input: no columns
            try grow()
        }
    }

    private func newlines(before offset: Int) -> Int {
        var count = 0
        for index in 0..<offset where buffer[index] == 0x0A { count += 1 }
        return count
    }

    private func discoverKeys() throws(IngestError) {
        var tokenizer = JSONLinesTokenizer(keys: [], discovering: true)
        let sample = sampleBytes()
        _ = tokenizer.tokenize(sample, limit: options.sampleRecords)
        columnNames = tokenizer.keys.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The complete records at the start of the buffer (the sample is taken from them).
    private func sampleBytes() -> UnsafeBufferPointer<UInt8> {
        let bytes = pending
        let complete: Int
        switch options.format {
        case .csv:
            complete = CSVTokenizer.boundaries(
                bytes, delimiter: options.delimiter, quote: options.quote, targets: [], isFinal: endOfInput
            ).complete
        case .jsonLines:
            complete = JSONLinesTokenizer.boundaries(bytes, targets: [], isFinal: endOfInput).complete
        }
        return UnsafeBufferPointer(rebasing: bytes[..<complete])
    }

    /// What the first `options.sampleRecords` records allow for each of ``columnNames``.
    func sampleGuesses() -> [TypeGuess] {
        var guesses = [TypeGuess](repeating: TypeGuess(), count: columnNames.count)
        let bytes = sampleBytes()
        let table: FieldTable
        switch options.format {
        case .csv:
            table = CSVTokenizer.tokenize(
                bytes, columnCount: columnNames.count, delimiter: options.delimiter, quote: options.quote,
                limit: options.sampleRecords)
        case .jsonLines:
            var tokenizer = JSONLinesTokenizer(keys: columnNames.map { Array($0.utf8) }, discovering: false)
            table = tokenizer.tokenize(bytes, limit: options.sampleRecords)
        }
        let malformed = Set(table.recordErrors.map(\.record))
        var clean = table
        if !malformed.isEmpty {
            // Malformed records say nothing about types: blank them out.
            for record in malformed {
                for column in 0..<table.columnCount { clean.lengths[record * table.columnCount + column] = -1 }
            }
        }
        for index in guesses.indices {
            guesses[index].observe(bytes, clean, column: index, nullStrings: options.nullStrings, format: options.format)
        }
        return guesses
    }

    /// A block of complete records and the cuts that split it into about `parts` pieces; `nil` at
    /// the end of the input. The bytes stay valid until the next call.
    func nextBlock(parts: Int) throws(IngestError) -> (bytes: UnsafeBufferPointer<UInt8>, cuts: [Int], firstLine: Int64)? {
        while true {
            if !endOfInput && (consumed > 0 || filled < buffer.count) { try fill() }
            let bytes = pending
            if bytes.isEmpty { return nil }
            let targets = parts > 1 ? (1..<parts).map { bytes.count * $0 / parts } : []
            let (cuts, complete): ([Int], Int)
            switch options.format {
            case .csv:
                (cuts, complete) = CSVTokenizer.boundaries(
                    bytes, delimiter: options.delimiter, quote: options.quote, targets: targets, isFinal: endOfInput)
            case .jsonLines:
                (cuts, complete) = JSONLinesTokenizer.boundaries(bytes, targets: targets, isFinal: endOfInput)
            }
            if complete == 0 {
                if endOfInput { return nil }
                try grow()
                continue
            }
            consumed += complete
            let firstLine = nextLine
            return (UnsafeBufferPointer(rebasing: bytes[..<complete]), cuts, firstLine)
        }
    }

    /// Advances the line count past a parsed block.
    func advanceLines(by newlines: Int) { nextLine += Int64(newlines) }

    /// Column names with blanks named `column_N` (1-based position) and case-insensitive
    /// duplicates given `_2`, `_3`, … suffixes.
    static func uniqueNames(_ names: [String], warnings: inout [String]) -> [String] {
        var used: Set<String> = []
        var result: [String] = []
        for (index, raw) in names.enumerated() {
            var name = raw.trimmingSpaces
            if name.isEmpty {
                name = "column_\(index + 1)"
                warnings.append("header column \(index + 1) is blank: named it '\(name)'")
            }
            if used.contains(name.lowercased()) {
                var suffix = 2
                while used.contains("\(name)_\(suffix)".lowercased()) { suffix += 1 }
                warnings.append("header column \(index + 1) repeats '\(name)': named it '\(name)_\(suffix)'")
                name = "\(name)_\(suffix)"
            }
            used.insert(name.lowercased())
            result.append(name)
        }
        return result
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
