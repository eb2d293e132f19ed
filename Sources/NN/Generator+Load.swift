import Foundation

/// A generator together with where it came from, for `/v1/model` and logs.
package struct LoadedGenerator: Sendable {
    package let generator: Generator
    package let metadata: [String: String]
    /// Lowercase hex SHA-256 of the whole weights file.
    package let sha256: String

    package init(generator: Generator, metadata: [String: String], sha256: String) {
        self.generator = generator
        self.metadata = metadata
        self.sha256 = sha256
    }
}

extension Generator {
    /// Reads a weights file, infers the config (metadata first, shapes to confirm/infer), builds the generator.
    /// A file whose `direction` is not `direction` is refused (nil: either is taken): the partner file beside
    /// a model would otherwise serve photos of photos.
    package static func load(from url: URL, direction: GeneratorDirection? = .photoToCartoon) throws -> LoadedGenerator {
        let data = try SafeTensorsFile.mappedContents(of: url)
        let (file, digest) = try data.withUnsafeBytes { bytes in
            var hasher = SHA256()
            hasher.update(bytes)
            return (try SafeTensorsFile(parsing: bytes), hasher.finalizeHex())
        }
        let value = file.metadata["direction"] ?? ""
        guard let recorded = GeneratorDirection(metadata: file.metadata) else {
            throw WeightsError.invalidMetadata(field: "direction", value: value, reason: "expected "
                + GeneratorDirection.allCases.map(\.rawValue).joined(separator: " or "))
        }
        if let direction, recorded != direction {
            throw WeightsError.invalidMetadata(field: "direction", value: value, reason: "a \(recorded.arrows) generator "
                + "(a trainer's partner file, for cartoonify-train --init-partner), where a \(direction.arrows) one is needed")
        }
        let config = try inferConfig(tensors: file.tensors, metadata: file.metadata)
        let generator = try Generator(config: config, weights: file.tensors)
        return LoadedGenerator(generator: generator, metadata: file.metadata, sha256: digest)
    }

    /// The metadata a weights file for this generator should carry (see docs/weights-format.md).
    package static func metadata(for config: GeneratorConfig) -> [String: String] {
        ["architecture": config.architecture.rawValue, "ngf": String(config.ngf), "n_blocks": String(config.nBlocks),
         "input_size": String(config.inputSize), "norm": "instance", "affine": String(config.affineNorm),
         "upsampling": config.upsampling.rawValue]
    }

    /// Metadata names the architecture (or the tensor names reveal it); `ngf`, `n_blocks` and affine norm
    /// are read from the tensors and must agree with the metadata where it states them.
    package static func inferConfig(tensors: [String: Tensor], metadata: [String: String]) throws -> GeneratorConfig {
        let architecture: GeneratorArchitecture
        if let value = metadata["architecture"] {
            guard let parsed = GeneratorArchitecture(rawValue: value) else {
                throw WeightsError.invalidMetadata(field: "architecture", value: value, reason: "expected one of "
                    + GeneratorArchitecture.allCases.map(\.rawValue).joined(separator: ", "))
            }
            architecture = parsed
        } else if let found = GeneratorArchitecture.allCases.first(where: {
            tensors[GeneratorLayout(config: GeneratorConfig(architecture: $0, nBlocks: 0)).stem.conv.prefix + ".weight"] != nil
        }) {
            architecture = found
        } else {
            throw WeightsError.cannotInfer("no 'architecture' metadata and no known first-layer tensor")
        }
        if let norm = metadata["norm"], norm != "instance" {
            throw WeightsError.invalidMetadata(field: "norm", value: norm, reason: "only 'instance' is supported")
        }

        let probe = GeneratorLayout(config: GeneratorConfig(architecture: architecture, nBlocks: 0))
        let stemName = probe.stem.conv.prefix + ".weight"
        guard let stem = tensors[stemName], stem.rank == 4, stem.shape[0] >= 1 else {
            throw WeightsError.cannotInfer(
                "architecture '\(architecture.rawValue)' needs tensor '\(stemName)' shaped [ngf, 3, 7, 7] to read ngf from")
        }
        let ngf = stem.shape[0]
        let nBlocks = countBlocks(architecture: architecture, tensors: tensors)
        let upsampling = try inferUpsampling(architecture: architecture, ngf: ngf, nBlocks: nBlocks, tensors: tensors,
                                             metadata: metadata)
        let affine = tensors[probe.stem.norm.prefix + ".weight"] != nil

        try check(metadata, "ngf", equals: ngf)
        try check(metadata, "n_blocks", equals: nBlocks)
        if let value = metadata["affine"], value != String(affine) {
            throw WeightsError.invalidMetadata(field: "affine", value: value,
                                               reason: "the tensors say \(affine) (norm weights \(affine ? "present" : "absent"))")
        }
        var inputSize = 256
        if let value = metadata["input_size"] {
            guard let size = Int(value), size >= 8, size % GeneratorConfig.totalStride == 0 else {
                throw WeightsError.invalidMetadata(field: "input_size", value: value,
                                                   reason: "expected a multiple of \(GeneratorConfig.totalStride), at least 8")
            }
            inputSize = size
        }
        return GeneratorConfig(architecture: architecture, ngf: ngf, nBlocks: nBlocks, inputSize: inputSize, affineNorm: affine,
                               upsampling: upsampling)
    }

    /// The metadata's `upsampling`; without it, the one whose first up-stage weight is there with its shape
    /// (files from before the key existed, and the official checkpoints, are `transposed`).
    private static func inferUpsampling(architecture: GeneratorArchitecture, ngf: Int, nBlocks: Int,
                                        tensors: [String: Tensor], metadata: [String: String]) throws -> GeneratorUpsampling {
        if let value = metadata["upsampling"] {
            guard let parsed = GeneratorUpsampling(rawValue: value) else {
                throw WeightsError.invalidMetadata(field: "upsampling", value: value, reason: "expected one of "
                    + GeneratorUpsampling.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return parsed
        }
        return GeneratorUpsampling.allCases.first { upsampling in
            let up = GeneratorLayout(config: GeneratorConfig(architecture: architecture, ngf: ngf, nBlocks: nBlocks,
                                                             upsampling: upsampling)).up[0].conv
            return tensors[up.prefix + ".weight"]?.shape == up.weightShape
        } ?? .transposed
    }

    /// Counts residual blocks: consecutive block indices whose first conv is present (at most one per tensor).
    private static func countBlocks(architecture: GeneratorArchitecture, tensors: [String: Tensor]) -> Int {
        let layout = GeneratorLayout(config: GeneratorConfig(architecture: architecture, nBlocks: tensors.count))
        return layout.blocks.prefix { tensors[$0.conv1.prefix + ".weight"] != nil }.count
    }

    private static func check(_ metadata: [String: String], _ field: String, equals inferred: Int) throws {
        guard let value = metadata[field] else { return }
        guard Int(value) == inferred else {
            throw WeightsError.invalidMetadata(field: field, value: value, reason: "the tensors say \(inferred)")
        }
    }
}
