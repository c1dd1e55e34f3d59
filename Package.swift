// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("MemberImportVisibility")]

let package = Package(
    name: "tepai",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tepai", targets: ["tepai"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // Tests: raw HTTP peers that must misbehave below HTTP (close without answering, act as a proxy).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(
            name: "TepaiCore",
            dependencies: [.product(name: "Yams", package: "Yams"), .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .target(
            name: "TepaiStore",
            dependencies: [
                "TepaiCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict),
        // The PostgreSQL backend lives in its own module so postgres-nio (and its NIO/SSL graph) is
        // linked only into the binary and the tests that can choose it.
        .target(
            name: "TepaiPostgres",
            dependencies: [
                "TepaiCore", "TepaiStore", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "TepaiSearch",
            dependencies: ["TepaiCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict),
        .target(
            name: "TepaiRender",
            dependencies: ["TepaiCore", "TepaiSearch", .product(name: "Mustache", package: "swift-mustache")],
            swiftSettings: strict),
        .target(
            name: "TepaiDelivery",
            dependencies: [
                "CCurl", "TepaiCore", "TepaiStore", .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .target(
            name: "TepaiSchedule",
            dependencies: [
                "TepaiCore", "TepaiStore", "TepaiRender", "TepaiDelivery",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .target(
            name: "TepaiSources",
            dependencies: [
                "TepaiCore", "TepaiStore", "TepaiDelivery",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .target(
            name: "TepaiServer",
            dependencies: [
                "TepaiCore", "TepaiStore", "TepaiSearch", "TepaiRender", "TepaiDelivery", "TepaiSchedule",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "tepai",
            dependencies: [
                "TepaiCore", "TepaiStore", "TepaiSearch", "TepaiRender", "TepaiDelivery", "TepaiServer", "TepaiSchedule", "TepaiSources",
                "TepaiPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(name: "TepaiCoreTests", dependencies: ["TepaiCore"], swiftSettings: strict),
        .testTarget(
            name: "TepaiStoreTests", dependencies: ["TepaiCore", "TepaiStore", "TepaiPostgres"], swiftSettings: strict),
        .testTarget(name: "TepaiSearchTests", dependencies: ["TepaiCore", "TepaiSearch", "TepaiRender"], swiftSettings: strict),
        .testTarget(
            name: "TepaiScheduleTests",
            dependencies: ["TepaiCore", "TepaiStore", "TepaiRender", "TepaiDelivery", "TepaiSchedule", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .testTarget(name: "TepaiDeliveryTests", dependencies: ["TepaiCore", "TepaiStore", "TepaiDelivery"], swiftSettings: strict),
        // Runs the built `tepai` binary end to end (exit codes, output contracts).
        .testTarget(
            name: "TepaiCLITests",
            dependencies: [
                "tepai", "TepaiCore", "TepaiStore", "TepaiDelivery", "TepaiPostgres", "TepaiSources", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict),
        // Feeds served by a real local HTTP server, a real temporary folder, a real SQLite file.
        .testTarget(
            name: "TepaiSourcesTests",
            dependencies: [
                "TepaiCore", "TepaiStore", "TepaiDelivery", "TepaiSources", "TepaiSearch", "TepaiRender", "TepaiServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "TepaiServerTests",
            dependencies: [
                "TepaiCore", "TepaiStore", "TepaiSearch", "TepaiRender", "TepaiServer", "TepaiDelivery",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
