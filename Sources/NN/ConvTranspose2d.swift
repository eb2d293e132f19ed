import Tensor

/// A transposed convolution layer (PyTorch `ConvTranspose2d`): the generators' learned 2x upsampling.
public struct ConvTranspose2d: Sendable {
    /// [Cin, Cout, K, K] — PyTorch's layout, so checkpoints load unchanged.
    public var weight: Tensor
    public var bias: Tensor?
    public let stride: Int
    public let padding: Int
    public let outputPadding: Int

    public init(weight: Tensor, bias: Tensor?, stride: Int, padding: Int, outputPadding: Int) {
        precondition(weight.rank == 4, "ConvTranspose2d weight must be [Cin, Cout, K, K], got \(weight.shape)")
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
    }

    public var inChannels: Int { weight.shape[0] }
    public var outChannels: Int { weight.shape[1] }

    public func forward(_ input: Tensor) -> Tensor {
        convTranspose2d(input: input, weight: weight, bias: bias,
                        stride: stride, padding: padding, outputPadding: outputPadding)
    }
}
