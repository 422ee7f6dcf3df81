/// The codec for commit files: newline-delimited JSON, one action per line.
///
/// Delta PROTOCOL.md "Delta Log Entries". Blank lines are skipped, the last line may lack its
/// newline, unknown actions and unknown fields are ignored. A malformed line is an error naming
/// the file, the 1-based line and the byte offset.
public enum CommitFile {
    /// Parses the actions of a commit file (or a JSON checkpoint) held in `bytes`.
    ///
    /// - Parameter path: the file named in errors.
    /// - Throws: ``DeltaError/corruptLog(path:line:offset:reason:)``.
    public static func parse(_ bytes: [UInt8], path: String) throws(DeltaError) -> [Action] {
        var actions: [Action] = []
        try forEachAction(in: bytes, path: path) { action in actions.append(action) }
        return actions
    }

    /// Calls `body` with each action of the file in order, without collecting them.
    static func forEachAction(
        in bytes: [UInt8], path: String, _ body: (Action) throws(DeltaError) -> Void
    ) throws(DeltaError) {
        try bytes.withUnsafeBufferPointer { buffer throws(DeltaError) in
            var lineStart = 0
            var lineNumber = 0
            while lineStart < buffer.count {
                lineNumber += 1
                var lineEnd = lineStart
                while lineEnd < buffer.count, buffer[lineEnd] != 0x0A { lineEnd += 1 }
                let line = UnsafeBufferPointer(rebasing: buffer[lineStart..<lineEnd])
                if !isBlank(line) {
                    let value: JSONValue
                    do throws(JSONError) {
                        value = try JSONReader.parse(line)
                    } catch {
                        throw .corruptLog(
                            path: path, line: lineNumber, offset: lineStart + error.offset, reason: error.reason)
                    }
                    guard case .object(let members) = value else {
                        throw .corruptLog(
                            path: path, line: lineNumber, offset: lineStart, reason: "the line is not a JSON object")
                    }
                    for (name, content) in members {
                        let action: Action?
                        do throws(ActionDecodingError) {
                            action = try Action.decode(name: name, body: content)
                        } catch {
                            throw .corruptLog(path: path, line: lineNumber, offset: lineStart, reason: error.reason)
                        }
                        if let action { try body(action) }
                    }
                }
                lineStart = lineEnd + 1
            }
        }
    }

    private static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    /// Encodes actions as a commit file: one compact JSON object per line, each ending in `\n`.
    public static func encode(_ actions: [Action]) -> [UInt8] {
        var writer = JSONWriter()
        for action in actions {
            writer.write(action.json)
            writer.append(byte: 0x0A)
        }
        return writer.bytes
    }
}
