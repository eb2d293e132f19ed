import KernelsCore
import NN

extension Tape {
    /// The generator's forward pass on the tape, walking the same `GeneratorLayout` as `GeneratorPlan`
    /// (so the same tensor names, both architectures), with gradients flowing to every weight in `parameters`.
    package func generator(_ input: Variable, config: GeneratorConfig, parameters: [String: Variable]) -> Variable {
        generatorWithNorms(input, config: config, parameters: parameters).output
    }

    /// `generator`, and every instance norm's output (after the ReLU where one follows), for losses on them.
    package func generatorWithNorms(_ input: Variable, config: GeneratorConfig,
                                    parameters: [String: Variable]) -> (output: Variable, norms: [Variable]) {
        let layout = GeneratorLayout(config: config)
        let p = ParameterLookup(parameters: parameters, affine: config.affineNorm)
        var norms: [Variable] = []
        func kept(_ x: Variable) -> Variable {
            norms.append(x)
            return x
        }
        let e0 = kept(normReLU(conv(reflectionPad(input, 3), layout.stem.conv, p, stride: 1, padding: 0), layout.stem.norm, p))
        // The encoder's outputs, stem first: what the layout's skips join to the decoder.
        var encoder = [e0]
        for stage in layout.down {
            encoder.append(kept(normReLU(conv(encoder[encoder.count - 1], stage.conv, p, stride: 2, padding: 1), stage.norm, p)))
        }
        var h = encoder[encoder.count - 1]
        for block in layout.blocks {
            let inner = kept(normReLU(conv(h, block.conv1, p, stride: 1, padding: 1, mode: .reflect), block.norm1, p))
            h = add(h, kept(norm(conv(inner, block.conv2, p, stride: 1, padding: 1, mode: .reflect), block.norm2, p)))
        }
        /// `x` with the encoder output the layout joins to decoder stage `decoder`, if any.
        func joined(_ x: Variable, decoder: Int) -> Variable {
            layout.skip(into: decoder).map { concatChannels(x, encoder[$0.encoder]) } ?? x
        }
        let geometry = layout.upsampling.transposedGeometry
        for (i, stage) in layout.up.enumerated() {
            let weight = p.weight(stage.conv.prefix)
            let kernel = layout.upsampling == .resize ? resizeConvolutionKernel(weight) : weight
            h = kept(normReLU(convTranspose2d(joined(h, decoder: i), weight: kernel, bias: p.bias(stage.conv.prefix), stride: 2,
                                              padding: geometry.padding, outputPadding: geometry.outputPadding),
                              stage.norm, p))
        }
        let output = tanh(conv(reflectionPad(joined(h, decoder: layout.up.count), 3), layout.head, p, stride: 1, padding: 0))
        return (output, norms)
    }

    private func conv(_ x: Variable, _ spec: GeneratorLayout.Conv, _ p: ParameterLookup, stride: Int, padding: Int,
                      mode: PaddingMode = .zero) -> Variable {
        conv2d(x, weight: p.weight(spec.prefix), bias: p.bias(spec.prefix), stride: stride, padding: padding,
               paddingMode: mode)
    }

    private func norm(_ x: Variable, _ spec: GeneratorLayout.Norm, _ p: ParameterLookup, relu: Bool = false) -> Variable {
        p.affine ? instanceNorm(x, weight: p.weight(spec.prefix), bias: p.bias(spec.prefix), relu: relu)
            : instanceNorm(x, relu: relu)
    }

    /// Instance norm then ReLU, as one op.
    private func normReLU(_ x: Variable, _ spec: GeneratorLayout.Norm, _ p: ParameterLookup) -> Variable {
        norm(x, spec, p, relu: true)
    }
}

/// Tape variables by tensor name. Networks are built from their own shape tables, so a missing name is a
/// bug, not bad input.
struct ParameterLookup {
    let parameters: [String: Variable]
    var affine = false

    func weight(_ prefix: String) -> Variable { self["\(prefix).weight"] }
    func bias(_ prefix: String) -> Variable { self["\(prefix).bias"] }

    subscript(_ name: String) -> Variable {
        guard let v = parameters[name] else { preconditionFailure("missing parameter \(name)") }
        return v
    }
}
