import Foundation
import Imaging

/// Eye finding inside a face box, with the eye cascade. The face's square is resampled to a fixed-size grey
/// patch (eyes then about 25 px, above the cascade's 20 px window), the band where eyes sit is scanned, and
/// the best-supported hit in each half is an eye, its centre the hit's centre.
extension FaceDetector {
    static let eyePatchSize = 120
    /// Rows of the face square searched, as fractions of its side: the Haar box has the eyes at about 40%.
    static let eyeBand = 0.12..<0.62
    /// Eye hits narrower or wider than these fractions of the face square are eyebrows, nostrils or noise.
    static let eyeWidths = 0.12...0.4
    /// A second look, turned to the eye line, when the first finds it tilted by more than this (radians):
    /// the eye cascade was trained on level eyes and places tilted ones less precisely.
    static let refineRoll = 3 * Double.pi / 180

    /// The eyes of `face` in `image`, or nil when the eye cascade does not find both (or none is loaded).
    public func eyes(in image: RGBImage, face: FaceBox) -> EyePoints? {
        guard let eyeCascade else { return nil }
        let first = RotatedSquare(centreX: Double(face.x) + Double(face.width) / 2,
                                  centreY: Double(face.y) + Double(face.height) / 2,
                                  side: Double(max(face.width, face.height)), angle: face.angle)
        guard let found = Self.eyes(in: image, square: first, cascade: eyeCascade) else { return nil }
        guard abs(found.roll - first.angle) > Self.refineRoll else { return found }
        // Turn the square about the eye midpoint so the eyes keep their place in it, and look again.
        let midX = (found.leftX + found.rightX) / 2, midY = (found.leftY + found.rightY) / 2
        let (u, v) = first.squarePoint(x: midX, y: midY)
        var turned = first
        turned.angle = found.roll
        let offset = turned.photoPoint(u: u, v: v)
        turned.centreX += midX - offset.x
        turned.centreY += midY - offset.y
        return Self.eyes(in: image, square: turned, cascade: eyeCascade) ?? found
    }

    private static func eyes(in image: RGBImage, square: RotatedSquare, cascade: Cascade) -> EyePoints? {
        let size = eyePatchSize
        let patch = GreyImage(planarFloats: image.warpedPlanarFloats(square, size: size), size: size)
        let top = Int(eyeBand.lowerBound * Double(size)), bottom = Int(eyeBand.upperBound * Double(size))
        let hits = groupCandidates(scanPyramid(patch.rows(top..<bottom), cascade: cascade, scaleFactor: 1.1),
                                   minNeighbors: 1)
            .filter { eyeWidths.contains(Double($0.0.width) / Double(size)) }
        /// The best-supported hit whose centre lies in the left or right half (ties: the larger).
        func best(left: Bool) -> (u: Double, v: Double)? {
            hits.filter { (2 * $0.0.x + $0.0.width < size) == left }
                .max { ($0.1, $0.0.width) < ($1.1, $1.0.width) }
                .map { hit, _ in
                    ((Double(hit.x) + Double(hit.width) / 2) / Double(size),
                     (Double(top + hit.y) + Double(hit.height) / 2) / Double(size))
                }
        }
        guard let left = best(left: true), let right = best(left: false) else { return nil }
        // Two eyes of one face: apart by a fifth to two thirds of the box, the line tilted under about 27°.
        let du = right.u - left.u, dv = right.v - left.v
        guard (0.2...0.67).contains(du), abs(dv) < 0.5 * du else { return nil }
        let l = square.photoPoint(u: left.u, v: left.v), r = square.photoPoint(u: right.u, v: right.v)
        return EyePoints(leftX: l.x, leftY: l.y, rightX: r.x, rightY: r.y)
    }
}
