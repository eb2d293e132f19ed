import Autograd
import Foundation
import NN

/// A fixed photo -> cartoon generator whose output, made into a target (`TeacherTarget`: blots filled at
/// least), G is held to (`CycleGANConfig.lambdaTeacher`): the generator a polishing run starts from, so that G keeps its drawing
/// and learns to paint skin where the teacher painted white ovals.
/// Not part of a checkpoint: a resumed run names the file again, and its hash is logged beside the run.
package struct TeacherGenerator: Sendable {
    let parameters: ParameterSet
    let config: GeneratorConfig
    package let sha256: String
    package let target: TeacherTarget

    /// Loads an exported photo -> cartoon generator of the run's input size (its architecture may differ).
    package init(path: String, inputSize: Int, target: TeacherTarget = TeacherTarget()) throws(TrainingError) {
        let loaded: LoadedGenerator
        do {
            loaded = try Generator.load(from: URL(fileURLWithPath: path))
        } catch {
            throw .badCheckpoint(path: path, reason: "--teacher: \(error)")
        }
        guard loaded.generator.config.inputSize == inputSize else {
            throw .checkpointMismatch("--teacher \(path) was trained at \(loaded.generator.config.inputSize) px, "
                + "this run trains at \(inputSize) px")
        }
        parameters = ParameterSet(tensors: loaded.generator.namedParameters)
        config = loaded.generator.config
        sha256 = loaded.sha256
        self.target = target
    }

    /// The targets for `photos` (`[N, 3, S, S]` in [-1, 1]): the teacher's cartoons, without gradients, made
    /// into targets by `target` (over `avatars`, the photos' own, where it asks for them), and the loss weights
    /// it gives them (nil: all 1).
    func targets(for photos: Tensor, avatars: Tensor? = nil, kernels: TrainingKernels) -> (target: Tensor, weights: Tensor?) {
        target.made(from: cartoons(for: photos, kernels: kernels), photos: photos, avatars: avatars)
    }

    /// The teacher's own cartoons of `photos`, before they are made into targets.
    func cartoons(for photos: Tensor, kernels: TrainingKernels) -> Tensor {
        CycleGANState.run(parameters, photos, config, kernels)
    }
}
