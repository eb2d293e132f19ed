import Foundation
import NN

/// The body of `GET /v1/model`: what is loaded, so an operator can tell which weights a replica serves.
struct ModelInfo: Encodable, Sendable {
    var architecture: String
    var ngf: Int
    var nBlocks: Int
    var inputSize: Int
    var affineNorm: Bool
    var parameters: Int
    var sha256: String
    var weights: String
    var version: String
    var metadata: [String: String]

    enum CodingKeys: String, CodingKey {
        case architecture, ngf, nBlocks = "n_blocks", inputSize = "input_size", affineNorm = "affine_norm"
        case parameters, sha256, weights, version, metadata
    }

    init(_ loaded: LoadedGenerator, path: String) {
        let config = loaded.generator.config
        architecture = config.architecture.rawValue
        ngf = config.ngf
        nBlocks = config.nBlocks
        inputSize = config.inputSize
        affineNorm = config.affineNorm
        parameters = loaded.generator.parameterCount
        sha256 = loaded.sha256
        weights = path
        version = CartoonifyVersion.current
        metadata = loaded.metadata
    }

    var json: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(self))) ?? Array(#"{"error":"internal_error"}"#.utf8)
    }
}
