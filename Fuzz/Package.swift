// swift-tools-version:6.2
import PackageDescription

/// libFuzzer targets, kept out of the root package so its build and `swift test` never see
/// `-sanitize=fuzzer`. Build and run them with `scripts/checks/fuzz.sh`. Each target's `main` hands its
/// one-input function to libFuzzer's driver.
let package = Package(
    name: "cartoonify-fuzz",
    dependencies: [.package(name: "cartoonify", path: "..")],
    targets: [
        .target(name: "CFuzzerDriver"),
        .executableTarget(name: "FuzzHTTPRequest", dependencies: ["CFuzzerDriver", .product(name: "HTTP", package: "cartoonify")]),
        .executableTarget(name: "FuzzMultipart", dependencies: ["CFuzzerDriver", .product(name: "HTTP", package: "cartoonify")]),
        .executableTarget(name: "FuzzImageDecoder", dependencies: ["CFuzzerDriver", .product(name: "Imaging", package: "cartoonify")]),
    ]
)
