/// A CycleGAN generator (`resnet` or `unet-resnet`): its configuration and its checked weights.
///
/// A plain value: `GeneratorPlan` compiles it for inference, and training reads its weights by name.
package struct Generator: Sendable {
    package let config: GeneratorConfig
    package let parameterCount: Int
    /// The weights under their file names (what `init(config:weights:)` was given), for planning and export.
    package let namedParameters: [String: Tensor]

    /// Checks that `weights` holds exactly the tensors of `config` with the right shapes.
    package init(config: GeneratorConfig, weights: [String: Tensor]) throws {
        guard config.ngf >= 1, config.nBlocks >= 0 else {
            throw WeightsError.invalidConfig("ngf \(config.ngf) and n_blocks \(config.nBlocks) must be >= 1 and >= 0")
        }
        guard config.inputSize >= 8, config.inputSize % GeneratorConfig.totalStride == 0 else {
            throw WeightsError.invalidConfig(
                "input size \(config.inputSize) must be a multiple of \(GeneratorConfig.totalStride) and at least 8")
        }
        let expected = GeneratorLayout(config: config).parameters(affine: config.affineNorm)
        for (name, shape) in expected.map({ ($0.name, $0.shape) }) {
            guard let tensor = weights[name] else { throw WeightsError.missingTensor(name: name, shape: shape) }
            guard tensor.shape == shape else {
                throw WeightsError.shapeMismatch(name: name, expected: shape, found: tensor.shape)
            }
        }
        let expectedNames = Set(expected.map(\.name))
        if let extra = weights.keys.sorted().first(where: { !expectedNames.contains($0) }) {
            throw WeightsError.unexpectedTensor(name: extra, shape: weights[extra]?.shape ?? [])
        }
        self.config = config
        parameterCount = expected.reduce(0) { $0 + $1.shape.reduce(1, *) }
        namedParameters = weights
    }

    /// Name -> shape of every parameter `config` needs (the safetensors tensor names).
    package static func tensorNames(config: GeneratorConfig) -> [String: [Int]] {
        Dictionary(uniqueKeysWithValues: GeneratorLayout(config: config).parameters(affine: config.affineNorm)
            .map { ($0.name, $0.shape) })
    }

    /// Throws unless `shape` is [N, 3, H, W] with N >= 1 and H, W multiples of 4 and at least 8 (the
    /// bottleneck must be at least 2 pixels for its reflection padding). Call before a forward pass.
    package static func validate(inputShape shape: [Int]) throws {
        func fail(_ reason: String) -> GeneratorInputError { .invalidShape(shape: shape, reason: reason) }
        guard shape.count == 4 else { throw fail("expected 4 dimensions [N, 3, H, W]") }
        guard shape[0] >= 1 else { throw fail("batch size must be at least 1") }
        guard shape[1] == GeneratorConfig.imageChannels else { throw fail("expected 3 channels, got \(shape[1])") }
        let stride = GeneratorConfig.totalStride
        for (axis, size) in [("height", shape[2]), ("width", shape[3])] {
            guard size >= 2 * stride, size % stride == 0 else {
                throw fail("\(axis) \(size) must be a multiple of \(stride) and at least \(2 * stride)")
            }
        }
    }

    /// The weight (or bias) `name`, which the initializer checked is present.
    func parameter(_ name: String) -> Tensor {
        guard let tensor = namedParameters[name] else { preconditionFailure("a checked generator lacks \(name)") }
        return tensor
    }
}
