import Tensor

/// Reflection padding layer, the border treatment CycleGAN uses before its 7x7 and residual convolutions.
public struct ReflectionPad2d: Sendable {
    public let padding: Int

    public init(padding: Int) { self.padding = padding }

    public func forward(_ input: Tensor) -> Tensor { reflectionPad2d(input, padding: padding) }
}
