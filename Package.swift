// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "kafka-inbox",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "kafka-inbox", targets: ["kafka-inbox"]),
        .executable(name: "inbox-bench", targets: ["inbox-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"]), .brew(["librdkafka"])]
        ),
        .systemLibrary(
            name: "CNCurses",
            // No pkgConfig: ncursesw.pc carries -D flags SwiftPM rejects with a warning;
            // the header is in the default include path and the module map links the libraries.
            providers: [.apt(["libncurses-dev"]), .brew(["ncurses"])]
        ),
        .target(name: "InboxCore"),
        .target(name: "KafkaKit", dependencies: ["CRdKafka"]),
        .target(name: "InboxTUI", dependencies: ["InboxCore", "CNCurses"]),
        .target(name: "InboxFeed", dependencies: ["InboxCore", "KafkaKit"]),
        .executableTarget(
            name: "kafka-inbox",
            dependencies: [
                "InboxCore", "KafkaKit", "InboxFeed", "InboxTUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "inbox-bench", dependencies: ["InboxCore", "KafkaKit", "InboxFeed", "InboxTUI"]),
        .testTarget(name: "InboxCoreTests", dependencies: ["InboxCore"]),
        .testTarget(name: "KafkaKitTests", dependencies: ["KafkaKit", "InboxCore"]),
        .testTarget(name: "InboxTUITests", dependencies: ["InboxTUI", "InboxCore"]),
        .testTarget(name: "EndToEndTests", dependencies: ["InboxCore"]),
        .testTarget(name: "OutboxTests", dependencies: ["kafka-inbox", "InboxCore"]),
    ],
    swiftLanguageModes: [.v6]
)
