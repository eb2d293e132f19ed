import Foundation
import Imaging

/// Eye finding inside a face box, with the eye cascade. The face's square is resampled to a fixed-size grey
/// patch (eyes then about 30 px, above the cascade's 20 px window), the band where eyes sit is scanned, and
/// the best-supported hit in each half is an eye, its centre the hit's centre. Where only one is trustworthy
/// (glasses), the other is its mirror image in the patch, pinned to the iris.
extension FaceDetector {
    static let eyePatchSize = 150
    /// Rows of the patch searched (12% to 62% of the face square): the Haar box has the eyes at about 40%.
    static let eyeBandRows = 18..<93
    /// Eye hits narrower or wider than these fractions of the face square are eyebrows, nostrils or noise.
    static let eyeWidths = 0.12...0.4
    /// A second look, turned to the eye line, when the first finds it tilted by more than this (radians):
    /// the eye cascade was trained on level eyes and places tilted ones less precisely.
    static let refineRoll = 3 * Double.pi / 180
    /// How far up or down of the one eye found its mirror image is looked for (patch pixels: a 27° tilt at
    /// the widest eye distance), and how well it must match to count as the other eye.
    static let mirrorRise = 12
    static let mirrorCorrelation = 0.5
    /// The iris, in patch pixels: its radius (an adult iris is a fifth of the eye distance, 39% of the box)
    /// and how far from a mirror match's centre it is looked for (less than the brow or a rim above it).
    static let irisRadius = 5
    static let irisReach = 6
    /// Two eyes found by the cascade are a pair only when they are alike: the weaker has this many windows or
    /// this share of the stronger's, and neither is this many times the other's width. Behind glasses one eye
    /// may gather a handful of windows, on the rim or a shadow as often as on the eye.
    static let eyeSupport = (votes: 10, share: 0.5)
    static let eyeWidthRatio = 1.5

    /// The eyes of `face` in `image`, or nil when the eye cascade finds neither eye, no mirror image completes
    /// the pair, or no eye cascade is loaded.
    package func eyes(in image: RGBImage, face: FaceBox) -> EyePoints? {
        guard let eyeScanner else { return nil }
        let first = RotatedSquare(centreX: Double(face.x) + Double(face.width) / 2,
                                  centreY: Double(face.y) + Double(face.height) / 2,
                                  side: Double(max(face.width, face.height)), angle: face.angle)
        guard let (found, mirrored) = eyes(in: image, square: first, scanner: eyeScanner) else { return nil }
        guard !mirrored, abs(found.roll - first.angle) > Self.refineRoll else { return found }
        // Turn the square about the eye midpoint so the eyes keep their place in it, and look again.
        let midX = (found.leftX + found.rightX) / 2, midY = (found.leftY + found.rightY) / 2
        let (u, v) = first.squarePoint(x: midX, y: midY)
        var turned = first
        turned.angle = found.roll
        let offset = turned.photoPoint(u: u, v: v)
        turned.centreX += midX - offset.x
        turned.centreY += midY - offset.y
        return eyes(in: image, square: turned, scanner: eyeScanner)?.0 ?? found
    }

