import Foundation
import NN
import Testing

/// Locates and reads the committed fixtures (made by scripts/fixtures/make_nn_fixtures.py).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func url(_ relativePath: String) -> URL { directory.appendingPathComponent(relativePath) }

    static func load(_ relativePath: String) throws -> SafeTensorsFile {
        try SafeTensorsFile.read(from: url(relativePath))
    }

    static func files(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url(folder).path)) ?? []
        return names.filter { $0.hasSuffix(".safetensors") }.sorted()
    }

    /// Twin of `fixture_weights` in scripts/reference/cyclegan.py: every parameter non-trivial.
    static func weights(config: GeneratorConfig, seed: UInt64) -> [String: Tensor] {
        var rng = SplitMix64(seed: seed)
        var result: [String: Tensor] = [:]
        let shapes = Generator.tensorNames(config: config)
        for name in shapes.keys.sorted() {
            let shape = shapes[name] ?? []
            let count = shape.reduce(1, *)
            let values: [Float]
            if shape.count == 4 {
                let bound = 1 / Double(shape[1] * shape[2] * shape[3]).squareRoot()
                values = (0..<count).map { _ in rng.nextUniform(bound: bound) }
            } else if name.hasSuffix(".bias") {
                values = (0..<count).map { _ in rng.nextUniform(bound: 0.1) }
            } else {
                values = (0..<count).map { _ in Float(1 + (rng.nextUnit() * 2 - 1) * 0.1) }
            }
            result[name] = Tensor(shape: shape, storage: values)
        }
        return result
    }

    /// Uniform [-1, 1) image tensor, the fixtures' input_seed stream.
    static func input(size: Int, seed: UInt64) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return Tensor(shape: [1, 3, size, size], storage: (0..<(3 * size * size)).map { _ in rng.nextUniform(bound: 1) })
    }
}

extension SafeTensorsFile {
    func tensor(_ name: String) throws -> Tensor {
        try #require(tensors[name], "fixture lacks tensor '\(name)'")
    }

    func integer(_ field: String) throws -> Int {
        try #require(metadata[field].flatMap { Int($0) }, "fixture lacks integer metadata '\(field)'")
    }
}
