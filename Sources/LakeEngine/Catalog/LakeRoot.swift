/// The lake: a root directory whose sub-directories are tables (DESIGN.md §2, SPEC.md §2.5).
public enum LakeRoot {
    /// The root used when neither `--lake` nor `LAKE_HOME` is given.
    public static let defaultPath = "lakehouse"

    /// The lake root: `option` (`--lake DIR`), else `home` (`$LAKE_HOME`), else `./lakehouse`.
    /// Empty values count as absent; trailing slashes are dropped.
    public static func resolve(option: String?, home: String?) -> String {
        let chosen = [option, home].compactMap { $0 }.first { !$0.isEmpty } ?? defaultPath
        return FileKind.trimmingTrailingSlashes(chosen)
    }
}
