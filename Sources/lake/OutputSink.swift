import LakeIO

/// Where command output goes: standard output, or a new file given by `--output`.
struct OutputSink {
    let path: String?
    private var file: FileWriter?
    private var failure: StorageError?

    init(path: String?) {
        self.path = path
    }

    /// Creates the output file, if any; it must not exist yet.
    mutating func open() throws {
        if let path { file = try FileWriter(path: path, exclusive: true) }
    }

    mutating func write(_ text: String) {
        guard let file else {
            Terminal.write(text)
            return
        }
        do {
            try file.write(Array(text.utf8))
        } catch {
            if failure == nil { failure = error }
        }
    }

    /// Flushes and closes the file, reporting the first write error.
    mutating func close() throws {
        if let failure { throw failure }
        try file?.close()
        file = nil
    }
}
