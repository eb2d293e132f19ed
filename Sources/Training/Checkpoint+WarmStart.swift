import NN

extension Checkpoint {
    /// The format of a file holding the four networks alone: a third of a checkpoint (no Adam moments, no
    /// image pools), for keeping a run's discriminators beside its exported generators so that a later run
    /// can start all four from it (`--init-checkpoint`); it cannot be resumed.
    static let networksFormat = "cartoonify-cyclegan-networks-1"

    /// The four networks of the checkpoint at `path`, with the model and run metadata, written to `output`.
    package static func writeNetworks(of path: String, to output: String) throws(TrainingError) {
        let file = try open(path)
        var metadata = file.metadata.filter { !$0.key.hasPrefix("adam_step.") && !$0.key.hasPrefix("average_") && $0.key != "rng_state" }
        metadata["format"] = networksFormat
        let prefixes = networks.map { $0.prefix + "." }
        let tensors = file.tensors.filter { name, _ in prefixes.contains { name.hasPrefix($0) } }
        try AtomicFile.store(SafeTensorsFile(tensors: tensors, metadata: metadata).serialized(), at: output)
    }

    /// The model fields another run's checkpoint must share to start this one: everything that shapes the
    /// generators but their upsampling, and the discriminators' width (their depth may differ).
    static let warmStartKeys = ["architecture", "ngf", "n_blocks", "input_size", "norm", "affine", "ndf"]

    /// Starts `state`'s four networks from another run's checkpoint, so that a changed model (a deeper
    /// discriminator, resize upsampling) keeps what the networks learnt together: a generator warm-started
    /// beside a fresh cartoon -> photo generator first unlearns its style to serve the new one's cycle loss.
    /// Returns the `net.name`s that keep their initialisation because the file lacks them in this shape.
    static func warmStart(_ state: inout CycleGANState, from path: String) throws(TrainingError) -> [String] {
        let file = try open(path, admitting: [format, networksFormat])
        let (recorded, expected) = (withOlderDefaults(file.metadata), configurationMetadata(state.config))
        let differing = warmStartKeys.filter { recorded[$0] != expected[$0] }
        guard differing.isEmpty else {
            throw .checkpointMismatch("--init-checkpoint \(path) is another model: "
                + differing.map { "\($0) \(recorded[$0] ?? "missing") there, \(expected[$0] ?? "") here" }.joined(separator: "; "))
        }
        var fresh: [String] = []
        for network in networks {
            let (parameters, kept) = state[keyPath: network.parameters].overlaid(with: tensors(of: network.prefix, in: file))
            state[keyPath: network.parameters] = parameters
            fresh += kept.map { "\(network.prefix).\($0)" }
        }
        return fresh
    }
}
