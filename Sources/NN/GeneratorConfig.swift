/// The two generator families the service can load.
package enum GeneratorArchitecture: String, Sendable, CaseIterable {
    /// The official CycleGAN `ResnetGenerator` (junyanz/pytorch-CycleGAN-and-pix2pix).
    case resnet
    /// The Bitmoji variant: the same encoder and residual bottleneck, with U-Net skips into the decoder.
    case unetResnet = "unet-resnet"
}

/// How the decoder doubles the resolution.
package enum GeneratorUpsampling: String, Sendable, CaseIterable {
    /// A stride-2 transposed 3x3 convolution, as in the paper. Its taps overlap unevenly (1, 2 or 4 per
    /// output pixel), which leaves a checkerboard the training has to unlearn.
    case transposed
    /// Nearest-neighbour 2x, then a 3x3 convolution (Odena et al. 2016, "Deconvolution and Checkerboard
    /// Artifacts"): every output pixel meets the same number of taps, so no checkerboard to begin with.
    case resize
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
    /// How the decoder's two up stages double the resolution.
    package var upsampling: GeneratorUpsampling

    package init(
        architecture: GeneratorArchitecture = .resnet, ngf: Int = 64, nBlocks: Int = 9,
        inputSize: Int = 256, affineNorm: Bool = false, upsampling: GeneratorUpsampling = .transposed
    ) {
        self.architecture = architecture
        self.ngf = ngf
        self.nBlocks = nBlocks
        self.inputSize = inputSize
        self.affineNorm = affineNorm
        self.upsampling = upsampling
    }

    /// Image channels in and out (RGB).
    package static let imageChannels = 3
    /// Product of the encoder's strides: spatial sizes must be multiples of it.
    package static let totalStride = 4
}
