import Autograd
import Foundation
import NN

/// A `CycleGANState` as one safetensors file (DESIGN.md "Trainer files"): the networks under `G.`, `F.`,
/// `D_cartoon.`, `D_photo.`, Adam moments under `adam_m.<net>.`/`adam_v.<net>.`, the image pools as
/// `pool.cartoon`/`pool.photo` (`[n, 3, S, S]`), G's weight average (if kept) under `G_average.` with its decay
/// and first step in `average_decay`/`average_since`, and step, optimiser steps, RNG state and configuration in
/// `__metadata__`. The configuration is stored so a resume can refuse a checkpoint of another model.
package enum Checkpoint {
    static let format = "cartoonify-cyclegan-checkpoint-1"
    static let averagePrefix = "G_average."
    static var networks: [(prefix: String, parameters: WritableKeyPath<CycleGANState, ParameterSet>,
                           adam: WritableKeyPath<CycleGANState, AdamState>)] {
        [("G", \.g, \.adamG), ("F", \.f, \.adamF),
         ("D_cartoon", \.dCartoon, \.adamDCartoon), ("D_photo", \.dPhoto, \.adamDPhoto)]
    }

    /// The checkpoint file for `state`; `extra` adds run information (data folders, seed) to the metadata.
    package static func file(for state: CycleGANState, extra: [String: String] = [:]) -> SafeTensorsFile {
        var tensors: [String: Tensor] = [:]
        var metadata = extra.merging(configurationMetadata(state.config)) { $1 }
        metadata["format"] = format
        metadata["step"] = String(state.step)
        metadata["rng_state"] = String(state.rng.state)
        for network in networks {
            let parameters = state[keyPath: network.parameters], adam = state[keyPath: network.adam]
            for (name, tensor) in parameters.tensors { tensors["\(network.prefix).\(name)"] = tensor }
            for (name, tensor) in adam.firstMoments { tensors["adam_m.\(network.prefix).\(name)"] = tensor }
            for (name, tensor) in adam.secondMoments { tensors["adam_v.\(network.prefix).\(name)"] = tensor }
            metadata["adam_step.\(network.prefix)"] = String(adam.step)
        }
        if let average = state.gAverage {
            for (name, tensor) in average.parameters.tensors { tensors["\(averagePrefix)\(name)"] = tensor }
            metadata["average_decay"] = String(average.decay)
            metadata["average_since"] = String(average.since)
        }
        for (key, pool) in [("cartoon", state.poolCartoon), ("photo", state.poolPhoto)] where !pool.images.isEmpty {
            let shape = [pool.images.count] + pool.images[0].shape.dropFirst()
            tensors["pool.\(key)"] = Tensor(shape: shape, storage: pool.images.flatMap(\.storage))
        }
        return SafeTensorsFile(tensors: tensors, metadata: metadata)
    }

    /// Writes atomically: a killed run leaves the previous checkpoint or the new one, never a partial file.
    package static func write(_ state: CycleGANState, extra: [String: String] = [:], to path: String) throws(TrainingError) {
        try AtomicFile.store(file(for: state, extra: extra).serialized(), at: path)
    }

    /// Reads a checkpoint written by `write`; `config` is what this run was asked for and must match.
    package static func read(from path: String, config: CycleGANConfig) throws(TrainingError) -> (CycleGANState, [String: String]) {
        try state(in: try open(path), config: config, path: path)
    }

    /// Reads a checkpoint as the model it records (for export and evaluation, where no run states a config).
    package static func read(from path: String) throws(TrainingError) -> (CycleGANState, [String: String]) {
        let file = try open(path)
        let metadata = withOlderDefaults(file.metadata)
        func number<T: LosslessStringConvertible>(_ key: String) throws(TrainingError) -> T {
            guard let value = metadata[key].flatMap(T.init) else {
                throw .badCheckpoint(path: path, reason: "metadata \(key) is missing or malformed")
            }
            return value
        }
        let generatorTensors = tensors(of: networks[0].prefix, in: file)
        let generator: GeneratorConfig
        do {
            generator = try Generator.inferConfig(tensors: generatorTensors, metadata: metadata)
        } catch {
            throw .badCheckpoint(path: path, reason: "\(error)")
        }
        let config = CycleGANConfig(
            generator: generator, discriminator: PatchGANConfig(ndf: try number("ndf"), layers: try number("d_layers")),
            lambdaCycle: try number("lambda_cycle"), lambdaIdentity: try number("lambda_identity"),
            lambdaColour: try number("lambda_colour"), cycleNoise: try number("cycle_noise"),
            lambdaLightening: try number("lambda_lightening"), lambdaTeacher: try number("lambda_teacher"),
            teacherLoss: try teacherLoss(metadata["teacher_loss"], path: path),
            lambdaPeaks: try number("lambda_peaks"), lambdaEdges: try number("lambda_edges"), adam: AdamConfig(beta1: try number("beta1"), beta2: try number("beta2")), poolSize: try number("pool_size"))
        return try state(in: file, config: config, path: path)
    }

    /// Loss weights (and the distillation loss's form), by metadata key: what a resumed run may change.
    static let lossWeightKeys = ["lambda_cycle", "lambda_identity", "lambda_colour", "cycle_noise", "lambda_lightening", "lambda_teacher",
                                 "teacher_loss", "lambda_peaks", "lambda_edges"]

    /// The recorded distillation loss (`olderCheckpointDefaults` fills it in for checkpoints from before it).
    private static func teacherLoss(_ recorded: String?, path: String) throws(TrainingError) -> TeacherLoss {
        guard let recorded, let loss = TeacherLoss(rawValue: recorded) else {
            throw .badCheckpoint(path: path, reason: "metadata teacher_loss \(recorded ?? "missing") is not one of "
                + TeacherLoss.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return loss
    }

    /// What a checkpoint written before a key existed meant by its absence: no colour loss, no cycle noise,
    /// no lightening or distillation loss (squared where there was one), transposed convolutions up.
    static let olderCheckpointDefaults = ["lambda_colour": String(Float(0)), "cycle_noise": String(Float(0)),
                                          "lambda_lightening": String(Float(0)), "lambda_teacher": String(Float(0)),
                                          "lambda_peaks": String(Float(0)), "lambda_edges": String(Float(0)),
                                          "teacher_loss": TeacherLoss.squared.rawValue, "upsampling": GeneratorUpsampling.transposed.rawValue]

    /// `metadata` with `olderCheckpointDefaults` filled in where it has no value of its own.
    static func withOlderDefaults(_ metadata: [String: String]) -> [String: String] {
        metadata.merging(olderCheckpointDefaults) { recorded, _ in recorded }
    }

    /// The loss weights of this run that differ from the checkpoint's, as "key old -> new".
    package static func changedLossWeights(checkpoint metadata: [String: String], run config: CycleGANConfig) -> [String] {
        let (recorded, expected) = (withOlderDefaults(metadata), configurationMetadata(config))
        return lossWeightKeys.compactMap { key in
            let old = recorded[key] ?? "missing"
            return old == expected[key] ? nil : "\(key) \(old) -> \(expected[key] ?? "")"
        }
    }

    /// One network's tensors in a checkpoint file, by their names within the network.
    static func tensors(of network: String, in file: SafeTensorsFile) -> [String: Tensor] {
        let prefix = network + "."
        return Dictionary(uniqueKeysWithValues: file.tensors.compactMap { name, tensor in
            name.hasPrefix(prefix) ? (String(name.dropFirst(prefix.count)), tensor) : nil
        })
    }

    /// A checkpoint file, or with `networksFormat` admitted also a networks file (`writeNetworks`).
    static func open(_ path: String, admitting formats: Set<String> = [format]) throws(TrainingError) -> SafeTensorsFile {
        let file: SafeTensorsFile
        do {
            file = try SafeTensorsFile.read(from: URL(fileURLWithPath: path))
        } catch {
            throw .badCheckpoint(path: path, reason: String(describing: error))
        }
        guard let found = file.metadata["format"], formats.contains(found) else {
            throw .badCheckpoint(path: path, reason: "not a cartoonify-train checkpoint (format \(file.metadata["format"] ?? "missing"))")
        }
        return file
    }

    private static func state(in file: SafeTensorsFile, config: CycleGANConfig, path: String) throws(TrainingError)
        -> (CycleGANState, [String: String]) {
        let metadata = withOlderDefaults(file.metadata)
        let expected = configurationMetadata(config)
        for key in expected.keys.sorted() where !lossWeightKeys.contains(key) && metadata[key] != expected[key] {
            throw .checkpointMismatch("\(key) is \(metadata[key] ?? "missing") in the checkpoint, \(expected[key] ?? "") in this run")
        }
        func integer(_ key: String) throws(TrainingError) -> UInt64 {
            guard let text = metadata[key], let value = UInt64(text) else {
                throw .badCheckpoint(path: path, reason: "metadata \(key) is missing or not a number")
            }
            return value
        }
        let shapes = [Generator.tensorNames(config: config.generator), Generator.tensorNames(config: config.generator),
                      config.discriminator.tensorShapes, config.discriminator.tensorShapes]
        var state = CycleGANState(config: config, g: ParameterSet(tensors: [:]), f: ParameterSet(tensors: [:]),
                                  dCartoon: ParameterSet(tensors: [:]), dPhoto: ParameterSet(tensors: [:]),
                                  step: Int(try integer("step")), rng: SplitMix64(seed: try integer("rng_state")))
        func tensors(_ prefix: String, shapes: [String: [Int]], required: Bool) throws(TrainingError) -> [String: Tensor] {
            var found: [String: Tensor] = [:]
            for (name, shape) in shapes {
                guard let tensor = file.tensors["\(prefix)\(name)"] else {
                    if required { throw .badCheckpoint(path: path, reason: "tensor \(prefix)\(name) is missing") }
                    continue
                }
                guard tensor.shape == shape else {
                    throw .badCheckpoint(path: path, reason: "tensor \(prefix)\(name) has shape \(tensor.shape), expected \(shape)")
                }
                found[name] = tensor
            }
            return found
        }
        for (network, shapes) in zip(networks, shapes) {
            let adamStep = Int(try integer("adam_step.\(network.prefix)"))
            state[keyPath: network.parameters] = ParameterSet(tensors: try tensors("\(network.prefix).", shapes: shapes, required: true))
            state[keyPath: network.adam] = AdamState(
                step: adamStep,
                firstMoments: try tensors("adam_m.\(network.prefix).", shapes: shapes, required: adamStep > 0),
                secondMoments: try tensors("adam_v.\(network.prefix).", shapes: shapes, required: adamStep > 0))
        }
        if metadata["average_decay"] != nil {
            guard let decay = metadata["average_decay"].flatMap(Float.init), (0..<1).contains(decay) else {
                throw .badCheckpoint(path: path, reason: "metadata average_decay is not a decay from 0 to below 1")
            }
            state.gAverage = WeightAverage(decay: decay, since: Int(try integer("average_since")),
                                           parameters: ParameterSet(tensors: try tensors(averagePrefix, shapes: shapes[0], required: true)))
        }
        state.poolCartoon = try pool(file.tensors["pool.cartoon"], capacity: config.poolSize, path: path)
        state.poolPhoto = try pool(file.tensors["pool.photo"], capacity: config.poolSize, path: path)
        return (state, metadata)
    }

    private static func pool(_ tensor: Tensor?, capacity: Int, path: String) throws(TrainingError) -> ImagePool {
        guard let tensor else { return ImagePool(capacity: capacity) }
        guard tensor.shape.count == 4, tensor.shape[0] <= capacity else {
            throw .badCheckpoint(path: path, reason: "image pool has shape \(tensor.shape) (capacity \(capacity))")
        }
        let plane = tensor.count / max(1, tensor.shape[0])
        let single = [1] + tensor.shape.dropFirst()
        let images = (0..<tensor.shape[0]).map { k in
            Tensor(shape: single, storage: Array(tensor.storage[(k * plane)..<((k + 1) * plane)]))
        }
        return ImagePool(capacity: capacity, images: images)
    }

    /// The fields that define the model and objective. A resumed run must agree on all of them but the loss
    /// weights, which a later phase may change (e.g. add the colour loss to a trained run).
    static func configurationMetadata(_ config: CycleGANConfig) -> [String: String] {
        Generator.metadata(for: config.generator).merging([
            "ndf": String(config.discriminator.ndf), "d_layers": String(config.discriminator.layers),
            "lambda_cycle": String(config.lambdaCycle), "lambda_identity": String(config.lambdaIdentity),
            "lambda_colour": String(config.lambdaColour), "cycle_noise": String(config.cycleNoise),
            "lambda_lightening": String(config.lambdaLightening), "lambda_teacher": String(config.lambdaTeacher),
            "teacher_loss": config.teacherLoss.rawValue, "lambda_peaks": String(config.lambdaPeaks), "lambda_edges": String(config.lambdaEdges), "beta1": String(config.adam.beta1), "beta2": String(config.adam.beta2), "pool_size": String(config.poolSize),
        ]) { $1 }
    }
}
