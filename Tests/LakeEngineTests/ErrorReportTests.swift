import LakeColumnar
import LakeEngine
import Testing

@Suite("Error report")
struct ErrorReportTests {
    struct Sample: LakeError {
        var description: String { "something broke (at x)" }
        var help: String? { "do y" }
    }

    struct Foreign: Error {}

    @Test func lakeErrorsPrintErrorThenHelp() {
        #expect(ErrorReport.lines(for: Sample()) == ["error: something broke (at x)", "help: do y"])
    }

    @Test func otherErrorsAreReportedAsBugs() {
        let lines = ErrorReport.lines(for: Foreign())
        #expect(lines.count == 2)
        #expect(lines[1].contains("bug in lake"))
    }
}
