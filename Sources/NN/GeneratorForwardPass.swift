import Foundation
import KernelsCore
import Parallel

/// One planned forward pass over single images of one size: carves the arena into activation slots and
/// walks the layers. Raw convolution outputs stay un-normalised; their instance norm (+ ReLU) is applied
/// by the next convolution's input stage, or by one pass where the value itself is needed (the residual
/// stream, the skips the layout lists).
///
/// A convolution reads its input only while preparing it into the workspace, before it writes anything,
/// so every raw output overwrites the raw input it was computed from: one full-resolution slot serves
/// the whole chain (stem -> down -> blocks -> up), which keeps the arena (one per worker) near the
/// largest layer's input + output + workspace instead of a slot per role.
struct ForwardPass {
    let plan: GeneratorPlan
    let isa: any KernelISA.Type
    let height: Int
    let width: Int
    let context: ComputeContext
    let observer: LayerObserver?

    /// Every raw convolution output (at most ngf x H x W), each overwriting the previous.
    let raw: UnsafeMutablePointer<Float>
    /// The residual stream (4ngf x H/4 x W/4); the first channels of `joined[0]` when the first up stage
    /// takes a skip.
    let stream: UnsafeMutablePointer<Float>
    /// Each decoder stage's input (`up[i]`, then the head) where the layout joins a skip to it: the stage's
    /// own channels, then the encoder output's. nil where it takes none.
    let joined: [UnsafeMutablePointer<Float>?]
    let workspace: UnsafeMutableBufferPointer<Float>
    let statistics: UnsafeMutablePointer<Float>
    let scale: UnsafeMutablePointer<Float>
    let shift: UnsafeMutablePointer<Float>

    init(plan: GeneratorPlan, arena: InferenceArena, height: Int, width: Int, context: ComputeContext,
         observer: LayerObserver?) {
        self.plan = plan
        isa = plan.kernels.isa
        self.height = height
        self.width = width
        self.context = context
        let threads = context.threads
        self.observer = observer
        let ngf = plan.config.ngf
        let full = ngf * height * width, quarter = full / 4
        var workspaceCount = max(plan.stem.workspaceCount(height: height, width: width, threads: threads),
                                 plan.head.workspaceCount(height: height, width: width, threads: threads))
        for (i, stage) in plan.down.enumerated() {
            workspaceCount = max(workspaceCount,
                                 stage.conv.workspaceCount(height: height >> i, width: width >> i, threads: threads))
        }
        for block in plan.blocks {
            workspaceCount = max(workspaceCount,
                                 block.conv1.workspaceCount(height: height / 4, width: width / 4, threads: threads),
                                 block.conv2.workspaceCount(height: height / 4, width: width / 4, threads: threads))
        }
        for (i, stage) in plan.up.enumerated() {
            let divisor = 4 >> i
            workspaceCount = max(workspaceCount, stage.deconv.workspaceCount(height: height / divisor, width: width / divisor,
                                                                                    threads: threads))
        }
        let joinedSizes = (0...plan.up.count).map { d in
            plan.layout.skip(into: d) == nil ? 0 : plan.inputChannels(ofDecoder: d) * plan.plane(ofDecoder: d, height, width)
        }
        let channels = 8 * ngf
        // raw, stream, the joined decoder inputs, workspace, statistics, scale, shift
        let sizes = [full, joinedSizes[0] > 0 ? 0 : quarter] + joinedSizes + [workspaceCount, 2 * channels, channels, channels]
        let base = arena.memory(count: sizes.reduce(0, +))
        var offsets = [Int](), running = 0
        for size in sizes {
            offsets.append(running)
            running += size
        }
        raw = base + offsets[0]
        joined = joinedSizes.indices.map { d in joinedSizes[d] > 0 ? base + offsets[2 + d] : nil }
        stream = joined[0] ?? base + offsets[1]
        let rest = 2 + joinedSizes.count
        workspace = UnsafeMutableBufferPointer(start: base + offsets[rest], count: workspaceCount)
        statistics = base + offsets[rest + 1]
        scale = base + offsets[rest + 2]
        shift = base + offsets[rest + 3]
    }

