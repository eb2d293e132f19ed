import Kernels

let only = CommandLine.arguments.dropFirst().first
let bench = LayerBenchmarks(path: KernelPath.best, threads: 1)
switch only {
case "wino": for _ in 0..<5 { print(bench.conv(channels: 256, outChannels: 256, size: 64, kernel: 3, stride: 1, padding: 1, algorithm: .winograd)) }
case "s2": for _ in 0..<5 { print(bench.conv(channels: 64, outChannels: 128, size: 256, kernel: 3, stride: 2, padding: 1, algorithm: .implicitGEMM)) }
case "final": for _ in 0..<5 { print(bench.conv(channels: 64, outChannels: 3, size: 256, kernel: 7, stride: 1, padding: 3, algorithm: nil)) }
case "convt": for _ in 0..<5 { print(bench.convTranspose(channels: 128, outChannels: 64, size: 128)) }
default: bench.report()
}
