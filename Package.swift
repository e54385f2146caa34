// swift-tools-version:6.0
import PackageDescription

// Linux only: the code calls Glibc directly (poll, flock, fdatasync, pipe2) and uses the
// Synchronization module. No Apple platform is declared because none is built or tested.
let package = Package(
    name: "kafka-inbox",
    products: [
        .executable(name: "kafka-inbox", targets: ["kafka-inbox"]),
        .executable(name: "inbox-bench", targets: ["inbox-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(
            name: "CNCurses",
            // No pkgConfig: ncursesw.pc carries -D flags SwiftPM rejects with a warning;
            // the header is in the default include path and the module map links the libraries.
            providers: [.apt(["libncurses-dev"])]
        ),
        .systemLibrary(
            name: "CJQ",
            // No pkgConfig: Debian's libjq-dev ships none; the module map links "jq" itself.
            providers: [.apt(["libjq-dev"])]
        ),
        // Who may import whom: see the README's module table.
        .target(name: "InboxSystem", dependencies: ["CAllocator"]),
        .target(name: "CAllocator"),
        // The per-byte decoding paths are optimised in debug builds too: unoptimised they are
        // about 30 times slower, which hides from the end-to-end tests (built in debug) what
        // the product does under load (a backlog that outgrows a bound, a stalled terminal).
        .target(name: "InboxCore", swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "KafkaKit", dependencies: ["CRdKafka"]),
        .target(name: "JQKit", dependencies: ["CJQ"]),
        .target(name: "CBuildInfo"),
        .target(name: "InboxEvents", dependencies: ["InboxCore", "InboxSystem"]),
        .target(name: "InboxFeed", dependencies: ["InboxCore", "KafkaKit", "JQKit"]),
        .target(name: "InboxTUI", dependencies: ["InboxCore", "InboxEvents", "InboxSystem", "CNCurses"]),
        .target(name: "InboxService", dependencies: ["InboxCore", "KafkaKit", "JQKit", "InboxFeed", "InboxEvents", "InboxSystem"]),
        .executableTarget(
            name: "kafka-inbox",
            dependencies: [
                "InboxCore", "KafkaKit", "JQKit", "InboxFeed", "InboxEvents", "InboxService", "InboxTUI", "InboxSystem", "CBuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "inbox-bench",
            dependencies: [
                "InboxCore", "KafkaKit", "InboxFeed", "InboxEvents", "InboxService", "InboxTUI", "InboxSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Fast tier: pure core, model, codecs, and in-process service tests on the embedded broker.
        .testTarget(name: "InboxCoreTests", dependencies: ["InboxCore"]),
        .testTarget(name: "KafkaKitTests", dependencies: ["KafkaKit", "InboxCore"]),
        .testTarget(name: "InboxTUITests", dependencies: ["InboxTUI", "InboxEvents", "InboxCore", "InboxSystem"]),
        .testTarget(name: "ServiceTests", dependencies: ["InboxService", "InboxEvents", "InboxFeed", "InboxCore", "KafkaKit", "InboxSystem"]),
        .testTarget(name: "SchemaTests", dependencies: ["InboxFeed", "JQKit", "InboxCore"]),
        // End-to-end tier: the built binary, kcat, script and tmux.
        .testTarget(name: "EndToEndTests", dependencies: ["InboxCore"]),
    ],
    swiftLanguageModes: [.v6]
)
