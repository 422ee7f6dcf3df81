extension ContiguousArray where Element == UInt8 {
    /// `withUnsafeBytes` that keeps the body's typed error (the standard one is `rethrows`, which
    /// erases it to `any Error`).
    @inline(__always) @discardableResult
    func withBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let outcome: Swift.Result<Result, Failure> = withUnsafeBytes { raw in
            Swift.Result { () throws(Failure) -> Result in try body(raw) }
        }
        return try outcome.get()
    }
}
