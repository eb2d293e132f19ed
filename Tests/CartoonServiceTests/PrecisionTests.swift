import FaceDetection
import Foundation
import Imaging
import KernelsCore
import NN
import Parallel
import Pipeline
import Testing

/// `--precision bf16` against float32 on the public-domain portraits, through the pipeline the server runs
/// (bundled model, default face crop, PNG out): the cartoons may differ by rounding only, under 1 level of
/// 255 on average and 8 at most.
@Suite(.enabled(if: Precision.bf16Supported, "this CPU has no AVX512_BF16"))
struct PrecisionTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FaceDetectionTests/Fixtures")
    static let portraits = ["astronaut", "biden", "chelsea", "grace_hopper", "obama", "obama2", "obama3"]

    @Test func bfloat16CartoonsStayWithinRoundingOfFloat32() throws {
        let weights = Self.fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("weights/default.safetensors")
        let loaded = try Generator.load(from: weights)
        let detector = try FaceDetector.bundled()
        let framing = try FaceFraming(metadata: loaded.metadata)
        let pipelines = [Precision.f32, .bf16].map {
            CartoonPipeline(generator: loaded.generator, detector: detector, framing: framing, precision: $0)
        }
        var total = 0.0, count = 0, worst = 0
        for name in Self.portraits {
            let photo = Array(try Data(contentsOf: Self.fixtures.appendingPathComponent("\(name).jpg")))
            let images = try pipelines.map { pipeline in
                try ImageDecoder.decode(try pipeline.run(photo, options: CartoonOptions(), resources: .init(context: ComputeContext(threads: 2))).png)
            }
            #expect(images[0].width == images[1].width && images[0].height == images[1].height)
            for (a, b) in zip(images[0].pixels, images[1].pixels) {
                let difference = abs(Int(a) - Int(b))
                total += Double(difference)
                worst = max(worst, difference)
                count += 1
            }
        }
        let mean = total / Double(max(count, 1))
        print("bf16 vs f32 over \(Self.portraits.count) portraits: mean \(mean) levels, max \(worst)")
        #expect(mean < 1, "mean difference \(mean) levels of 255")
        #expect(worst < 8, "largest difference \(worst) levels of 255")
    }
}
