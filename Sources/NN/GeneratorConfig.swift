/// The two generator families the service can load.
package enum GeneratorArchitecture: String, Sendable, CaseIterable {
    /// The official CycleGAN `ResnetGenerator` (junyanz/pytorch-CycleGAN-and-pix2pix).
    case resnet
    /// The Bitmoji variant: the same encoder and residual bottleneck, with U-Net skips into the decoder.
    case unetResnet = "unet-resnet"
}

/// Everything needed to know a generator's parameter names and shapes.
package struct GeneratorConfig: Sendable, Equatable {
    package var architecture: GeneratorArchitecture
    /// Filters of the first layer; the encoder doubles it twice.
    package var ngf: Int
    /// Residual blocks in the bottleneck.
    package var nBlocks: Int
    /// The square edge the model was trained at (metadata for the service; the network is fully convolutional).
    package var inputSize: Int
    /// Whether the instance norms carry learned scale and shift (`affine=True` checkpoints).
    package var affineNorm: Bool

    package init(
        architecture: GeneratorArchitecture = .resnet, ngf: Int = 64, nBlocks: Int = 9,
        inputSize: Int = 256, affineNorm: Bool = false
    ) {
        self.architecture = architecture
        self.ngf = ngf
        self.nBlocks = nBlocks
        self.inputSize = inputSize
        self.affineNorm = affineNorm
    }

    /// Image channels in and out (RGB).
    package static let imageChannels = 3
    /// Product of the encoder's strides: spatial sizes must be multiples of it.
    package static let totalStride = 4
}