    func timed(_ name: String, _ body: () -> Void) {
        guard let observer else {
            body()
            return
        }
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        observer(name, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
    }

    /// Instance-norm statistics of `channels` planes turned into the per-channel affine that applies it.
    func normalization(of x: UnsafePointer<Float>, channels: Int, plane: Int, _ norm: GeneratorPlan.Norm,
                       relu: Bool) -> ChannelAffine {
        isa.channelStatistics(x, channels: channels, plane: plane, into: statistics, context: context)
        for c in 0..<channels {
            let s = (norm.weight?[c] ?? 1) / (statistics[2 * c + 1] + norm.eps).squareRoot()
            scale[c] = s
            shift[c] = (norm.bias?[c] ?? 0) - statistics[2 * c] * s
        }
        return ChannelAffine(scale: scale, shift: shift, relu: relu)
    }

    func conv(_ p: Conv2dPlan, _ input: UnsafePointer<Float>, height: Int, width: Int, affine: ChannelAffine?,
              into output: UnsafeMutablePointer<Float>) {
        p.run(isa: isa, input: input, height: height, width: width, output: output, workspace: workspace,
              affine: affine, context: context)
    }

    func apply(_ x: UnsafePointer<Float>, channels: Int, plane: Int, _ affine: ChannelAffine,
               residual: UnsafePointer<Float>? = nil, into output: UnsafeMutablePointer<Float>) {
        isa.applyChannelAffine(x, channels: channels, plane: plane, affine: affine, residual: residual,
                               output: output, context: context)
    }

    /// Writes encoder stage `encoder`'s activated output (its raw output and pending `affine`) behind the
    /// own channels of every decoder input the layout joins it to.
    func keepSkips(from encoder: Int, plane: Int, _ affine: ChannelAffine) {
        for skip in plan.layout.skips where skip.encoder == encoder {
            guard let target = joined[skip.decoder] else { continue }
            let own = plan.inputChannels(ofDecoder: skip.decoder) - skip.channels
            apply(raw, channels: skip.channels, plane: plane, affine, into: target + own * plane)
        }
    }

    /// Decoder stage `decoder`'s input and the norm still to apply to it on the way in: the output of the
    /// stage below (the residual stream for the first), joined to its skip where the layout has one.
    func decoderInput(_ decoder: Int, pending affine: ChannelAffine) -> (UnsafePointer<Float>, ChannelAffine?) {
        guard decoder > 0 else { return (UnsafePointer(joined[0] ?? stream), nil) }
        guard let target = joined[decoder] else { return (UnsafePointer(raw), affine) }
        apply(raw, channels: plan.up[decoder - 1].deconv.outChannels,
              plane: plan.plane(ofDecoder: decoder, height, width), affine, into: target)
        return (UnsafePointer(target), nil)
    }

    mutating func run(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let ngf = plan.config.ngf
        let (h, w) = (height, width)
        let fullPlane = h * w, quarterPlane = fullPlane / 16
        var affine = ChannelAffine(scale: scale, shift: shift, relu: true)

        timed("stem") {
            conv(plan.stem, input, height: h, width: w, affine: nil, into: raw)
            affine = normalization(of: raw, channels: ngf, plane: fullPlane, plan.stemNorm, relu: true)
            keepSkips(from: 0, plane: fullPlane, affine)
        }
        for (i, stage) in plan.down.enumerated() {
            timed("down.\(i)") {
                let channels = stage.conv.outChannels, plane = (h >> (i + 1)) * (w >> (i + 1))
                conv(stage.conv, raw, height: h >> i, width: w >> i, affine: affine, into: raw)
                affine = normalization(of: raw, channels: channels, plane: plane, stage.norm, relu: true)
                if i == plan.down.count - 1 { apply(raw, channels: channels, plane: plane, affine, into: stream) }
                keepSkips(from: i + 1, plane: plane, affine)
            }
        }
        for (i, block) in plan.blocks.enumerated() {
            timed("block.\(i).conv1") {
                conv(block.conv1, stream, height: h / 4, width: w / 4, affine: nil, into: raw)
                affine = normalization(of: raw, channels: 4 * ngf, plane: quarterPlane, block.norm1, relu: true)
            }
            timed("block.\(i).conv2") {
                conv(block.conv2, raw, height: h / 4, width: w / 4, affine: affine, into: raw)
                affine = normalization(of: raw, channels: 4 * ngf, plane: quarterPlane, block.norm2, relu: false)
                apply(raw, channels: 4 * ngf, plane: quarterPlane, affine, residual: stream, into: stream)
            }
        }
        for (i, stage) in plan.up.enumerated() {
            timed("up.\(i)") {
                let levels = plan.down.count - i  // halvings below full size of this stage's input
                let (source, pending) = decoderInput(i, pending: affine)
                stage.deconv.run(isa: isa, input: source, height: h >> levels, width: w >> levels, output: raw,
                                 workspace: workspace, affine: pending, context: context)
                affine = normalization(of: raw, channels: stage.deconv.outChannels,
                                       plane: (h >> (levels - 1)) * (w >> (levels - 1)), stage.norm, relu: true)
            }
        }
        timed("head") {
            let (source, pending) = decoderInput(plan.up.count, pending: affine)
            conv(plan.head, source, height: h, width: w, affine: pending, into: output)
            isa.tanhInPlace(output, count: GeneratorConfig.imageChannels * fullPlane, context: context)
        }
    }
}
