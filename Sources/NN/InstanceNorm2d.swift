import Tensor

/// Instance normalisation layer; `weight`/`bias` are present only for affine=True checkpoints.
public struct InstanceNorm2d: Sendable {
    public let channels: Int
    public var weight: Tensor?
    public var bias: Tensor?
    public let eps: Float

    public init(channels: Int, weight: Tensor? = nil, bias: Tensor? = nil, eps: Float = 1e-5) {
        precondition((weight == nil) == (bias == nil), "InstanceNorm2d: weight and bias come together")
        self.channels = channels
        self.weight = weight
        self.bias = bias
        self.eps = eps
    }

    public var isAffine: Bool { weight != nil }

    public func forward(_ input: Tensor) -> Tensor {
        instanceNorm2d(input, weight: weight, bias: bias, eps: eps)
    }
}
