// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SwiftVirt",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "swiftvirtd", targets: ["swiftvirtd"]),
        .executable(name: "swiftvirt", targets: ["swiftvirt"]),
        .library(name: "SwiftVirtClient", targets: ["SwiftVirtClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Pure core: domain model, domain XML, validation, typed errors. No I/O.
        .target(name: "SwiftVirtCore"),
        // libvirt remote protocol: XDR, framing, procedure numbers, argument/return structs. Pure.
        .target(name: "SwiftVirtWire"),
        // Reads libvirt's .x protocol files and writes SwiftVirtWire's Generated/ sources (scripts/generate-wire.sh).
        .target(name: "WireGenerator"),
        .executableTarget(name: "swiftvirt-wiregen", dependencies: ["WireGenerator"]),
        // Thin C shims for syscalls Swift cannot call directly (ioctl, openpty, KVM probe).
        .target(name: "CSwiftVirtSys"),
        // What the daemon and every driver need of the OS and share: child processes, threads, atomic files,
        // JSON. Nothing hypervisor-specific lives here.
        .target(
            name: "SwiftVirtSystem",
            dependencies: [
                "CSwiftVirtSys",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        // QEMU driver: accelerator probe, command line, QMP client, process supervision.
        .target(
            name: "SwiftVirtQEMU",
            dependencies: [
                "SwiftVirtCore", "SwiftVirtSystem", "CSwiftVirtSys",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // libvirt's test driver: an in-memory host with libvirt's default objects (test:///default).
        .target(name: "SwiftVirtTestDriver", dependencies: ["SwiftVirtCore"]),
        // The daemon: sockets, connections, dispatch, domain registry, persistence, events, consoles.
        .target(
            name: "SwiftVirtDaemon",
            dependencies: [
                "SwiftVirtCore", "SwiftVirtWire", "SwiftVirtSystem", "SwiftVirtQEMU", "SwiftVirtTestDriver",
                "CSwiftVirtSys",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "swiftvirtd",
            dependencies: ["SwiftVirtDaemon", .product(name: "Logging", package: "swift-log")],
            exclude: ["hot-functions.order"],
            // Release daemon fully static (no ld.so, libc.so, libstdc++.so mappings, no exported symbol table):
            // about 3 MiB less resident memory. Debug builds stay dynamic for the debugger. Linked by lld with the
            // functions that run at start-up and under ordinary calls laid out first (hot-functions.order, made by
            // scripts/update-hot-functions.sh), so the code that runs sits in few pages: about 3 MiB less again.
            // FoundationEssentials' own static dependencies are named here because `-static-executable` alone does
            // not pull them in: plain `swift build -c release` must link (SwiftPM adds them only with
            // --static-swift-stdlib).
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-static-executable", "-use-ld=lld",
                        "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/swiftvirtd/hot-functions.order",
                        "-Xlinker", "--no-warn-symbol-ordering",
                    ], .when(platforms: [.linux], configuration: .release)),
                .linkedLibrary("_FoundationCollections", .when(platforms: [.linux], configuration: .release)),
                .linkedLibrary("_FoundationCShims", .when(platforms: [.linux], configuration: .release)),
            ]),
        // libvirt remote client: async VirtConnection on NIO (unix/tcp/tls/ssh URIs, events, consoles) and the
        // older synchronous RemoteClient over a unix socket.
        .target(
            name: "SwiftVirtClient",
            dependencies: [
                "SwiftVirtWire", "SwiftVirtCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        .executableTarget(
            name: "swiftvirt",
            dependencies: [
                "SwiftVirtCore", "SwiftVirtWire", "SwiftVirtClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "SwiftVirtCoreTests", dependencies: ["SwiftVirtCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SwiftVirtWireTests", dependencies: ["SwiftVirtWire"]),
        .testTarget(name: "WireGeneratorTests", dependencies: ["WireGenerator"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SwiftVirtClientTests", dependencies: ["SwiftVirtClient", "SwiftVirtWire"]),
        .testTarget(name: "SwiftVirtSystemTests", dependencies: ["SwiftVirtSystem"]),
        .testTarget(
            name: "SwiftVirtQEMUTests", dependencies: ["SwiftVirtQEMU", "SwiftVirtSystem", "SwiftVirtCore"],
            resources: [.copy("Golden")]),
        .testTarget(
            name: "SwiftVirtDaemonTests",
            dependencies: ["SwiftVirtDaemon", "SwiftVirtSystem", "SwiftVirtCore", "SwiftVirtTestDriver"]),
        .testTarget(
            name: "IntegrationTests", dependencies: ["SwiftVirtWire", "SwiftVirtCore", "SwiftVirtClient"], exclude: ["python", "ansible"]),
    ]
)
