import ArgumentParser
import Foundation
import Kernels
import KernelsCore
import NN
import Parallel

/// The benchmark configurations of issue 5.
enum ModelConfig: String, ExpressibleByArgument, CaseIterable {
    case official
    case ngf64b6s128 = "ngf64-b6-128"
    case ngf32b6s128 = "ngf32-b6-128"

    var generator: GeneratorConfig {
        switch self {
        case .official: GeneratorConfig(ngf: 64, nBlocks: 9, inputSize: 256)
        case .ngf64b6s128: GeneratorConfig(ngf: 64, nBlocks: 6, inputSize: 128)
        case .ngf32b6s128: GeneratorConfig(ngf: 32, nBlocks: 6, inputSize: 128)
        }
    }
}

/// Latency of the planned generator forward pass, per layer, with the weights PyTorch can regenerate
/// (`Generator.randomWeights(seed:)`, twin in scripts/reference/cyclegan.py).
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Generator forward latency, GFLOP/s, per-layer time and peak RSS.")

    @OptionGroup var options: KernelOptions

    @Option(help: "Configurations to run: \(ModelConfig.allCases.map(\.rawValue).joined(separator: ", ")).")
    var config: [ModelConfig] = ModelConfig.allCases

    @Option(help: "Timed runs per configuration (after two warm-up runs).")
    var runs = 10

    @Option(help: "Number format of the convolutions: f32 or bf16 (AVX512_BF16 only).")
    var precision: Precision = .f32

    @Option(help: "Seed of Generator.randomWeights.")
    var seed: UInt64 = 42

    @Option(help: "Directory to write <config>.input.f32 / .output.f32 (raw little-endian float32) for scripts/bench/bench_ort.py.")
    var dump: String?

    @Flag(help: "Print one JSON object per configuration instead of the table.")
    var json = false

    func run() throws {
        let path = try options.path()
        if let reason = precision.unsupportedReason { throw ValidationError("--precision: \(reason).") }
        let roundTrip = options.threads > 1 ? coreRoundTripNanoseconds() : 0
        for model in config {
            let config = model.generator
            let generator = try Generator(config: config, weights: Generator.randomWeights(config: config, seed: seed))
            let (plan, planSeconds) = timed { GeneratorPlan(generator, kernels: path, precision: precision) }
            let size = config.inputSize
            var rng = SplitMix64(seed: seed + 1)
            let input = Tensor(shape: [1, 3, size, size],
                               storage: (0..<3 * size * size).map { _ in rng.nextUniform(bound: 1) })
            let arena = InferenceArena()
            let context = ComputeContext(threads: options.threads)
            var output = plan.forward(input, arena: arena, context: context)
            output = plan.forward(input, arena: arena, context: context)
            var latencies: [Double] = []
            var layerSamples: [String: [Double]] = [:]
            var layerOrder: [String] = []
            for _ in 0..<runs {
                latencies.append(seconds {
                    output = plan.forward(input, arena: arena, context: context) { name, seconds in
                        if layerSamples[name] == nil { layerOrder.append(name) }
                        layerSamples[name, default: []].append(seconds)
                    }
                })
            }
            let summary = Summary(latencies)
            let gflop = Self.gflop(config)
            let layers = layerOrder.map { ($0, Summary(layerSamples[$0] ?? []).median) }
            if let dump {
                try FileManager.default.createDirectory(atPath: dump, withIntermediateDirectories: true)
                try Self.write(input.storage, to: "\(dump)/\(model.rawValue).input.f32")
                try Self.write(output.storage, to: "\(dump)/\(model.rawValue).output.f32")
            }
            if json {
                let fields = [
                    "\"config\": \"\(model.rawValue)\"", "\"kernels\": \"\(path)\"", "\"precision\": \"\(precision)\"", "\"threads\": \(options.threads)",
                    "\"min_ms\": \(summary.min * 1e3)", "\"median_ms\": \(summary.median * 1e3)",
                    "\"p90_ms\": \(summary.p90 * 1e3)", "\"gflop\": \(gflop)", "\"peak_rss_mb\": \(peakRSSMegabytes())",
                    "\"plan_ms\": \(planSeconds * 1e3)", "\"core_round_trip_ns\": \(roundTrip)",
                ]
                print("{" + fields.joined(separator: ", ") + "}")
                continue
            }
            print("\(model.rawValue): ngf \(config.ngf), \(config.nBlocks) blocks, \(size)x\(size), \(path), "
                  + "\(precision), \(options.threads) threads, \(runs) runs")
            print("  latency min \(format(summary.min * 1e3, 2)) ms, median \(format(summary.median * 1e3, 2)) ms, "
                  + "p90 \(format(summary.p90 * 1e3, 2)) ms; \(format(gflop, 2)) GFLOP -> "
                  + "\(format(gflop / summary.median)) GFLOP/s (direct-convolution equivalent)")
            let total = layers.reduce(0) { $0 + $1.1 }
            for (name, time) in Self.grouped(layers) {
                print("    \(name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(format(time * 1e3, 2)) ms  "
                      + "\(format(100 * time / total))%")
            }
            print("  plan built in \(format(planSeconds * 1e3)) ms; peak RSS \(format(peakRSSMegabytes())) MB"
                  + (roundTrip > 0 ? "; core-to-core round trip \(format(roundTrip)) ns" : ""))
        }
    }

    /// Blocks summed into two rows (all conv1s, all conv2s) so the table stays short.
    static func grouped(_ layers: [(String, Double)]) -> [(String, Double)] {
        var result: [(String, Double)] = []
        for (name, time) in layers {
            let key = name.hasPrefix("block.") ? "blocks." + (name.split(separator: ".").last.map(String.init) ?? "") : name
            if let index = result.firstIndex(where: { $0.0 == key }) {
                result[index].1 += time
            } else {
                result.append((key, time))
            }
        }
        return result
    }

    /// Multiply-adds x 2 of the generator as direct convolutions (the issue's GFLOP column).
    static func gflop(_ c: GeneratorConfig) -> Double {
        let n = Double(c.ngf), s = Double(c.inputSize * c.inputSize)
        let stem = 3 * 49 * n * s, head = n * 49 * 3 * s
        let down = n * 9 * 2 * n * s / 4 + 2 * n * 9 * 4 * n * s / 16
        let blocks = Double(2 * c.nBlocks) * 4 * n * 9 * 4 * n * s / 16
        let up = 4 * n * 2 * n * 9 * s / 16 + 2 * n * n * 9 * s / 4
        return 2 * (stem + down + blocks + up + head) / 1e9
    }

    static func write(_ values: [Float], to path: String) throws {
        let data = values.withUnsafeBytes { Data($0) }
        try data.write(to: URL(fileURLWithPath: path))
    }
}

/// Peak resident set size of this process so far. On Linux from /proc (VmHWM): `getrusage` there keeps
/// the high-water mark of the process image before `exec`, i.e. of a launching Python with torch loaded.
func peakRSSMegabytes() -> Double {
    #if os(Linux)
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
       let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
       let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) {
        return kilobytes / 1024
    }
    return 0
    #else
    var usage = rusage()
    getrusage(RUSAGE_SELF, &usage)
    return Double(usage.ru_maxrss) / 1_048_576  // bytes on Darwin
    #endif
}

extension Precision: ExpressibleByArgument {}
