// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "scalerd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "scalerd", targets: ["scalerd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // SHA-256 for the journal's hash chain; already in the graph through AsyncHTTPClient.
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // The shared store that makes two or more instances one controller (high availability).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .target(name: "ScalerCore"),
        // The ports: what a provider and a metric source are, and the descriptors' pure facts.
        .target(name: "ScalerPorts", dependencies: ["ScalerCore"]),
        .target(name: "ScalerConfig", dependencies: [
            "ScalerCore", "ScalerPorts",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "ScalerJournal", dependencies: [
            "ScalerCore",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The journal in PostgreSQL, for instances that share one (high availability).
        .target(name: "ScalerJournalPostgres", dependencies: [
            "ScalerJournal", "ScalerHA",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "ScalerCharts"),
        // Leadership among instances sharing one PostgreSQL: the lease, its epoch and self-fencing.
        .target(name: "ScalerHA", dependencies: [
            "ScalerCore",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "ScalerSimulation", dependencies: ["ScalerCore", "ScalerPorts", "ScalerCharts"]),
        .target(name: "ScalerHTTP", dependencies: [
            "ScalerCore", "ScalerPorts",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        .target(name: "ScalerProviders", dependencies: ["ScalerCore", "ScalerPorts", "ScalerSimulation", "ScalerHTTP", "ScalerMetrics"]),
        .target(name: "ScalerMetrics", dependencies: ["ScalerCore", "ScalerPorts", "ScalerSimulation", "ScalerHTTP"]),
        .target(name: "ScalerDaemon", dependencies: [
            "ScalerCore", "ScalerPorts", "ScalerConfig", "ScalerJournal", "ScalerJournalPostgres", "ScalerProviders", "ScalerMetrics",
            "ScalerHTTP", "ScalerHA",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        .executableTarget(name: "scalerd", dependencies: [
            "ScalerCore", "ScalerPorts", "ScalerConfig", "ScalerJournal", "ScalerProviders", "ScalerDaemon", "ScalerSimulation", "ScalerCharts",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Times the journal's write path and hold extension at a million rows (scripts/bench-controller.sh).
        .executableTarget(name: "journal-bench", dependencies: ["ScalerCore", "ScalerJournal"]),
        .testTarget(name: "ScalerCoreTests", dependencies: ["ScalerCore", "ScalerSimulation"]),
        .testTarget(name: "ScalerConfigTests", dependencies: ["ScalerConfig", "ScalerCore", "ScalerPorts", "ScalerProviders", "ScalerSimulation", "ScalerTestSupport"]),
        .testTarget(name: "ScalerJournalTests", dependencies: [
            "ScalerJournal", "ScalerJournalPostgres", "ScalerHA", "ScalerCore", "ScalerTestSupport",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "ScalerHATests", dependencies: [
            "ScalerHA", "ScalerTestSupport",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "ScalerSimulationTests", dependencies: ["ScalerSimulation", "ScalerCore", "ScalerPorts"]),
        // Fake provider servers and process helpers, shared by the test targets.
        .target(name: "ScalerTestSupport", dependencies: [
            "ScalerHTTP", "ScalerPorts", "ScalerSimulation",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ], path: "Tests/ScalerTestSupport"),
        .testTarget(name: "ScalerMetricsTests", dependencies: [
            "ScalerMetrics", "ScalerCore", "ScalerPorts", "ScalerHTTP", "ScalerTestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .testTarget(name: "ScalerProvidersTests", dependencies: [
            "ScalerProviders", "ScalerMetrics", "ScalerCore", "ScalerPorts", "ScalerHTTP", "ScalerTestSupport",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        .testTarget(name: "ScalerDaemonTests", dependencies: [
            "ScalerDaemon", "ScalerConfig", "ScalerJournal", "ScalerJournalPostgres", "ScalerHA", "ScalerCore", "ScalerPorts",
            "ScalerProviders", "ScalerMetrics", "ScalerSimulation", "ScalerHTTP", "ScalerTestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
