import Tensor

/// A convolution layer with its parameters (PyTorch `Conv2d` with zero padding).
///
/// Parameters are `var` so a trainer can update them in place; the forward pass is a pure function of them.
public struct Conv2d: Sendable {
    /// [Cout, Cin, K, K]
    public var weight: Tensor
    /// [Cout], absent for convolutions followed by a norm with its own shift.
    public var bias: Tensor?
    public let stride: Int
    public let padding: Int

    public init(weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0) {
        precondition(weight.rank == 4, "Conv2d weight must be [Cout, Cin, K, K], got \(weight.shape)")
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
    }

    public var outChannels: Int { weight.shape[0] }
    public var inChannels: Int { weight.shape[1] }

    public func forward(_ input: Tensor) -> Tensor {
        conv2d(input: input, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}
