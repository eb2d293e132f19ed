import Foundation
import KernelsCore
import Parallel

/// One planned forward pass over single images of one size: carves the arena into activation slots and
/// walks the layers. Raw convolution outputs stay un-normalised; their instance norm (+ ReLU) is applied
/// by the next convolution's input stage, or by one pass where the value itself is needed (the residual
/// stream, U-Net skips).
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
    /// The residual stream (4ngf x H/4 x W/4); for U-Net, the first half of `lowConcat`.
    let stream: UnsafeMutablePointer<Float>
    /// U-Net decoder inputs: [stream | e2], [up.0 | e1], [up.1 | e0]; nil for the plain ResNet.
    let lowConcat: UnsafeMutablePointer<Float>?
    let midConcat: UnsafeMutablePointer<Float>?
    let headConcat: UnsafeMutablePointer<Float>?
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
        let unet = plan.config.architecture == .unetResnet
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
        let channels = 8 * ngf
        // raw, stream, [low, mid, head concat], workspace, statistics, scale, shift
        let sizes = [full, unet ? 0 : quarter, unet ? 2 * quarter : 0, unet ? full : 0,
                     unet ? 2 * full : 0, workspaceCount, 2 * channels, channels, channels]
        let base = arena.memory(count: sizes.reduce(0, +))
        var offsets = [Int](), running = 0
        for size in sizes {
            offsets.append(running)
            running += size
        }
        raw = base + offsets[0]
        lowConcat = unet ? base + offsets[2] : nil
        midConcat = unet ? base + offsets[3] : nil
        headConcat = unet ? base + offsets[4] : nil
        stream = lowConcat ?? base + offsets[1]
        workspace = UnsafeMutableBufferPointer(start: base + offsets[5], count: workspaceCount)
        statistics = base + offsets[6]
        scale = base + offsets[7]
        shift = base + offsets[8]
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

    mutating func run(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let ngf = plan.config.ngf
        let (h, w) = (height, width)
        let fullPlane = h * w, halfPlane = fullPlane / 4, quarterPlane = fullPlane / 16
        var affine = ChannelAffine(scale: scale, shift: shift, relu: true)

        timed("stem") {
            conv(plan.stem, input, height: h, width: w, affine: nil, into: raw)
            affine = normalization(of: raw, channels: ngf, plane: fullPlane, plan.stemNorm, relu: true)
            if let headConcat {  // e0, the head's skip
                apply(raw, channels: ngf, plane: fullPlane, affine, into: headConcat + ngf * fullPlane)
            }
        }
        timed("down.0") {
            conv(plan.down[0].conv, raw, height: h, width: w, affine: affine, into: raw)
            affine = normalization(of: raw, channels: 2 * ngf, plane: halfPlane, plan.down[0].norm, relu: true)
            if let midConcat {  // e1
                apply(raw, channels: 2 * ngf, plane: halfPlane, affine, into: midConcat + 2 * ngf * halfPlane)
            }
        }
        timed("down.1") {
            conv(plan.down[1].conv, raw, height: h / 2, width: w / 2, affine: affine, into: raw)
            affine = normalization(of: raw, channels: 4 * ngf, plane: quarterPlane, plan.down[1].norm, relu: true)
            apply(raw, channels: 4 * ngf, plane: quarterPlane, affine, into: stream)
            if let lowConcat {  // e2
                (lowConcat + 4 * ngf * quarterPlane).update(from: stream, count: 4 * ngf * quarterPlane)
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
        timed("up.0") {
            plan.up[0].deconv.run(isa: isa, input: lowConcat ?? stream, height: h / 4, width: w / 4, output: raw,
                                  workspace: workspace, affine: nil, context: context)
            affine = normalization(of: raw, channels: 2 * ngf, plane: halfPlane, plan.up[0].norm, relu: true)
        }
        timed("up.1") {
            var source = UnsafePointer(raw)
            if let midConcat {
                apply(raw, channels: 2 * ngf, plane: halfPlane, affine, into: midConcat)
                source = UnsafePointer(midConcat)
            }
            plan.up[1].deconv.run(isa: isa, input: source, height: h / 2, width: w / 2, output: raw,
                                  workspace: workspace, affine: midConcat == nil ? affine : nil, context: context)
            affine = normalization(of: raw, channels: ngf, plane: fullPlane, plan.up[1].norm, relu: true)
        }
        timed("head") {
            var source = UnsafePointer(raw)
            if let headConcat {
                apply(raw, channels: ngf, plane: fullPlane, affine, into: headConcat)
                source = UnsafePointer(headConcat)
            }
            conv(plan.head, source, height: h, width: w, affine: headConcat == nil ? affine : nil, into: output)
            isa.tanhInPlace(output, count: GeneratorConfig.imageChannels * fullPlane, context: context)
        }
    }
}
