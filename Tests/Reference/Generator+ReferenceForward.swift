import NN

extension Generator {
    /// [N, 3, H, W] in [-1, 1] -> [N, 3, H, W] in [-1, 1], layer by layer on the plain ops: the oracle the
    /// planned pass and the training tape are checked against, itself checked against PyTorch. The shape
    /// must pass `validate(inputShape:)`.
    package func referenceForward(_ input: Tensor) -> Tensor {
        precondition((try? Self.validate(inputShape: input.shape)) != nil,
                     "referenceForward: invalid input shape \(input.shape); call validate(inputShape:) first")
        let layers = ReferenceLayers(self)
        let layout = GeneratorLayout(config: config)
        // The encoder's outputs, stem first: what the layout's skips join to the decoder.
        var encoder = [layers.stem.forward(input)]
        for stage in layers.down { encoder.append(stage.forward(encoder[encoder.count - 1])) }
        var x = layers.blocks.reduce(encoder[encoder.count - 1]) { $1.forward($0) }
        func joined(_ x: Tensor, decoder: Int) -> Tensor {
            layout.skip(into: decoder).map { Tensor.concatChannels([x, encoder[$0.encoder]]) } ?? x
        }
        for (i, stage) in layers.up.enumerated() { x = stage.forward(joined(x, decoder: i)) }
        return layers.head.forward(reflectionPad2d(joined(x, decoder: layers.up.count), padding: 3)).tanh()
    }
}

/// The generator's weights as the layers of the official `ResnetGenerator`, found through `GeneratorLayout`.
private struct ReferenceLayers {
    let stem: ConvNormReLU
    let down: [ConvNormReLU]
    let blocks: [ResnetBlock]
    let up: [UpsampleStage]
    let head: Conv2d

    init(_ generator: Generator) {
        let layout = GeneratorLayout(config: generator.config)
        let weights = generator.namedParameters
        func tensor(_ name: String) -> Tensor {
            guard let tensor = weights[name] else { preconditionFailure("a checked generator lacks \(name)") }
            return tensor
        }
        func conv(_ spec: GeneratorLayout.Conv, stride: Int, padding: Int) -> Conv2d {
            Conv2d(weight: tensor(spec.prefix + ".weight"), bias: tensor(spec.prefix + ".bias"), stride: stride,
                   padding: padding)
        }
        func norm(_ spec: GeneratorLayout.Norm) -> InstanceNorm2d {
            InstanceNorm2d(channels: spec.channels, weight: weights[spec.prefix + ".weight"],
                           bias: weights[spec.prefix + ".bias"])
        }
        func stage(_ spec: GeneratorLayout.Stage, reflectionPadding: Int, stride: Int, padding: Int) -> ConvNormReLU {
            ConvNormReLU(reflectionPadding: reflectionPadding, conv: conv(spec.conv, stride: stride, padding: padding),
                         norm: norm(spec.norm))
        }
        stem = stage(layout.stem, reflectionPadding: 3, stride: 1, padding: 0)
        down = layout.down.map { stage($0, reflectionPadding: 0, stride: 2, padding: 1) }
        blocks = layout.blocks.map { block in
            ResnetBlock(conv1: conv(block.conv1, stride: 1, padding: 0), norm1: norm(block.norm1),
                        conv2: conv(block.conv2, stride: 1, padding: 0), norm2: norm(block.norm2))
        }
        // The generators' upsampling, exactly doubling H and W: a transposed convolution (kernel 3, stride 2,
        // padding 1, output padding 1), or nearest 2x and a 3x3 convolution with zero padding 1.
        up = layout.up.map { stage in
            let upsampler: UpsampleStage.Upsampler = switch layout.upsampling {
            case .transposed:
                .transposed(ConvTranspose2d(weight: tensor(stage.conv.prefix + ".weight"),
                                            bias: tensor(stage.conv.prefix + ".bias"), stride: 2, padding: 1, outputPadding: 1))
            case .resize: .resize(conv(stage.conv, stride: 1, padding: 1))
            }
            return UpsampleStage(upsampler: upsampler, norm: norm(stage.norm))
        }
        head = conv(layout.head, stride: 1, padding: 0)
    }
}
