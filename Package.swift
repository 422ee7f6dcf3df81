// swift-tools-version:6.1
// The `lake` package: one executable over small library modules with one-way dependencies.
// Layout and dependency direction: ../shared/DESIGN.md §4 and CONTRIBUTING.md.
import PackageDescription

/// Settings shared by every Swift target.
///
/// `LAKE_INTERNAL_CHECKS` turns on invariant checks after builders and decoders (debug builds only,
/// in the style of swift-collections' `COLLECTIONS_INTERNAL_CHECKS`); release builds never pay for them.
let swiftSettings: [SwiftSetting] = [
    .define("LAKE_INTERNAL_CHECKS", .when(configuration: .debug))
]

let package = Package(
    name: "lake",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lake", targets: ["lake"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // C libraries from the distribution (Debian: libzstd-dev liblz4-dev libsnappy-dev zlib1g-dev).
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CSnappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // glibc's <malloc.h>, for mallopt in the lake executable.
        .systemLibrary(name: "CMalloc"),

        // Types, schema, columns and batches. Standard library only.
        .target(name: "LakeColumnar", swiftSettings: swiftSettings),
        // Files: bounds-checked reads, positional I/O, durable writes.
        .target(name: "LakeIO", dependencies: ["LakeColumnar"], swiftSettings: swiftSettings),
        // Block codecs for Parquet pages: zstd, lz4 (raw and Hadoop-framed), snappy, gzip.
        .target(
            name: "LakeCompression",
            dependencies: ["LakeColumnar", "CZstd", "CLZ4", "CSnappy", "CZlib"],
            swiftSettings: swiftSettings
        ),
        // Apache Parquet: Thrift compact protocol, metadata, encodings, reader, writer, statistics.
        .target(
            name: "LakeParquet",
            dependencies: ["LakeColumnar", "LakeIO", "LakeCompression"],
            swiftSettings: swiftSettings
        ),
        // Delta Lake: the JSON log codec, actions, log replay into snapshots, checkpoints, table scans.
        .target(
            name: "LakeDelta",
            dependencies: ["LakeColumnar", "LakeIO", "LakeParquet"],
            swiftSettings: swiftSettings
        ),
        // SQL text to statements: lexer, parser, AST (binder and logical plan come with the query engine).
        .target(name: "LakeSQL", dependencies: ["LakeColumnar"], swiftSettings: swiftSettings),
        // Vectorized execution: kernels, expressions, operators, the parallel pipeline. Knows neither SQL
        // nor Delta: it reads batches from a source protocol (DESIGN.md §4).
        .target(name: "LakeExecution", dependencies: ["LakeColumnar"], swiftSettings: swiftSettings),
        // Getting data in: readers of text formats, schema inference, coercion, the sample-data generator.
        // Reads gzip and zstd input through the C libraries directly (streaming, unlike LakeCompression's blocks).
        .target(name: "LakeIngest", dependencies: ["LakeColumnar", "CZstd", "CZlib"], swiftSettings: swiftSettings),
        // The façade the CLI calls: file inspection, row output formats, the demo.
        .target(
            name: "LakeEngine",
            dependencies: ["LakeColumnar", "LakeIO", "LakeParquet", "LakeDelta", "LakeIngest", "LakeSQL", "LakeExecution"],
            swiftSettings: swiftSettings
        ),
        // The command line. Thin: parse arguments, call LakeEngine, print, map errors to exit codes.
        .executableTarget(
            name: "lake",
            dependencies: [
                "LakeEngine", "LakeColumnar", "LakeParquet", "LakeDelta", "LakeIngest",
                .target(name: "CMalloc", condition: .when(platforms: [.linux])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Tests: shared helpers plus one target per module.
        .target(
            name: "LakeTestSupport",
            dependencies: ["LakeColumnar", "LakeDelta"],
            path: "Tests/LakeTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LakeColumnarTests",
            dependencies: ["LakeColumnar", "LakeTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LakeCompressionTests",
            dependencies: ["LakeCompression", "LakeTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LakeParquetTests",
            dependencies: ["LakeParquet", "LakeColumnar", "LakeIO", "LakeTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LakeDeltaTests",
            dependencies: ["LakeDelta", "LakeParquet", "LakeColumnar", "LakeIO", "LakeTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LakeSQLTests",
            dependencies: ["LakeSQL"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LakeExecutionTests",
            dependencies: ["LakeExecution", "LakeColumnar"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LakeIngestTests",
            dependencies: ["LakeIngest", "LakeColumnar", "LakeTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LakeEngineTests",
            dependencies: [
                "LakeEngine", "LakeExecution", "LakeDelta", "LakeParquet", "LakeColumnar", "LakeIngest", "LakeIO",
                "LakeTestSupport",
            ],
            swiftSettings: swiftSettings
        ),

        // Benchmark driver for Tools/bench/parquet_bench.py: times whole-file Parquet read and write.
        .executableTarget(
            name: "lake-parquet-bench",
            dependencies: ["LakeParquet", "LakeColumnar"],
            path: "Tools/Benchmarks/ParquetBench"
        ),
        // Benchmark driver for Delta log replay: opens a synthetic 1000-commit log or a given table.
        .executableTarget(
            name: "lake-delta-bench",
            dependencies: ["LakeDelta", "LakeColumnar"],
            path: "Tools/Benchmarks/DeltaBench"
        ),
    ]
)

// libFuzzer targets (reliability.md §5), declared only when `LAKE_FUZZ` is set: they have no `main`
// (libFuzzer supplies it), so a plain `swift build` could not link them. Build and run them with
// `Tools/Fuzz/run.sh <target> [seconds]`, which uses `--sanitize=fuzzer` and a separate scratch path.
if Context.environment["LAKE_FUZZ"] != nil {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzCompression", ["LakeCompression"]),
        ("FuzzParquet", ["LakeParquet", "LakeIO", "LakeColumnar"]),
        ("FuzzIngest", ["LakeIngest"]),
    ]
    for target in fuzzTargets {
        package.targets.append(
            .executableTarget(
                name: target.name,
                dependencies: target.dependencies,
                path: "Tools/Fuzz/\(target.name)",
                swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"])]
            )
        )
    }
}

// LakeIO's own tests (commit primitives, listings, path safety); appended here to keep the target
// list above easy to merge.
package.targets.append(
    .testTarget(
        name: "LakeIOTests",
        dependencies: ["LakeIO", "LakeTestSupport"],
        swiftSettings: swiftSettings
    )
)
