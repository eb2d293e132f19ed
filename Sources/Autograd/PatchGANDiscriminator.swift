import NN

/// The 70x70 PatchGAN of pix2pix/CycleGAN (official `NLayerDiscriminator` with instance norm): 4x4 convs,
/// `ndf` channels doubling per layer up to 8x, LeakyReLU 0.2, and a final 1-channel conv whose every output
/// pixel judges one overlapping patch. Tensor names follow the official `nn.Sequential` indices
/// (`model.0`, `model.2`, `model.5`, `model.8`, `model.11` for 3 layers), so official checkpoints convert as is.
package struct PatchGANConfig: Sendable, Equatable {
    package var ndf: Int
    /// Strided conv layers after the first (3 gives the 70x70 receptive field).
    package var layers: Int
    package var inputChannels: Int

    package init(ndf: Int = 64, layers: Int = 3, inputChannels: Int = 3) {
        precondition(ndf > 0 && layers >= 1 && inputChannels > 0, "invalid PatchGAN configuration")
        self.ndf = ndf
        self.layers = layers
        self.inputChannels = inputChannels
    }

    /// One conv stage: its `nn.Sequential` index, channels, stride and whether instance norm follows.
    struct Stage {
        let index: Int
        let inChannels: Int
        let outChannels: Int
        let stride: Int
        let normalized: Bool
    }

    /// C64 (no norm) - C128 - C256 (stride 2) - C512 (stride 1) - 1-channel conv, for `layers` = 3.
    var stages: [Stage] {
        var stages = [Stage(index: 0, inChannels: inputChannels, outChannels: ndf, stride: 2, normalized: false)]
        var index = 2, multiplier = 1
        for n in 1...layers {
            let previous = multiplier
            multiplier = min(1 << n, 8)
            stages.append(Stage(index: index, inChannels: ndf * previous, outChannels: ndf * multiplier,
                                stride: n < layers ? 2 : 1, normalized: true))
            index += 3
        }
        stages.append(Stage(index: index, inChannels: ndf * multiplier, outChannels: 1, stride: 1, normalized: false))
        return stages
    }

    /// Every tensor name and shape (weights `[out, in, 4, 4]` and biases: with instance norm the official
    /// code keeps conv biases).
    package var tensorShapes: [String: [Int]] {
        var shapes: [String: [Int]] = [:]
        for stage in stages {
            shapes["model.\(stage.index).weight"] = [stage.outChannels, stage.inChannels, 4, 4]
            shapes["model.\(stage.index).bias"] = [stage.outChannels]
        }
        return shapes
    }

    /// The smallest input edge that leaves at least one output patch.
    package var minimumInputSize: Int {
        // Each stride-2 4x4/p1 conv maps s -> s/2 (floor); each stride-1 4x4/p1 conv maps s -> s - 1.
        var size = 1
        for stage in stages.reversed() { size = stage.stride == 2 ? size * 2 : size + 1 }
        return size
    }
}

extension Tape {
    /// PatchGAN scores for an `[N, C, H, W]` batch: `[N, 1, h, w]`, one unbounded score per patch (LSGAN).
    package func patchGAN(_ input: Variable, config: PatchGANConfig, parameters: [String: Variable]) -> Variable {
        var h = input
        let stages = config.stages, p = ParameterLookup(parameters: parameters)
        for (k, stage) in stages.enumerated() {
            h = conv2d(h, weight: p.weight("model.\(stage.index)"), bias: p.bias("model.\(stage.index)"),
                       stride: stage.stride, padding: 1)
            if stage.normalized { h = instanceNorm(h) }
            if k < stages.count - 1 { h = leakyReLU(h, slope: 0.2) }
        }
        return h
    }
}
