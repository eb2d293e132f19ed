import ArgumentParser
import FaceDetection
import Foundation
import KernelsCore
import NN
import Parallel
import Pipeline

/// The server's pipeline on one file, for people and scripts without a running server.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Cartoonify one image file into a PNG.")

    @Option(help: "Generator weights (safetensors).")
    var weights = "weights/default.safetensors"
    @Option(help: "Output edge in pixels (64...1024); default the model's input size.")
    var size: Int?
    @Option(help: "face, center or none.")
    var crop = CropMode.face
    @Option(help: "Number format of the convolutions: f32, or bf16 (AVX512_BF16 CPUs only).")
    var precision = Precision.f32
    @Argument(help: "A JPEG or PNG photo.")
    var input: String
    @Argument(help: "Where to write the PNG cartoon.")
    var output: String

    func run() throws {
        if let size, !CartoonOptions.sizeRange.contains(size) {
            throw ValidationError("--size must be from \(CartoonOptions.sizeRange.lowerBound) to \(CartoonOptions.sizeRange.upperBound)")
        }
        if let reason = precision.unsupportedReason { throw ValidationError("--precision: \(reason).") }
        let options = CartoonOptions(size: size, crop: crop)
        let loaded = try Generator.load(from: URL(fileURLWithPath: weights))
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: input)))
        let pipeline = CartoonPipeline(generator: loaded.generator, detector: try ProcessEnvironment.detector(),
                                       framing: try FaceFraming(metadata: loaded.metadata), precision: precision,
                                       kernels: try ProcessEnvironment.kernels())
        let context = ComputeContext(threads: AvailableCores.count)
        let result = try pipeline.run(bytes, options: options, resources: .init(context: context))
        try Data(result.png).write(to: URL(fileURLWithPath: output), options: .atomic)
        var face = result.face.map { "face at \($0.x),\($0.y) \($0.width)x\($0.height)" }
            ?? (result.faceDetected == false ? "no face found, center crop" : "no detection")
        if let eyes = result.eyes {
            face += String(format: ", eyes at (%.1f, %.1f) (%.1f, %.1f)", eyes.leftX, eyes.leftY, eyes.rightX, eyes.rightY)
        } else if result.face != nil {
            face += ", no eyes found, box crop"
        }
        let times = result.times.named.map { "\($0.name) \($0.duration)" }.joined(separator: ", ")
        print("wrote \(output) (\(result.png.count) bytes; \(face); \(times))")
    }
}

extension CropMode: ExpressibleByArgument {}
extension Precision: ExpressibleByArgument {}
