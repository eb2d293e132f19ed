import Tensor

/// The engine's forward kernels, reachable from `Tape`'s methods of the same names (a method shadows a
/// global function, and the module `Tensor` is shadowed by the type `Tensor`). Convolutions go through
/// `TrainingKernels` instead.
enum EngineForward {
    static func reflectionPad(_ x: Tensor, _ padding: Int) -> Tensor { reflectionPad2d(x, padding: padding) }
}
