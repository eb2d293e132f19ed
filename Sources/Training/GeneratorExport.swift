import Foundation
import NN

/// Where an exported generator came from: recorded in its `__metadata__` (DESIGN.md "Trainer files").
public struct TrainingProvenance: Sendable, Equatable {
    public var photos: String
    public var photoCount: Int
    public var cartoons: String
    public var cartoonCount: Int
    public var steps: Int
    public var seed: UInt64
    public var date: Date

    public init(photos: String, photoCount: Int, cartoons: String, cartoonCount: Int, steps: Int, seed: UInt64, date: Date = Date()) {
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
         "date": ISO8601DateFormatter().string(from: date), "trainer": "cartoonify-train"]
    }
}

public enum GeneratorExport {
    /// The photo -> cartoon generator G alone, in the server's weights format: the same tensor names and
    /// architecture metadata `Generator.load` reads, plus the training provenance. Checked by building the
    /// inference generator from it before anything is written.
    public static func write(_ state: CycleGANState, provenance: TrainingProvenance, to path: String) throws(TrainingError) {
        do {
            _ = try Generator(config: state.config.generator, weights: state.g.tensors)
        } catch {
            throw .writeFailed(path: path, reason: "the trained generator does not form a valid model: \(error)")
        }
        let metadata = Generator.metadata(for: state.config.generator).merging(provenance.metadata) { $1 }
        try AtomicFile.store(SafeTensorsFile(tensors: state.g.tensors, metadata: metadata).serialized(), at: path)
    }
}
