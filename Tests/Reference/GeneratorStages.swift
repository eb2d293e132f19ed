import NN

/// Optional reflection pad, convolution, instance norm, ReLU: the stem (pad 3, 7x7) and the stride-2
/// downsampling stages (zero pad 1 inside the convolution).
struct ConvNormReLU: Sendable {
    let reflectionPadding: Int
    let conv: Conv2d
    let norm: InstanceNorm2d

    func forward(_ input: Tensor) -> Tensor {
        norm.forward(conv.forward(reflectionPad2d(input, padding: reflectionPadding))).relu()
    }
}

/// The CycleGAN residual block: x + IN(conv(pad(ReLU(IN(conv(pad(x))))))).
struct ResnetBlock: Sendable {
    let conv1: Conv2d
    let norm1: InstanceNorm2d
    let conv2: Conv2d
    let norm2: InstanceNorm2d

    func forward(_ input: Tensor) -> Tensor {
        let hidden = norm1.forward(conv1.forward(reflectionPad2d(input, padding: 1))).relu()
        return input + norm2.forward(conv2.forward(reflectionPad2d(hidden, padding: 1)))
    }
}

/// 2x upsampling (a transposed convolution, or nearest-neighbour then a 3x3 convolution), instance norm, ReLU.
struct UpsampleStage: Sendable {
    enum Upsampler: Sendable {
        case transposed(ConvTranspose2d)
        /// Written out as upsampling then convolution, not as the 4x4 transposed kernel the fast paths run.
        case resize(Conv2d)
    }
    let upsampler: Upsampler
    let norm: InstanceNorm2d

    func forward(_ input: Tensor) -> Tensor {
        let raw = switch upsampler {
        case .transposed(let deconv): deconv.forward(input)
        case .resize(let conv): conv.forward(upsampleNearest2x(input))
        }
        return norm.forward(raw).relu()
    }
}