    private func eyes(in image: RGBImage, square: RotatedSquare, scanner: CascadeScanner) -> (EyePoints, mirrored: Bool)? {
        let size = Self.eyePatchSize
        let patch = GreyImage(planarFloats: image.warpedPlanarFloats(square, size: size), size: size)
        let top = Self.eyeBandRows.lowerBound
        // Levels whose windows are all wider than an eye are not scanned at all.
        let raw = scanner.scan(patch.rows(Self.eyeBandRows), scaleFactor: 1.1, kernels: kernels,
                               widest: Self.eyeWidths.upperBound * Double(size))
            .filter { Self.eyeWidths.contains(Double($0.width) / Double(size)) }
        func centre(_ hit: Candidate) -> (u: Double, v: Double) {
            ((Double(hit.x) + Double(hit.width) / 2) / Double(size), (Double(top + hit.y) + Double(hit.height) / 2) / Double(size))
        }
        let clusters = groupCandidates(raw, minNeighbors: 1)
        /// Clusters by support, ties by size.
        func lessSupported(_ a: (Candidate, Int), _ b: (Candidate, Int)) -> Bool { (a.1, a.0.width) < (b.1, b.0.width) }
        /// The best-supported cluster whose centre lies in the left or right half.
        func best(left: Bool) -> (Candidate, Int)? {
            clusters.filter { (2 * $0.0.x + $0.0.width < size) == left }.max(by: lessSupported)
        }
        let strong = (left: best(left: true), right: best(left: false))
        if let left = strong.left, let right = strong.right, Self.alike(left, right), let pair = Self.eyePair(centre(left.0), centre(right.0)) {
            return (square.photoPoints(pair), false)
        }
        // One eye, two that are no pair (a brow, a rim) or one far better supported than the other: the
        // better-supported one and its mirror image.
        guard let anchor = [strong.left, strong.right].compactMap({ $0 }).max(by: lessSupported)?.0,
              let match = patch.mirrorMatch(ofSquareAt: anchor.x, top + anchor.y, side: anchor.width,
                                            columns: Self.mirrorColumns(of: anchor, size: size),
                                            rows: (top + anchor.y - Self.mirrorRise)...(top + anchor.y + Self.mirrorRise)),
              match.correlation >= Self.mirrorCorrelation else { return nil }
        // The mirror image lands where the brow and rims agree, a few pixels off an iris seen from the side.
        let half = Double(anchor.width) / 2
        let iris = patch.darkestDisc(near: Double(match.x) + half, Double(match.y) + half, reach: Self.irisReach, radius: Self.irisRadius)
        let other = (u: (iris.x + 0.5) / Double(size), v: (iris.y + 0.5) / Double(size))
        let found = centre(anchor)
        return Self.eyePair(found.u < other.u ? found : other, found.u < other.u ? other : found).map { (square.photoPoints($0), true) }
    }

    private static func alike(_ a: (Candidate, Int), _ b: (Candidate, Int)) -> Bool {
        let weaker = Double(min(a.1, b.1)), stronger = Double(max(a.1, b.1))
        let narrower = Double(min(a.0.width, b.0.width)), wider = Double(max(a.0.width, b.0.width))
        return (weaker >= Double(eyeSupport.votes) || weaker >= eyeSupport.share * stronger) && wider <= eyeWidthRatio * narrower
    }

    /// Two eyes of one face: apart by a quarter to 55% of the box (the adult median is 39%), either side of its
    /// middle, the line tilted under about 27°. Anything else is a brow or a glasses rim: box crop.
    private static func eyePair(_ left: (u: Double, v: Double), _ right: (u: Double, v: Double)) -> EyePoints? {
        let du = right.u - left.u, dv = right.v - left.v
        guard (0.25...0.55).contains(du), abs((left.u + right.u) / 2 - 0.5) < 0.1, abs(dv) < 0.5 * du else { return nil }
        return EyePoints(leftX: left.u, leftY: left.v, rightX: right.u, rightY: right.v)
    }

    /// Where the mirror image of `eye` is looked for: about its mirrored place, as far off as `eyePair` lets
    /// the eyes' midpoint stray from the middle.
    private static func mirrorColumns(of eye: Candidate, size: Int) -> ClosedRange<Int> {
        let mirrored = size - eye.x - eye.width, reach = Int(0.2 * Double(size))
        return (mirrored - reach)...(mirrored + reach)
    }
}

private extension RotatedSquare {
    /// Points given as fractions of the square, in photo pixels.
    func photoPoints(_ eyes: EyePoints) -> EyePoints {
        let l = photoPoint(u: eyes.leftX, v: eyes.leftY), r = photoPoint(u: eyes.rightX, v: eyes.rightY)
        return EyePoints(leftX: l.x, leftY: l.y, rightX: r.x, rightY: r.y)
    }
}
