import Foundation
import NN
import Testing
@testable import Training

/// `--average-decay`: G's exponential moving average, kept in the checkpoint and exported instead of G.
@Suite struct WeightAverageTests {
    static func set(_ values: [Float], _ name: String = "w") -> ParameterSet {
        ParameterSet(tensors: [name: Tensor(shape: [values.count], storage: values)])
    }

    @Test func eachUpdateTakesOneMinusTheDecayOfTheWeights() {
        var average = WeightAverage(decay: 0.75, since: 3, parameters: Self.set([0, 8]))
        average.update(toward: Self.set([4, 0]))
        #expect(average.parameters == Self.set([1, 6]))
        average.update(toward: Self.set([4, 0]))
        #expect(average.parameters == Self.set([1.75, 4.5]))
        average.update(toward: Self.set([100, 100], "other"))   // a tensor the weights lack stays
        #expect(average.parameters == Self.set([1.75, 4.5]) && average.since == 3)
    }

    @Test func theCheckpointKeepsTheAverage() throws {
        var state = CycleGANState(config: CheckpointTests.config, seed: 4)
        state.gAverage = WeightAverage(decay: 0.999, since: 7, parameters: state.f)   // any tensors of G's shapes
        let root = try GeneratedImages.temporaryFolder("average")
        defer { GeneratedImages.remove(root) }
        let path = root.appendingPathComponent("c.safetensors").path
        try Checkpoint.write(state, to: path)
        #expect(try Checkpoint.read(from: path, config: CheckpointTests.config).0.gAverage == state.gAverage)
        state.gAverage = nil
        try Checkpoint.write(state, to: path)
        #expect(try Checkpoint.read(from: path).0.gAverage == nil)
        let file = Checkpoint.file(for: CycleGANState(config: CheckpointTests.config, seed: 4), extra: ["average_decay": "1.5"])
        try AtomicFile.store(file.serialized(), at: path)
        #expect(throws: TrainingError.badCheckpoint(path: path, reason: "metadata average_decay is not a decay from 0 to below 1")) {
            try Checkpoint.read(from: path)
        }
    }

    /// A run with an average exports and draws it; a resume without the option goes on with it, with 0 drops it;
    /// `export --unaveraged` writes G's own weights.
    @Test func aRunExportsItsAverage() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons) = try GeneratedImages.domains(photos: 3, cartoons: 3, in: root)
        var options = try TrainingRunTests.options(root, photos, cartoons, steps: 6)
        options.stopAtStep = 2
        _ = try TrainingRun.run(options, output: { _ in })
        (options.stopAtStep, options.averageDecay, options.resume) = (4, 0.5, true)
        var messages = ""
        _ = try TrainingRun.run(options, output: { messages += $0 })
        #expect(messages.contains("G's weights are averaged from step 2 on (decay 0.5); the average is exported"))
        let checkpoint = options.checkpointDirectory + "/checkpoint.safetensors"
        let (atFour, _) = try Checkpoint.read(from: checkpoint)
        let average = try #require(atFour.gAverage)
        #expect(average.since == 2 && average.decay == 0.5 && average.parameters != atFour.g)

        (options.stopAtStep, options.averageDecay) = (nil, nil)
        messages = ""
        _ = try TrainingRun.run(options, output: { messages += $0 })
        #expect(messages.contains("its weights averaged since step 2 with decay 0.5"))
        let (finished, _) = try Checkpoint.read(from: checkpoint)
        let exported = try Generator.load(from: URL(fileURLWithPath: options.output))
        #expect(exported.metadata["average_decay"] == "0.5" && exported.metadata["average_since"] == "2")
        let averaged = try #require(finished.gAverage).parameters
        #expect(exported.generator.namedParameters.count == averaged.tensors.count)
        #expect(exported.generator.namedParameters.allSatisfy { averaged.tensors[$0.key] == $0.value })
        let unaveragedPath = root.appendingPathComponent("g.safetensors").path
        try GeneratorExport.export(checkpoint: checkpoint, averaged: false, to: unaveragedPath)
        let unaveraged = try Generator.load(from: URL(fileURLWithPath: unaveragedPath))
        #expect(unaveraged.generator.namedParameters.allSatisfy { finished.g.tensors[$0.key] == $0.value })
        #expect(unaveraged.metadata["average_decay"] == nil)

        (options.steps, options.stopAtStep, options.averageDecay) = (8, 7, 0.25)
        messages = ""
        _ = try TrainingRun.run(options, output: { messages += $0 })
        #expect(messages.contains("G's average (since step 2) goes on with decay 0.25 (0.5 in the checkpoint)"))
        #expect(try Checkpoint.read(from: checkpoint).0.gAverage?.decay == 0.25)

        (options.stopAtStep, options.averageDecay) = (nil, 0)
        messages = ""
        _ = try TrainingRun.run(options, output: { messages += $0 })
        #expect(messages.contains("the checkpoint's average of G (since step 2) is dropped: --average-decay is 0"))
        #expect(try Checkpoint.read(from: checkpoint).0.gAverage == nil)
        options.averageDecay = 1
        #expect(throws: TrainingError.invalidOption("--average-decay must be from 0 (no average) to below 1, e.g. 0.999")) {
            try TrainingRun.run(options, output: { _ in })
        }
    }
}
