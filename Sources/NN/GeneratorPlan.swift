import Foundation
import Kernels
import KernelsCore
import Parallel

/// Called after each layer of a planned forward pass with the layer's name and its seconds.
package typealias LayerObserver = (_ layer: String, _ seconds: Double) -> Void

/// A `Generator` compiled for fast inference: weights packed (and Winograd-transformed) once, every
/// convolution on its fastest kernel path, and instance norm + ReLU fused into the next layer's input
/// stage, reflection padding into the convolution, the residual add into the norm's output pass.
///
/// Immutable and shareable across workers; each worker brings its own `InferenceArena`.
package struct GeneratorPlan: Sendable {
    package let config: GeneratorConfig
    /// The instruction-set path the kernels run on.
    package let kernels: KernelPath
    /// The number format asked for. `bf16` takes the layers whose float32 plan is an implicit GEMM (stem,
    /// downsampling) and the transposed convolutions but the last; Winograd blocks and the folded head stay
    /// float32 (`ConvAlgorithm.bf16GEMM`). The last up stage feeds the output pixels almost directly: with
    /// the sharp outlines of the 2026-12-06 default, its bf16 rounding moved a pixel by 8 levels of 255.
    package let precision: Precision

    struct Norm: Sendable {
        let eps: Float = 1e-5
        /// Learned scale and shift, present for affine checkpoints.
        let weight: [Float]?
        let bias: [Float]?
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
    /// The stages and skips the plan was built from.
    let layout: GeneratorLayout

    /// Walks the generator's layout: reflection padding 3 around the 7x7 stem and head and 1 in the residual
    /// blocks, zero padding 1 in the stride-2 downsampling, 2x transposed convolutions up (the 4x4 equivalent of
    /// a resize convolution for `resize` upsampling).
    /// `precision` `bf16` needs `Precision.bf16Supported`.
    package init(_ generator: Generator, kernels: KernelPath = .best, precision: Precision = .f32) {
        config = generator.config
        self.kernels = kernels
        self.precision = precision
        let layout = GeneratorLayout(config: generator.config)
        self.layout = layout
        let weights = generator.namedParameters
        func norm(_ spec: GeneratorLayout.Norm) -> Norm {
            Norm(weight: weights[spec.prefix + ".weight"]?.storage, bias: weights[spec.prefix + ".bias"]?.storage)
        }
        func conv(_ spec: GeneratorLayout.Conv, stride: Int, padding: Int, mode: PaddingMode) -> Conv2dPlan {
            let weight = generator.parameter(spec.prefix + ".weight"), bias = generator.parameter(spec.prefix + ".bias")
            let k = weight.shape[2]
            return weight.storage.withUnsafeBufferPointer { w in
                bias.storage.withUnsafeBufferPointer { b in
                    Conv2dPlan(weights: w, bias: b, outChannels: weight.shape[0], inChannels: weight.shape[1],
                               kernelHeight: k, kernelWidth: k, stride: stride, padding: padding, paddingMode: mode,
                               precision: precision)
                }
            }
        }
        stem = conv(layout.stem.conv, stride: 1, padding: 3, mode: .reflect)
        stemNorm = norm(layout.stem.norm)
        down = layout.down.map { (conv($0.conv, stride: 2, padding: 1, mode: .zero), norm($0.norm)) }
        blocks = layout.blocks.map { block in
            Block(conv1: conv(block.conv1, stride: 1, padding: 1, mode: .reflect), norm1: norm(block.norm1),
                  conv2: conv(block.conv2, stride: 1, padding: 1, mode: .reflect), norm2: norm(block.norm2))
        }
        let geometry = layout.upsampling.transposedGeometry
        up = layout.up.enumerated().map { index, stage in
            let weight = generator.parameter(stage.conv.prefix + ".weight")
            let bias = generator.parameter(stage.conv.prefix + ".bias")
            let resize = layout.upsampling == .resize
            let (inChannels, outChannels) = resize ? (weight.shape[1], weight.shape[0]) : (weight.shape[0], weight.shape[1])
            let kernel = resize
                ? ResizeConvolution.transposedKernel(weight.storage, outChannels: outChannels, inChannels: inChannels)
                : weight.storage
            let plan = kernel.withUnsafeBufferPointer { w in
                bias.storage.withUnsafeBufferPointer { b in
                    ConvTranspose2dPlan(weights: w, bias: b, inChannels: inChannels, outChannels: outChannels,
                                        kernelSize: geometry.kernelSize, stride: 2, padding: geometry.padding,
                                        outputPadding: geometry.outputPadding,
                                        precision: index == layout.up.count - 1 ? .f32 : precision)
                }
            }
            return (plan, norm(stage.norm))
        }
        head = conv(layout.head, stride: 1, padding: 3, mode: .reflect)
    }

    /// Channels into decoder stage `decoder` (`up[decoder]`, or the head at `up.count`), its skip included.
    func inputChannels(ofDecoder decoder: Int) -> Int {
        decoder < up.count ? up[decoder].deconv.inChannels : head.inChannels
    }

    /// Pixels of one channel of decoder stage `decoder`'s input for a `height` x `width` image: the head
    /// works at full size, `up[i]` at the size of encoder output `down.count - i` (the one its skip joins).
    func plane(ofDecoder decoder: Int, _ height: Int, _ width: Int) -> Int {
        let levels = down.count - decoder
        return (height >> levels) * (width >> levels)
    }

    /// [N, 3, H, W] in [-1, 1] -> [N, 3, H, W]: the PyTorch generator's output within float rounding
    /// (Winograd layers differ by ~1e-5). The shape must pass `Generator.validate(inputShape:)`.
    /// `context` says how many cores each layer may split across (and which share caps them).
    package func forward(_ input: Tensor, arena: InferenceArena, context: ComputeContext,
                         observer: LayerObserver? = nil) -> Tensor {
        precondition((try? Generator.validate(inputShape: input.shape)) != nil,
                     "GeneratorPlan.forward: invalid input shape \(input.shape)")
        let (n, c, h, w) = input.nchw
        var output = [Float](repeating: 0, count: input.count)
        input.storage.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                guard let source = source.baseAddress, let target = target.baseAddress else { return }
                var pass = ForwardPass(plan: self, arena: arena, height: h, width: w, context: context, observer: observer)
                for item in 0..<n {
                    pass.run(input: source + item * c * h * w, output: target + item * c * h * w)
                }
            }
        }
        return Tensor(shape: input.shape, storage: output)
    }
}
