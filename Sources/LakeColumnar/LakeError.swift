/// An error that `lake` reports to a user.
///
/// Every module has one error enum conforming to this protocol. ``description`` says what happened
/// and where (a path, a byte offset, a column); ``help`` says what to do about it. The CLI prints
/// them as `error: <description>` and `help: <help>` (SPEC.md §2).
public protocol LakeError: Error, Sendable, CustomStringConvertible {
    /// What the user can do about the error, or `nil` when there is nothing useful to say.
    var help: String? { get }
}
