#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Timing helpers for the opt-in speed tests of the writer's building blocks.
enum WriterBenchmarkTiming {
    /// Whether `LAKE_BENCH` is set.
    static var benchmarksEnabled: Bool { getenv("LAKE_BENCH") != nil }

    /// The best of five runs of `body`, in nanoseconds.
    static func bestNanoseconds(_ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<5 {
            var start = timespec()
            var end = timespec()
            clock_gettime(CLOCK_MONOTONIC, &start)
            body()
            clock_gettime(CLOCK_MONOTONIC, &end)
            best = min(best, Double(end.tv_sec - start.tv_sec) * 1e9 + Double(end.tv_nsec - start.tv_nsec))
        }
        return best
    }
}
