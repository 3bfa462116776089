// swift-tools-version: 6.2
import PackageDescription

let strict: [SwiftSetting] = [
    .treatAllWarnings(as: .error)
]

let package = Package(
    name: "sire-git",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sire-git", targets: ["sire-git"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
    ],
    targets: [
        // Pure core: model, graph, expressions, cron, durations. No I/O.
        .target(
            name: "SireCore", swiftSettings: strict,
            // Double rounding and exact conversions need libm, which Linux does not link by default.
            linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]),
        // libyaml, through its event API.
        .systemLibrary(
            name: "CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        // YAML → located nodes → workflow model, plus every validation rule.
        .target(name: "SireSpec", dependencies: ["SireCore", "CYAML"], swiftSettings: strict),
        // libgit2 1.5.
        .systemLibrary(
            name: "CLibGit2", pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]),
        // Repository, objects, revisions, diffs, walks.
        .target(
            name: "SireGit", dependencies: ["CLibGit2", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        // Built-in tools (files, HTTP, processes, data, logs, sleep), JSON-RPC, and the dispatcher.
        .target(
            name: "SireTools",
            dependencies: [
                "SireCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // MCP client dispatch: sessions per server over stdio and Streamable HTTP.
        .target(
            name: "SireMCP",
            dependencies: [
                "SireCore",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict),
        // The SQLite index (GRDB): runs, step states, events, artifacts, cache, outbox.
        .target(
            name: "SireStore",
            dependencies: [
                "SireCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        // Durable run execution: ready steps, retries, timeouts, fan-out, repeat, cache.
        .target(
            name: "SireEngine",
            dependencies: ["SireCore", "SireStore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        // The controller: sources, reconciler, scheduler, ledger, per-commit status, and the
        // wiring of store, engine and tools that the command line shares.
        .target(
            name: "SireController",
            dependencies: [
                "SireCore", "SireSpec", "SireGit", "SireTools", "SireStore", "SireEngine", "SireMCP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            swiftSettings: strict),
        // sire-git's own tools served over MCP: stdio (`sire-git mcp`) and Streamable HTTP sessions.
        .target(
            name: "SireMCPServer",
            dependencies: [
                "SireCore", "SireSpec", "SireGit", "SireStore", "SireEngine", "SireController", "SireMCP",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        // The HTTP API (SPEC §8) on Hummingbird: webhooks, triggers, runs, live events, metrics.
        .target(
            name: "SireHTTP",
            dependencies: [
                "SireCore", "SireStore", "SireEngine", "SireController", "SireMCPServer",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        // The command line, as a library so tests can call it in process.
        .target(
            name: "SireCLI",
            dependencies: [
                "SireCore", "SireSpec", "SireGit", "SireTools", "SireStore", "SireEngine", "SireController", "SireHTTP",
                "SireMCP", "SireMCPServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .executableTarget(name: "sire-git", dependencies: ["SireCLI"], swiftSettings: strict),
        .executableTarget(
            name: "SireBench",
            dependencies: [
                "SireCore", "SireSpec", "SireGit", "SireCLI", "SireStore", "SireEngine", "SireTools", "SireController",
                "SireHTTP",
                "SireMCP",
                // Real servers (lighttpd + git http-backend) for `SireBench remote`.
                "SireTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/SireBench", swiftSettings: strict),

        // Test helpers shared by the test targets: throwaway git repositories, the built binary.
        .target(
            name: "SireTestSupport",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Tests/SireTestSupport", swiftSettings: strict),
        .testTarget(name: "SireCoreTests", dependencies: ["SireCore"], swiftSettings: strict),
        .testTarget(name: "SireSpecTests", dependencies: ["SireSpec", "SireCore"], swiftSettings: strict),
        .testTarget(
            name: "SireToolsTests", dependencies: ["SireTools", "SireCore", "SireTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "SireStoreTests", dependencies: ["SireStore", "SireCore", "SireTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "SireEngineTests",
            dependencies: ["SireEngine", "SireStore", "SireTools", "SireSpec", "SireCore", "SireTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "SireControllerTests",
            dependencies: [
                "SireController", "SireEngine", "SireStore", "SireGit", "SireSpec", "SireCore", "SireTestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "SireHTTPTests",
            dependencies: [
                "SireHTTP", "SireController", "SireEngine", "SireStore", "SireCore", "SireTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "SireMCPTests", dependencies: ["SireMCP", "SireCore", "SireTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "SireMCPServerTests",
            dependencies: [
                "SireMCPServer", "SireController", "SireCore", "SireTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(name: "SireGitTests", dependencies: ["SireGit", "SireTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "SireCLITests",
            dependencies: ["SireCLI", "SireSpec", "SireCore", "SireGit", "SireTestSupport", "sire-git"],
            swiftSettings: strict),
    ]
)
