import Tensor

extension Tape {
    /// The generator's forward pass on the tape, layer for layer the inference `Generator` (same tensor names),
    /// so gradients flow to every weight.
    public func generator(_ input: Variable, config: GeneratorConfig, parameters: [String: Variable]) -> Variable {
        switch config.architecture {
        case .resnet: resnetGenerator(input, config: config, parameters: parameters)
        case .unetResnet: unetResnetGenerator(input, config: config, parameters: parameters)
        }
    }

    /// conv (+ bias) -> instance norm (affine when the config says so) -> ReLU, for layer indices `conv`, `norm`.
    func convNormReLU(_ x: Variable, conv: String, norm: String, stride: Int, padding: Int,
                      transposed: Bool = false, config: GeneratorConfig, parameters: [String: Variable]) -> Variable {
        let w = parameter(named: "\(conv).weight", in: parameters), b = parameter(named: "\(conv).bias", in: parameters)
        let y = transposed
            ? convTranspose2d(x, weight: w, bias: b, stride: stride, padding: padding, outputPadding: 1)
            : conv2d(x, weight: w, bias: b, stride: stride, padding: padding)
        return relu(normalize(y, name: norm, config: config, parameters: parameters))
    }

    func normalize(_ x: Variable, name: String, config: GeneratorConfig, parameters: [String: Variable]) -> Variable {
        config.affineNorm
            ? instanceNorm(x, weight: parameter(named: "\(name).weight", in: parameters),
                           bias: parameter(named: "\(name).bias", in: parameters))
            : instanceNorm(x)
    }

    /// Official `ResnetBlock`: x + IN(conv3(pad1(ReLU(IN(conv3(pad1(x))))))), names `conv_block.1`/`.5`.
    func residualBlock(_ x: Variable, prefix: String, config: GeneratorConfig, parameters: [String: Variable]) -> Variable {
        var h = convNormReLU(reflectionPad(x, 1), conv: "\(prefix).conv_block.1", norm: "\(prefix).conv_block.2",
                             stride: 1, padding: 0, config: config, parameters: parameters)
        h = conv2d(reflectionPad(h, 1), weight: parameter(named: "\(prefix).conv_block.5.weight", in: parameters),
                   bias: parameter(named: "\(prefix).conv_block.5.bias", in: parameters))
        return add(x, normalize(h, name: "\(prefix).conv_block.6", config: config, parameters: parameters))
    }

    /// Official `ResnetGenerator` (`nn.Sequential` indices as in its state dict).
    func resnetGenerator(_ input: Variable, config: GeneratorConfig, parameters: [String: Variable]) -> Variable {
        var h = convNormReLU(reflectionPad(input, 3), conv: "model.1", norm: "model.2", stride: 1, padding: 0,
                             config: config, parameters: parameters)
        h = convNormReLU(h, conv: "model.4", norm: "model.5", stride: 2, padding: 1, config: config, parameters: parameters)
        h = convNormReLU(h, conv: "model.7", norm: "model.8", stride: 2, padding: 1, config: config, parameters: parameters)
        for block in 0..<config.nBlocks {
            h = residualBlock(h, prefix: "model.\(10 + block)", config: config, parameters: parameters)
        }
        let up = 10 + config.nBlocks
        h = convNormReLU(h, conv: "model.\(up)", norm: "model.\(up + 1)", stride: 2, padding: 1, transposed: true,
                         config: config, parameters: parameters)
        h = convNormReLU(h, conv: "model.\(up + 3)", norm: "model.\(up + 4)", stride: 2, padding: 1, transposed: true,
                         config: config, parameters: parameters)
        h = conv2d(reflectionPad(h, 3), weight: parameter(named: "model.\(up + 7).weight", in: parameters),
                   bias: parameter(named: "model.\(up + 7).bias", in: parameters))
        return tanh(h)
    }
}
