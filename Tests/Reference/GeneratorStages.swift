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

/// Transposed convolution (x2), instance norm, ReLU.
struct UpsampleStage: Sendable {
    let deconv: ConvTranspose2d
    let norm: InstanceNorm2d

    func forward(_ input: Tensor) -> Tensor {
        norm.forward(deconv.forward(input)).relu()
    }
}
