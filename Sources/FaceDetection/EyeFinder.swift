import Foundation
import Imaging

/// Eye finding inside a face box, with the eye cascade. The face's square is resampled to a fixed-size grey
/// patch (eyes then about 30 px, above the cascade's 20 px window), the band where eyes sit is scanned, and
/// the best-supported hit in each half is an eye, its centre the hit's centre.
extension FaceDetector {
    static let eyePatchSize = 150
    /// Rows of the patch searched (12% to 62% of the face square): the Haar box has the eyes at about 40%.
    static let eyeBandRows = 18..<93
    /// Eye hits narrower or wider than these fractions of the face square are eyebrows, nostrils or noise.
    static let eyeWidths = 0.12...0.4
    /// A second look, turned to the eye line, when the first finds it tilted by more than this (radians):
    /// the eye cascade was trained on level eyes and places tilted ones less precisely.
    static let refineRoll = 3 * Double.pi / 180

    /// The eyes of `face` in `image`, or nil when the eye cascade does not find both (or none is loaded).
    package func eyes(in image: RGBImage, face: FaceBox) -> EyePoints? {
        guard let eyeScanner else { return nil }
        let first = RotatedSquare(centreX: Double(face.x) + Double(face.width) / 2,
                                  centreY: Double(face.y) + Double(face.height) / 2,
                                  side: Double(max(face.width, face.height)), angle: face.angle)
        guard let found = eyes(in: image, square: first, scanner: eyeScanner) else { return nil }
        guard abs(found.roll - first.angle) > Self.refineRoll else { return found }
        // Turn the square about the eye midpoint so the eyes keep their place in it, and look again.
        let midX = (found.leftX + found.rightX) / 2, midY = (found.leftY + found.rightY) / 2
        let (u, v) = first.squarePoint(x: midX, y: midY)
        var turned = first
        turned.angle = found.roll
        let offset = turned.photoPoint(u: u, v: v)
        turned.centreX += midX - offset.x
        turned.centreY += midY - offset.y
        return eyes(in: image, square: turned, scanner: eyeScanner) ?? found
    }

    private func eyes(in image: RGBImage, square: RotatedSquare, scanner: CascadeScanner) -> EyePoints? {
        let size = Self.eyePatchSize
        let patch = GreyImage(planarFloats: image.warpedPlanarFloats(square, size: size), size: size)
        let top = Self.eyeBandRows.lowerBound
        let raw = scanner.scan(patch.rows(Self.eyeBandRows), scaleFactor: 1.1, kernels: kernels)
            .filter { Self.eyeWidths.contains(Double($0.width) / Double(size)) }
        func centre(_ hit: Candidate) -> (u: Double, v: Double) {
            ((Double(hit.x) + Double(hit.width) / 2) / Double(size), (Double(top + hit.y) + Double(hit.height) / 2) / Double(size))
        }
        func inHalf(_ hit: Candidate, left: Bool) -> Bool { (2 * hit.x + hit.width < size) == left }
        let clusters = groupCandidates(raw, minNeighbors: 1)
        /// The best-supported cluster whose centre lies in the left or right half (ties: the larger).
        func best(left: Bool) -> (u: Double, v: Double)? {
            clusters.filter { inHalf($0.0, left: left) }.max { ($0.1, $0.0.width) < ($1.1, $1.0.width) }.map { centre($0.0) }
        }
        /// An eye behind glasses may gather a single window: the lone hit in that half nearest the other eye's height.
        func lone(left: Bool, level other: (u: Double, v: Double)) -> (u: Double, v: Double)? {
            raw.filter { inHalf($0, left: left) }.map(centre).min { abs($0.v - other.v) < abs($1.v - other.v) }
        }
        let strong = (left: best(left: true), right: best(left: false))
        guard let left = strong.left ?? strong.right.flatMap({ lone(left: true, level: $0) }),
              let right = strong.right ?? lone(left: false, level: left) else { return nil }
        // Two eyes of this face: apart by a quarter to 55% of the box (the adult median is 39%), either side of
        // its middle, the line tilted under about 27°. Anything else is a brow or a glasses rim: box crop.
        let du = right.u - left.u, dv = right.v - left.v
        guard (0.25...0.55).contains(du), abs((left.u + right.u) / 2 - 0.5) < 0.1, abs(dv) < 0.5 * du else { return nil }
        let l = square.photoPoint(u: left.u, v: left.v), r = square.photoPoint(u: right.u, v: right.v)
        return EyePoints(leftX: l.x, leftY: l.y, rightX: r.x, rightY: r.y)
    }
}
