import LakeColumnar

/// The text-parsing path on bytes in memory, for the `FuzzIngest` libFuzzer target
/// (reliability.md T12): boundaries, tokenizing, inference and typed decoding of CSV and JSON
/// lines, with the accounting invariant (accepted + rejected = records) checked as a trap.
package enum TextFuzzing {
    /// Every type a text column can have.
    static let types: [DataType] = [
        .boolean, .int8, .int16, .int32, .int64, .float32, .float64, .decimal(precision: 9, scale: 2),
        .decimal(precision: 38, scale: 4), .string, .binary, .date, .timestamp, .timestampNTZ, .time,
    ]

    /// Parses `bytes` as CSV and as JSON lines; the first byte picks the delimiter and pieces.
    package static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let first = bytes.first else { return }
        let delimiter: UInt8 = [UInt8(ascii: ","), UInt8(ascii: "|"), 0x09, UInt8(ascii: ";")][Int(first & 3)]
        let pieces = Int(first >> 2 & 7) + 1
        let input = UnsafeBufferPointer(rebasing: bytes[1...])
        csv(input, delimiter: delimiter, pieces: pieces)
        json(input, pieces: pieces)
    }

    private static func targets(_ count: Int, _ pieces: Int) -> [Int] {
        pieces > 1 ? (1..<pieces).map { count * $0 / pieces } : []
    }

    private static func csv(_ input: UnsafeBufferPointer<UInt8>, delimiter: UInt8, pieces: Int) {
        let quote = UInt8(ascii: "\"")
        guard let (header, end) = CSVTokenizer.firstRecord(input, delimiter: delimiter, quote: quote, isFinal: true)
        else { return }
        var warnings: [String] = []
        let names = TextFileReader.uniqueNames(header.map { String(decoding: $0, as: UTF8.self) }, warnings: &warnings)
        let body = UnsafeBufferPointer(rebasing: input[end...])
        let (cuts, complete) = CSVTokenizer.boundaries(
            body, delimiter: delimiter, quote: quote, targets: targets(body.count, pieces), isFinal: true)
        precondition(complete == body.count, "a final block must be complete")
        var start = 0
        for cut in cuts where cut > start {
            let chunk = UnsafeBufferPointer(rebasing: body[start..<cut])
            start = cut
            let table = CSVTokenizer.tokenize(chunk, columnCount: names.count, delimiter: delimiter, quote: quote)
            check(chunk, table, names: names, format: .csv, quote: quote)
        }
    }

    private static func json(_ input: UnsafeBufferPointer<UInt8>, pieces: Int) {
        var discovery = JSONLinesTokenizer(keys: [], discovering: true)
        _ = discovery.tokenize(input)
        let names = discovery.keys.map { String(decoding: $0, as: UTF8.self) }
        let (cuts, _) = JSONLinesTokenizer.boundaries(input, targets: targets(input.count, pieces), isFinal: true)
        var start = 0
        for cut in cuts where cut > start {
            let chunk = UnsafeBufferPointer(rebasing: input[start..<cut])
            start = cut
            var tokenizer = JSONLinesTokenizer(keys: discovery.keys, discovering: false)
            let table = tokenizer.tokenize(chunk)
            check(chunk, table, names: names, format: .jsonLines, quote: UInt8(ascii: "\""))
        }
    }

    /// Infers types, then parses the chunk with them and with every type per column.
    private static func check(
        _ chunk: UnsafeBufferPointer<UInt8>, _ table: FieldTable, names: [String], format: TextFormat, quote: UInt8
    ) {
        var inferred: [ColumnPlan] = []
        for (index, name) in names.enumerated() {
            var guess = TypeGuess()
            guess.observe(chunk, table, column: index, nullStrings: [Array("NA".utf8)], format: format)
            inferred.append(ColumnPlan(name: name, type: guess.resolved, source: index))
        }
        var plans = [inferred]
        if !names.isEmpty {
            plans.append(types.map { ColumnPlan(name: "c", type: $0, source: 0) })
        }
        for plan in plans {
            let parser = ChunkParser(plans: plan, format: format, quote: quote, nullStrings: [Array("NA".utf8)])
            let parsed = parser.parse(chunk, table, file: "fuzz")
            precondition(parsed.batch.rowCount + parsed.rejects.count == parsed.records, "accepted + rejected != input")
            precondition(parsed.records == table.recordCount)
        }
    }
}
