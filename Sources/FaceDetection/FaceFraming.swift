import Foundation

/// How a model wants faces framed: where the aligned crop puts the eyes, and the box crop used when no eyes
/// are found. A property of the weights (their safetensors `__metadata__`), so each model gets the framing
/// of the photos it was trained on (docs/weights-format.md).
package struct FaceFraming: Sendable, Equatable {
    /// Eye centres in the model input, fractions of its side (x right, y down), image-left eye first.
    package var eyes: EyePoints
    /// Whether `eyes` came from `face_eyes` (else it was derived from the box framing).
    package var eyesStated: Bool
    /// The box crop's side, in face-box sides.
    package var boxSide: Double
    /// How far the box crop's centre sits above the face-box centre, in face-box sides (negative: below).
    package var boxRaise: Double

    package static let eyesKey = "face_eyes"
    package static let boxKey = "face_box"

    /// CelebA framing (the 178x178 centre of the aligned photos, the usual CycleGAN input): side 1.6 boxes,
    /// centre 0.12 boxes above the box centre, which shows the hair line and a little neck. Weights that do
    /// not say `face_box` get it.
    package static let defaultBoxSide = 1.6
    package static let defaultBoxRaise = 0.12

    /// Where the bundled Haar detector's box has the eyes, as fractions of the box (x of the image-left eye,
    /// x of the other, the eyes' y): medians over the 5,477 adult UTKFace chips where both eyes were found,
    /// measured with this module's own detector and eye finder by `cartoonify measure-framing`
    /// (docs/face-framing.md). They turn a box framing into eye targets for weights without `face_eyes`.
    package static let eyesInBox = (left: 0.300, right: 0.687, y: 0.378)

    /// The framing of weights that state none.
    package static let standard = FaceFraming(eyes: nil, boxSide: defaultBoxSide, boxRaise: defaultBoxRaise)

    /// The framing `metadata` states; absent keys get the defaults above. A malformed value is an error
    /// naming its key.
    package init(metadata: [String: String]) throws(FaceFramingError) {
        let box = try Self.numbers(metadata, Self.boxKey, count: 2) ?? [Self.defaultBoxSide, Self.defaultBoxRaise]
        guard (0.5...4).contains(box[0]), (-1...1).contains(box[1]) else {
            throw FaceFramingError(key: Self.boxKey, value: metadata[Self.boxKey] ?? "",
                                   reason: "side must be 0.5 to 4 and raise -1 to 1 face-box sides")
        }
        var eyes: EyePoints?
        if let e = try Self.numbers(metadata, Self.eyesKey, count: 4) {
            guard e.allSatisfy({ (0...1).contains($0) }), e[2] - e[0] >= 0.05, abs(e[3] - e[1]) < e[2] - e[0] else {
                throw FaceFramingError(key: Self.eyesKey, value: metadata[Self.eyesKey] ?? "", reason:
                    "expected four fractions in 0...1, the left eye at least 0.05 left of the right one, the line tilted under 45°")
            }
            eyes = EyePoints(leftX: e[0], leftY: e[1], rightX: e[2], rightY: e[3])
        }
        self.init(eyes: eyes, boxSide: box[0], boxRaise: box[1])
    }

    /// Without stated eyes, the eye targets are where the box crop puts the eyes: the box's eyes
    /// (`eyesInBox`), seen through the crop's side and raise. Old weights then get the same framing from an
    /// aligned crop as from a box crop, only levelled.
    private init(eyes: EyePoints?, boxSide: Double, boxRaise: Double) {
        self.boxSide = boxSide
        self.boxRaise = boxRaise
        eyesStated = eyes != nil
        let y = 0.5 + (Self.eyesInBox.y - 0.5 + boxRaise) / boxSide
        self.eyes = eyes ?? EyePoints(leftX: 0.5 + (Self.eyesInBox.left - 0.5) / boxSide, leftY: y,
                                      rightX: 0.5 + (Self.eyesInBox.right - 0.5) / boxSide, rightY: y)
    }

    /// The metadata values this framing reads back as (`face_eyes`, `face_box`), 4 decimals.
    package var metadata: [String: String] {
        func text(_ values: [Double]) -> String {
            values.map { String(format: "%.4f", $0) }.joined(separator: ",")
        }
        return [Self.eyesKey: text([eyes.leftX, eyes.leftY, eyes.rightX, eyes.rightY]),
                Self.boxKey: text([boxSide, boxRaise])]
    }

    /// `count` comma-separated finite numbers under `key`, or nil when the key is absent.
    private static func numbers(_ metadata: [String: String], _ key: String, count: Int) throws(FaceFramingError) -> [Double]? {
        guard let value = metadata[key] else { return nil }
        let numbers = value.split(separator: ",", omittingEmptySubsequences: false)
            .compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }.filter(\.isFinite)
        guard numbers.count == count, value.split(separator: ",", omittingEmptySubsequences: false).count == count else {
            throw FaceFramingError(key: key, value: value, reason: "expected \(count) comma-separated numbers")
        }
        return numbers
    }
}

/// A `face_eyes` or `face_box` metadata value that cannot be used.
package struct FaceFramingError: Error, Equatable, CustomStringConvertible {
    package var key: String
    package var value: String
    package var reason: String

    package var description: String { "weights metadata '\(key)' = '\(value)': \(reason)" }
}
