import FaceDetection
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
    var faceFraming: Framing

    /// The framing `crop=face` uses, as parsed from the metadata (or its defaults).
    struct Framing: Encodable, Sendable {
        /// Eye targets, fractions of the input side: left x, left y, right x, right y.
        var eyes: [Double]
        /// "metadata" when the weights state `face_eyes`, "derived" when they come from the box framing.
        var eyesSource: String
        var boxSide: Double
        var boxRaise: Double

        enum CodingKeys: String, CodingKey {
            case eyes, eyesSource = "eyes_source", boxSide = "box_side", boxRaise = "box_raise"
        }
    }

    enum CodingKeys: String, CodingKey {
        case architecture, ngf, nBlocks = "n_blocks", inputSize = "input_size", affineNorm = "affine_norm"
        case parameters, sha256, weights, version, metadata, faceFraming = "face_framing"
    }

    init(_ loaded: LoadedGenerator, framing: FaceFraming, path: String) {
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
        let eyes = framing.eyes
        faceFraming = Framing(eyes: [eyes.leftX, eyes.leftY, eyes.rightX, eyes.rightY],
                              eyesSource: framing.eyesStated ? "metadata" : "derived",
                              boxSide: framing.boxSide, boxRaise: framing.boxRaise)
    }

    var json: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(self))) ?? Array(#"{"error":"internal_error"}"#.utf8)
    }
}
