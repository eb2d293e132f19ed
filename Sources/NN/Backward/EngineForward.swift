import Tensor

/// The engine's forward kernels, reachable from `Tape`'s methods of the same names (a method shadows a
/// global function, and the module `Tensor` is shadowed by the type `Tensor`). The tape records exactly what
/// inference computes, and picks up faster kernels when the engine gets them.
enum EngineForward {
    static func conv(_ x: Tensor, _ w: Tensor, _ b: Tensor?, stride: Int, padding: Int) -> Tensor {
        conv2d(input: x, weight: w, bias: b, stride: stride, padding: padding)
    }

    static func convTranspose(_ x: Tensor, _ w: Tensor, _ b: Tensor?, stride: Int, padding: Int, outputPadding: Int) -> Tensor {
        convTranspose2d(input: x, weight: w, bias: b, stride: stride, padding: padding, outputPadding: outputPadding)
    }

    static func reflectionPad(_ x: Tensor, _ padding: Int) -> Tensor { reflectionPad2d(x, padding: padding) }

    static func instanceNorm(_ x: Tensor, _ weight: Tensor?, _ bias: Tensor?, eps: Float) -> Tensor {
        instanceNorm2d(x, weight: weight, bias: bias, eps: eps)
    }
}
