// swift-tools-version:6.2
import PackageDescription

/// The numeric targets are always compiled with optimisation: a debug `swift test` would otherwise run
/// the generator ~100x slower than release and the end-to-end tests would crawl.
let hot: [SwiftSetting] = [.unsafeFlags(["-O"])]

/// Per-ISA kernel targets: the same generic kernels instantiated under different `-march` levels, picked
/// at run time from cpuid. The flags are x86-only; elsewhere those targets compile as plain portable code.
/// `-mno-gather`: at x86-64-v4 LLVM turned the Haar cascade's scattered loads into `vpgatherqd`, which is
/// microcoded on AMD and slowed the window loop 1.5x (`cartoonify-bench faces`).
#if arch(x86_64)
let avx2: [SwiftSetting] = [.unsafeFlags(["-O", "-Xcc", "-march=x86-64-v3"])]
let avx512: [SwiftSetting] = [.unsafeFlags(["-O", "-Xcc", "-march=x86-64-v4", "-Xcc", "-mno-gather"])]
#else
let avx2 = hot
let avx512 = hot
#endif

let package = Package(
    name: "cartoonify",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cartoonify-server", targets: ["cartoonify-server"]),
        .executable(name: "cartoonify", targets: ["cartoonify"]),
        .executable(name: "cartoonify-train", targets: ["cartoonify-train"]),
        // For the fuzz targets in Fuzz/, a separate package that depends on this one by path.
        .library(name: "HTTP", targets: ["HTTP"]),
        .library(name: "Imaging", targets: ["Imaging"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C: libjpeg and libpng (+ zlib), each behind a small setjmp/longjmp error shim.
        .target(name: "CJPEG", linkerSettings: [.linkedLibrary("jpeg")]),
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("z")]),

        .target(name: "Imaging", dependencies: ["CJPEG", "CPNG"], swiftSettings: hot),
        // The cascades are data: XML resources loaded and validated once at start
        // (scripts/fixtures/make_cascade_resources.py writes them).
        .target(name: "FaceDetection", dependencies: ["Imaging", "Kernels", "KernelsCore", "Parallel"],
                resources: [.copy("Resources")], swiftSettings: hot),
        .target(name: "CCPUFeatures"),
        // bfloat16 GEMM on AVX512_BF16 (`vdpbf16ps`): Swift cannot emit it, so C intrinsics behind a
        // per-function target attribute; callers check cartoonify_bf16_supported() first.
        .target(name: "CBF16"),
        // Parallel regions on spinning thread teams, capped by the cores busy workers share.
        .target(name: "Parallel", dependencies: ["CCPUFeatures"], swiftSettings: hot),
        .target(name: "KernelsCore", dependencies: ["Parallel", "CBF16"], swiftSettings: hot),
        .target(name: "KernelsPortable", dependencies: ["KernelsCore"], swiftSettings: hot),
        .target(name: "KernelsAVX2", dependencies: ["KernelsCore"], swiftSettings: avx2),
        .target(name: "KernelsAVX512", dependencies: ["KernelsCore"], swiftSettings: avx512),
        .target(
            name: "Kernels",
            dependencies: ["KernelsCore", "KernelsPortable", "KernelsAVX2", "KernelsAVX512", "CCPUFeatures"],
            swiftSettings: hot
        ),
        // The model: tensors, configuration, weights files and the planned inference pass. No training code.
        .target(name: "NN", dependencies: ["Kernels", "KernelsCore", "Parallel"], swiftSettings: hot),
        // Reverse-mode differentiation for training: the tape, its ops and training kernels, the PatchGAN.
        .target(name: "Autograd", dependencies: ["NN", "Kernels", "KernelsCore", "Parallel"], swiftSettings: hot),
        // One photo in, one PNG cartoon out: what the server and the CLI run, with no HTTP in it.
        .target(name: "Pipeline", dependencies: ["FaceDetection", "Imaging", "Kernels", "KernelsCore", "NN", "Parallel"],
                swiftSettings: hot),
        .systemLibrary(name: "CEpoll"),  // epoll/eventfd headers for the HTTP readiness loop (Linux)
        .target(name: "HTTP", dependencies: ["CEpoll"]),
        .target(
            name: "CartoonService",
            dependencies: [
                "HTTP", "Imaging", "FaceDetection", "Kernels", "KernelsCore", "NN", "Parallel", "Pipeline",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // The try-it page and the API description (its only copy), served as they are.
            resources: [.copy("Web")]
        ),
        .target(name: "Training", dependencies: ["Autograd", "NN", "Imaging", "Parallel"], swiftSettings: hot),
        // Numbers for a trained model: cartoon-likeness, structure and colour kept (`cartoonify eval`).
        .target(name: "Evaluation", dependencies: ["Imaging"], swiftSettings: hot),
        .executableTarget(
            name: "cartoonify-server",
            dependencies: [
                "CartoonService", "FaceDetection", "Kernels", "KernelsCore", "NN", "Parallel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "cartoonify-bench",
            dependencies: [
                "Kernels", "KernelsCore", "NN", "Parallel", "CBF16", "FaceDetection", "Imaging",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: hot
        ),
        .executableTarget(
            name: "cartoonify",
            dependencies: [
                "Pipeline", "FaceDetection", "Kernels", "KernelsCore", "NN", "Imaging", "Evaluation", "Parallel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "cartoonify-train",
            dependencies: ["Training", "Autograd", "Kernels", "NN", "Parallel", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // Socket client and fixtures shared by the test targets.
        .target(name: "TestSupport", dependencies: ["HTTP"], path: "Tests/TestSupport"),
        // The tests' oracle: the naive generator forward, its layers and ops (GEMM, convolution, norm) and
        // Double-accumulating loops. Test-only, so the shipped binaries carry one inference engine.
        .target(name: "Reference", dependencies: ["NN", "KernelsCore"], path: "Tests/Reference", swiftSettings: hot),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "FaceDetectionTests", dependencies: ["FaceDetection", "Imaging", "Kernels", "Parallel"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ReferenceTests", dependencies: ["Reference", "NN", "KernelsCore"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Imaging"]),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "KernelsCore", "CBF16", "Parallel", "Reference"]),
        .testTarget(name: "ParallelTests", dependencies: ["Parallel", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Autograd", "NN", "Imaging", "Reference", "TestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "NNTests", dependencies: ["NN", "Kernels", "KernelsCore", "Parallel", "Reference"], resources: [.copy("Fixtures")]),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd", "NN", "Kernels", "KernelsCore", "Parallel", "Reference"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "TestSupport"]),
        .testTarget(
            name: "CartoonServiceTests",
            dependencies: ["CartoonService", "Pipeline", "FaceDetection", "HTTP", "Imaging", "KernelsCore", "NN", "Parallel", "TestSupport"]
        ),
        .testTarget(name: "DeployTests"),
    ]
)
