import Foundation
import Kernels
import Tensor

/// Called after each layer of a planned forward pass with the layer's name and its seconds.
public typealias LayerObserver = (_ layer: String, _ seconds: Double) -> Void

/// A `Generator` compiled for fast inference: weights packed (and Winograd-transformed) once, every
/// convolution on its fastest kernel path, and instance norm + ReLU fused into the next layer's input
/// stage, reflection padding into the convolution, the residual add into the norm's output pass.
///
/// Immutable and shareable across workers; each worker brings its own `InferenceArena`.
/// `Generator.forward` stays the plain reference implementation (and the training path).
public struct GeneratorPlan: Sendable {
    public let config: GeneratorConfig
    /// The instruction-set path the kernels run on.
    public let kernels: KernelPath
    /// The number format asked for. `bf16` takes the layers whose float32 plan is an implicit GEMM (stem,
    /// downsampling) and the transposed convolutions; Winograd blocks and the folded head stay float32
    /// (`ConvAlgorithm.bf16GEMM`).
    public let precision: Precision

    struct Norm: Sendable {
        let eps: Float
        let weight: [Float]?
        let bias: [Float]?

        init(_ norm: InstanceNorm2d) {
            eps = norm.eps
            weight = norm.weight?.storage
            bias = norm.bias?.storage
        }
    }

    struct Block: Sendable {
        let conv1: Conv2dPlan, norm1: Norm, conv2: Conv2dPlan, norm2: Norm
    }

    let stem: Conv2dPlan
    let stemNorm: Norm
    let down: [(conv: Conv2dPlan, norm: Norm)]
    let blocks: [Block]
    let up: [(deconv: ConvTranspose2dPlan, norm: Norm)]
    let head: Conv2dPlan

    /// `precision` `bf16` needs `Precision.bf16Supported`.
    public init(_ generator: Generator, kernels: KernelPath = .best, precision: Precision = .f32) {
        config = generator.config
        self.kernels = kernels
        self.precision = precision
        stem = Self.plan(generator.stem.conv, padding: 3, mode: .reflect, precision: precision)
        stemNorm = Norm(generator.stem.norm)
        down = generator.down.map { (Self.plan($0.conv, padding: 0, mode: .zero, precision: precision), Norm($0.norm)) }
        blocks = generator.blocks.map { block in
            Block(conv1: Self.plan(block.conv1, padding: 1, mode: .reflect, precision: precision), norm1: Norm(block.norm1),
                  conv2: Self.plan(block.conv2, padding: 1, mode: .reflect, precision: precision), norm2: Norm(block.norm2))
        }
        up = generator.up.map { stage in
            let d = stage.deconv
            let plan = d.weight.storage.withUnsafeBufferPointer { w in
                d.bias.map { $0.storage }.withOptionalBuffer { b in
                    ConvTranspose2dPlan(weights: w, bias: b, inChannels: d.inChannels, outChannels: d.outChannels,
                                        kernelSize: d.weight.shape[2], stride: d.stride, padding: d.padding,
                                        outputPadding: d.outputPadding, precision: precision)
                }
            }
            return (plan, Norm(stage.norm))
        }
        head = Self.plan(generator.head, padding: 3, mode: .reflect, precision: precision)
    }

    /// The generator's layers pad explicitly and convolve with their own (zero) padding; exactly one of
    /// the two is non-zero for every layer, and it becomes the plan's padding.
    static func plan(_ conv: Conv2d, padding: Int, mode: PaddingMode, precision: Precision) -> Conv2dPlan {
        let k = conv.weight.shape[2]
        return conv.weight.storage.withUnsafeBufferPointer { w in
            conv.bias.map { $0.storage }.withOptionalBuffer { b in
                Conv2dPlan(weights: w, bias: b, outChannels: conv.outChannels, inChannels: conv.inChannels,
                           kernelHeight: k, kernelWidth: k, stride: conv.stride,
                           padding: conv.padding + padding, paddingMode: conv.padding > 0 ? .zero : mode,
                           precision: precision)
            }
        }
    }

    /// [N, 3, H, W] in [-1, 1] -> [N, 3, H, W], as `Generator.forward` (within float rounding; Winograd
    /// layers differ by ~1e-5). The shape must pass `Generator.validate(inputShape:)`.
    /// `threads` splits each layer across that many cores (workers x threads should not exceed the cores).
    public func forward(_ input: Tensor, arena: InferenceArena, threads: Int, observer: LayerObserver? = nil) -> Tensor {
        precondition((try? Generator.validate(inputShape: input.shape)) != nil,
                     "GeneratorPlan.forward: invalid input shape \(input.shape)")
        let (n, c, h, w) = input.nchw
        var output = [Float](repeating: 0, count: input.count)
        input.storage.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                guard let source = source.baseAddress, let target = target.baseAddress else { return }
                var pass = ForwardPass(plan: self, arena: arena, height: h, width: w, threads: max(1, threads),
                                       observer: observer)
                for item in 0..<n {
                    pass.run(input: source + item * c * h * w, output: target + item * c * h * w)
                }
            }
        }
        return Tensor(shape: input.shape, storage: output)
    }
}

extension Optional where Wrapped == [Float] {
    func withOptionalBuffer<R>(_ body: (UnsafeBufferPointer<Float>?) -> R) -> R {
        switch self {
        case .some(let array): array.withUnsafeBufferPointer { body($0) }
        case .none: body(nil)
        }
    }
}
