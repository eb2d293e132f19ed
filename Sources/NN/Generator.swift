import Tensor

/// A CycleGAN generator (`resnet` or `unet-resnet`) with its weights.
///
/// Immutable once built and holding only value types, so `forward` may run on many threads at once.
public struct Generator: Sendable {
    public let config: GeneratorConfig
    public let parameterCount: Int
    var stem: ConvNormReLU
    var down: [ConvNormReLU]
    var blocks: [ResnetBlock]
    var up: [UpsampleStage]
    var head: Conv2d

    /// Builds the network, checking that `weights` holds exactly the tensors of `config` with the right shapes.
    public init(config: GeneratorConfig, weights: [String: Tensor]) throws {
        guard config.ngf >= 1, config.nBlocks >= 0 else {
            throw WeightsError.invalidConfig("ngf \(config.ngf) and n_blocks \(config.nBlocks) must be >= 1 and >= 0")
        }
        guard config.inputSize >= 8, config.inputSize % GeneratorConfig.totalStride == 0 else {
            throw WeightsError.invalidConfig(
                "input size \(config.inputSize) must be a multiple of \(GeneratorConfig.totalStride) and at least 8")
        }
        let layout = GeneratorLayout(config: config)
        let expected = layout.parameters(affine: config.affineNorm)
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

        let table = WeightTable(weights: weights, affine: config.affineNorm)
        self.config = config
        parameterCount = expected.reduce(0) { $0 + $1.shape.reduce(1, *) }
        stem = try table.stage(layout.stem, reflectionPadding: 3, stride: 1, padding: 0)
        down = try layout.down.map { try table.stage($0, reflectionPadding: 0, stride: 2, padding: 1) }
        blocks = try layout.blocks.map { block in
            ResnetBlock(conv1: try table.conv(block.conv1, stride: 1, padding: 0), norm1: try table.norm(block.norm1),
                        conv2: try table.conv(block.conv2, stride: 1, padding: 0), norm2: try table.norm(block.norm2))
        }
        up = try layout.up.map { stage in
            UpsampleStage(deconv: try table.deconv(stage.conv), norm: try table.norm(stage.norm))
        }
        head = try table.conv(layout.head, stride: 1, padding: 0)
    }

    /// Name -> shape of every parameter `config` needs (the safetensors tensor names).
    public static func tensorNames(config: GeneratorConfig) -> [String: [Int]] {
        Dictionary(uniqueKeysWithValues: GeneratorLayout(config: config).parameters(affine: config.affineNorm)
            .map { ($0.name, $0.shape) })
    }

    /// Throws unless `shape` is [N, 3, H, W] with N >= 1 and H, W multiples of 4 and at least 8 (the
    /// bottleneck must be at least 2 pixels for its reflection padding). Call before `forward`.
    public static func validate(inputShape shape: [Int]) throws {
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

    /// [N, 3, H, W] in [-1, 1] -> [N, 3, H, W] in [-1, 1]. The shape must pass `validate(inputShape:)`.
    public func forward(_ input: Tensor) -> Tensor {
        precondition((try? Self.validate(inputShape: input.shape)) != nil,
                     "Generator.forward: invalid input shape \(input.shape); call validate(inputShape:) first")
        let skips = config.architecture == .unetResnet
        let e0 = stem.forward(input)
        let e1 = down[0].forward(e0)
        let e2 = down[1].forward(e1)
        var x = blocks.reduce(e2) { $1.forward($0) }
        if skips { x = .concatChannels([x, e2]) }
        x = up[0].forward(x)
        if skips { x = .concatChannels([x, e1]) }
        x = up[1].forward(x)
        if skips { x = .concatChannels([x, e0]) }
        return head.forward(reflectionPad2d(x, padding: 3)).tanh()
    }

    /// The weights under their file names (the inverse of `init(config:weights:)`), for export.
    public var namedParameters: [String: Tensor] {
        let layout = GeneratorLayout(config: config)
        var result: [String: Tensor] = [:]
        func add(_ spec: GeneratorLayout.Conv, _ weight: Tensor, _ bias: Tensor?) {
            result[spec.prefix + ".weight"] = weight
            result[spec.prefix + ".bias"] = bias
        }
        func add(_ spec: GeneratorLayout.Norm, _ norm: InstanceNorm2d) {
            result[spec.prefix + ".weight"] = norm.weight
            result[spec.prefix + ".bias"] = norm.bias
        }
        for (spec, stage) in zip([layout.stem] + layout.down, [stem] + down) {
            add(spec.conv, stage.conv.weight, stage.conv.bias)
            add(spec.norm, stage.norm)
        }
        for (spec, block) in zip(layout.blocks, blocks) {
            add(spec.conv1, block.conv1.weight, block.conv1.bias)
            add(spec.norm1, block.norm1)
            add(spec.conv2, block.conv2.weight, block.conv2.bias)
            add(spec.norm2, block.norm2)
        }
        for (spec, stage) in zip(layout.up, up) {
            add(spec.conv, stage.deconv.weight, stage.deconv.bias)
            add(spec.norm, stage.norm)
        }
        add(layout.head, head.weight, head.bias)
        return result
    }
}

/// Looks up the checked weights while the layers are built.
private struct WeightTable {
    let weights: [String: Tensor]
    let affine: Bool

    func tensor(_ name: String, _ shape: [Int]) throws -> Tensor {
        guard let tensor = weights[name] else { throw WeightsError.missingTensor(name: name, shape: shape) }
        return tensor
    }

    func conv(_ spec: GeneratorLayout.Conv, stride: Int, padding: Int) throws -> Conv2d {
        Conv2d(weight: try tensor(spec.prefix + ".weight", spec.weightShape),
               bias: try tensor(spec.prefix + ".bias", [spec.outChannels]), stride: stride, padding: padding)
    }

    /// The generators' upsampling: kernel 3, stride 2, padding 1, output padding 1 (exactly doubles H, W).
    func deconv(_ spec: GeneratorLayout.Conv) throws -> ConvTranspose2d {
        ConvTranspose2d(weight: try tensor(spec.prefix + ".weight", spec.weightShape),
                        bias: try tensor(spec.prefix + ".bias", [spec.outChannels]),
                        stride: 2, padding: 1, outputPadding: 1)
    }

    func norm(_ spec: GeneratorLayout.Norm) throws -> InstanceNorm2d {
        guard affine else { return InstanceNorm2d(channels: spec.channels) }
        return InstanceNorm2d(channels: spec.channels,
                              weight: try tensor(spec.prefix + ".weight", [spec.channels]),
                              bias: try tensor(spec.prefix + ".bias", [spec.channels]))
    }

    func stage(_ spec: GeneratorLayout.Stage, reflectionPadding: Int, stride: Int, padding: Int) throws -> ConvNormReLU {
        ConvNormReLU(reflectionPadding: reflectionPadding,
                     conv: try conv(spec.conv, stride: stride, padding: padding), norm: try norm(spec.norm))
    }
}
