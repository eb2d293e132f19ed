import Foundation
import NN

/// Where an exported generator came from: recorded in its `__metadata__` (DESIGN.md "Trainer files").
package struct TrainingProvenance: Sendable, Equatable {
    package var photos: String
    package var photoCount: Int
    package var cartoons: String
    package var cartoonCount: Int
    package var steps: Int
    package var seed: UInt64
    package var date: Date

    package init(photos: String, photoCount: Int, cartoons: String, cartoonCount: Int, steps: Int, seed: UInt64, date: Date = Date()) {
        self.photos = photos
        self.photoCount = photoCount
        self.cartoons = cartoons
        self.cartoonCount = cartoonCount
        self.steps = steps
        self.seed = seed
        self.date = date
    }

    var metadata: [String: String] {
        ["trained_steps": String(steps), "photos": photos, "photo_count": String(photoCount), "cartoons": cartoons,
         "cartoon_count": String(cartoonCount), "seed": String(seed),
         "date": ISO8601DateFormatter().string(from: date), "trainer": "cartoonify-train",
         "trainer_version": CartoonifyVersion.current]
    }
}

package enum GeneratorExport {
    /// The photo -> cartoon generator alone, in the server's weights format: the same tensor names and
    /// architecture metadata `Generator.load` reads, the training provenance, then `extra` (which may not
    /// change the architecture keys). Checked by building the inference generator before anything is written.
    package static func write(_ tensors: [String: Tensor], config: GeneratorConfig, provenance: TrainingProvenance,
                              direction: GeneratorDirection = .photoToCartoon,
                              extra: [String: String] = [:], to path: String) throws(TrainingError) {
        do {
            _ = try Generator(config: config, weights: tensors)
        } catch {
            throw .writeFailed(path: path, reason: "the trained generator does not form a valid model: \(error)")
        }
        let architecture = Generator.metadata(for: config).merging(["direction": direction.rawValue]) { $1 }
        if let key = extra.keys.sorted().first(where: { architecture[$0] != nil }) {
            throw .invalidOption("--metadata \(key) describes the architecture and comes from the model itself")
        }
        let metadata = architecture.merging(provenance.metadata) { $1 }.merging(extra) { $1 }
        try AtomicFile.store(SafeTensorsFile(tensors: tensors, metadata: metadata).serialized(), at: path)
    }

    /// `state`'s photo -> cartoon weights as the run exports them (`CycleGANState.exportedG`): G's average where
    /// it keeps one, saying so in `average_decay`/`average_since`, else G's own.
    static func writeExportedG(of state: CycleGANState, provenance: TrainingProvenance, extra: [String: String],
                               to path: String) throws(TrainingError) {
        let average = state.gAverage.map { ["average_decay": String($0.decay), "average_since": String($0.since)] } ?? [:]
        try write(state.exportedG.tensors, config: state.config.generator, provenance: provenance,
                  extra: average.merging(extra) { $1 }, to: path)
    }

    /// Exports one generator of a checkpoint (any step, e.g. while the run goes on), with the provenance the
    /// checkpoint recorded; G as its average where the checkpoint keeps one, unless `averaged` is false.
    package static func export(checkpoint path: String, direction: GeneratorDirection = .photoToCartoon, averaged: Bool = true,
                               extra: [String: String] = [:], to output: String, date: Date = Date()) throws(TrainingError) {
        var (state, metadata) = try Checkpoint.read(from: path)
        func count(_ key: String, folder: String) -> Int {
            metadata[key].flatMap(Int.init) ?? ((try? ImageFolder(scanning: folder))?.files.count ?? 0)
        }
        let photos = metadata["photos"] ?? "unknown", cartoons = metadata["cartoons"] ?? "unknown"
        let provenance = TrainingProvenance(
            photos: photos, photoCount: count("photo_count", folder: photos), cartoons: cartoons,
            cartoonCount: count("cartoon_count", folder: cartoons), steps: state.step,
            seed: metadata["seed"].flatMap(UInt64.init) ?? 0, date: date)
        switch direction {
        case .photoToCartoon:
            if !averaged { state.gAverage = nil }
            try writeExportedG(of: state, provenance: provenance, extra: extra, to: output)
        case .cartoonToPhoto:
            try write(state.f.tensors, config: state.config.generator, provenance: provenance, direction: direction,
                      extra: extra, to: output)
        }
    }
}
