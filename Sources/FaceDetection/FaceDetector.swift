import Foundation
import Imaging
import Kernels
import Parallel

/// Finds frontal faces with an OpenCV boosted cascade (Viola-Jones with Haar or LBP features): a grey,
/// downscaled copy of the photo is scanned at every scale, and overlapping hits are grouped into faces.
/// With an eye cascade it also finds the eyes inside a face box (`eyes(in:face:)`), for alignment.
package struct FaceDetector: Sendable {
    /// Knobs of the multi-scale scan. The defaults suit the bundled cascades.
    package struct Parameters: Sendable, Equatable {
        /// The photo is area-averaged down to about this many pixels before scanning (the default is 320x240
        /// for a 4:3 photo). Detection time is proportional to it, whatever the aspect ratio; faces smaller
        /// than the cascade window at that size (24 px: a tenth of a 4:3 photo's short edge) are not found.
        package var maxDetectionPixels: Int
        /// Ratio between successive pyramid levels; larger is faster but may step over a face size.
        package var scaleFactor: Double
        /// A face needs more than this many overlapping windows (OpenCV's `minNeighbors`).
        package var minNeighbors: Int
        /// Head tilts (radians, clockwise on screen) scanned when the upright scan finds no face: the frontal
        /// cascade tolerates about ±15°, so ±25° covers heads tilted up to about ±40°.
        package var rollAngles: [Double]

        package init(maxDetectionPixels: Int = 320 * 240, scaleFactor: Double = 1.1, minNeighbors: Int = 3,
                    rollAngles: [Double] = [25 * .pi / 180, -25 * .pi / 180]) {
            self.maxDetectionPixels = maxDetectionPixels
            self.scaleFactor = scaleFactor
            self.minNeighbors = minNeighbors
            self.rollAngles = rollAngles
        }
    }

    package var parameters: Parameters
    /// The instruction-set path the Haar scans run on (the best this CPU has; the result is the same on all).
    package var kernels: KernelPath = .best
    let cascade: Cascade
    /// The face cascade, ready for detection images up to `scannerWidth` wide.
    let faceScanner: CascadeScanner
    /// Covers the detection image of every photo up to about 5:1 at the default `maxDetectionPixels`
    /// (320x240 for 4:3, turned copies about 400 wide); wider ones get a scanner of their own.
    static let scannerWidth = 640
    /// Finds the eyes inside a face box; nil: no eyes are looked for and every face crop is a box crop.
    let eyeCascade: Cascade?
    /// The eye cascade, ready for the eye band (always the same size).
    let eyeScanner: CascadeScanner?

    /// Parses OpenCV cascades in the new XML format (`<opencv_storage><cascade>`, stumps, HAAR or LBP).
    package init(cascadeXML: String, eyeCascadeXML: String? = nil, parameters: Parameters = Parameters()) throws(CascadeError) {
        cascade = try Cascade(xml: cascadeXML)
        faceScanner = CascadeScanner(cascade: cascade, maxWidth: Self.scannerWidth)
        eyeCascade = try eyeCascadeXML.map { (xml) throws(CascadeError) in try Cascade(xml: xml) }
        eyeScanner = eyeCascade.map { CascadeScanner(cascade: $0, maxWidth: Self.eyePatchSize) }
        self.parameters = parameters
    }

    /// The detector over the cascades this module ships (`CascadeResources`): OpenCV's Haar frontal-face and
    /// eye cascades. Read and validated once, at start (about 15 ms); a missing or corrupt file is an error
    /// that names the file.
    package static func bundled(directory: URL = CascadeResources.defaultDirectory) throws(CascadeError) -> FaceDetector {
        func load(_ name: String) throws(CascadeError) -> String {
            let text = try CascadeResources.text(name, in: directory)
            do {
                _ = try Cascade(xml: text)
            } catch {
                throw error.inFile(directory.appendingPathComponent(name).path)
            }
            return text
        }
        return try FaceDetector(cascadeXML: try load(CascadeResources.faceCascade),
                                eyeCascadeXML: try load(CascadeResources.eyeCascade))
    }

    /// A face with this many votes is real beyond doubt (false alarms gather a handful, faces dozens).
    static let wellSupported = 12
    /// How many times smaller along each edge the first looks of a `primaryOnly` detection are, in turn. A look
    /// that finds nothing costs a ninth (a quarter) of the full scan; one that finds the face saves the rest.
    static let firstLookShrinks = [3, 2]
    /// The second look at a first look's primary face: its box grown by this share of its side on each side,
    /// at windows this many times its width (the first look's box is 0.85 to 1.15 times the full scan's, whose
    /// face gathers windows within 20% of its size).
    static let refineMargin = 0.2
    static let refineSizes = 0.75...1.3
    /// The zoomed-out look (`zoomedOutFaces`): a square this many times the photo's longer side, sampled so
    /// that the photo's shorter side is `zoomedOutShorterSide` pixels, with windows from `zoomedOutSmallest`
    /// of that side up: faces the upright scan's windows, which stay inside the photo, cannot hold.
    static let zoomOut = 1.5
    static let zoomedOutShorterSide = 96.0
    static let zoomedOutSmallest = 0.8
    /// Boxes overlapping by more than this (intersection over union) are taken for the same face; a box inside
    /// one twice its width overlaps by 0.25.
    static let sameFace = 0.3

    /// Faces in `image`, in its pixel coordinates, most strongly supported first (ties: larger first).
    /// When the upright scan finds no well-supported face, the photo is looked at zoomed out for a face larger
    /// than itself (a tight crop with forehead or chin cut off, `zoomedOutFaces`; a face the upright scan saw
    /// too does not count), and unless that finds a well-supported one, scanned again turned by each of
    /// `rollAngles`. The scan with the best-supported face gives the answer (the upright one on a tie). Faces
    /// found zoomed out or turned count only with both eyes found; turned ones carry their angle. `context`'s
    /// threads scan pyramid levels concurrently; the result does not depend on them.
    ///
    /// `primaryOnly` skips the work a well-supported face makes pointless for `FaceCropPolicy.primaryFace`:
    /// - first looks at a ninth, then a quarter of the detection pixels (`firstLookShrinks`) answer when they
    ///   find a well-supported face: one that fills a quarter (a sixth) of a portrait or more, the common
    ///   case. Their boxes are coarse (up to 15% too wide), so the primary face is boxed again on the
    ///   detection image, around where it was seen and at the window sizes near its own (`refineSizes`);
    /// - each scan goes from the largest windows down, and once a face with `wellSupported` votes is found,
    ///   only down to half the width of the largest such face. Smaller faces cannot be the largest, and would
    ///   need four times its votes to push it out.
    /// The primary face is the same face (tested on every fixture), but small faces may be missing from the list.
    package func detect(in image: RGBImage, context: ComputeContext = .serial, primaryOnly: Bool = false) -> [FaceBox] {
        precondition(parameters.scaleFactor > 1, "scaleFactor must exceed 1")
        precondition(parameters.maxDetectionPixels > 0, "maxDetectionPixels must be positive")
        let upright = RotatedSquare(centreX: Double(image.width) / 2, centreY: Double(image.height) / 2,
                                    side: Double(max(image.width, image.height)))
        let grey = GreyImage(areaAveraging: image, maxPixels: parameters.maxDetectionPixels, kernels: kernels.isa)
        let scale = Double(image.width) / Double(grey.width), scaleY = Double(image.height) / Double(grey.height)
        if primaryOnly {
            for shrink in Self.firstLookShrinks {
                if let found = firstLook(image, grey: grey, scaleX: scale, scaleY: scaleY, shrink: shrink, frame: upright,
                                         context: context) { return found }
            }
        }
        let faces = faces(in: grey, frame: upright, scaleX: scale, scaleY: scaleY, context: context, primaryOnly: primaryOnly)
        guard !faces.contains(where: { $0.score >= Self.wellSupported }) else { return faces }
        // A face the upright scan saw too is boxed better there, at the finer resolution.
        let zoomedOut = withEyes(zoomedOutFaces(image, context: context).filter { seen in
            !faces.contains { $0.overlap(seen) > Self.sameFace }
        }, in: image)
        let best = { (scans: [[FaceBox]]) in scans.max { ($0.first?.score ?? 0) < ($1.first?.score ?? 0) } ?? faces }
        guard !zoomedOut.contains(where: { $0.score >= Self.wellSupported }) else { return best([faces, zoomedOut]) }
        let turned = parameters.rollAngles.map { angle in
            // The whole photo, turned by `angle`, at the upright scan's resolution.
            let across = Double(image.width) * abs(cos(angle)) + Double(image.height) * abs(sin(angle))
            let down = Double(image.width) * abs(sin(angle)) + Double(image.height) * abs(cos(angle))
            let frame = RotatedSquare(centreX: upright.centreX, centreY: upright.centreY, side: max(across, down), angle: angle)
            let size = max(1, Int((frame.side / scale).rounded()))
            let grey = GreyImage(planarFloats: image.warpedPlanarFloats(frame, size: size), size: size)
            return withEyes(self.faces(in: grey, frame: frame, sampled: true, scaleX: frame.side / Double(size),
                                       scaleY: frame.side / Double(size), context: context, primaryOnly: primaryOnly), in: image)
        }
        // The angle at which a face is best supported is the head's tilt; the other scans' hits are that
        // face seen askew, or false alarms.
        return best([faces, zoomedOut] + turned)
    }

    /// `faces` that show both eyes, when there is an eye cascade to look with: the looks beyond the upright
    /// scan see more of the cascade's false alarms (a cat, a cup, the photo's repeated edge).
    private func withEyes(_ faces: [FaceBox], in image: RGBImage) -> [FaceBox] {
        faces.filter { eyeCascade == nil || eyes(in: image, face: $0) != nil }
    }

    /// Faces wider than `zoomedOutSmallest` of the photo's shorter side, found in the photo sampled zoomed out
    /// (`zoomOut`, the edge pixels repeated past its borders) at a coarse resolution: a few thousand windows.
    private func zoomedOutFaces(_ image: RGBImage, context: ComputeContext) -> [FaceBox] {
        let shorter = Double(min(image.width, image.height))
        let frame = RotatedSquare(centreX: Double(image.width) / 2, centreY: Double(image.height) / 2,
                                  side: Self.zoomOut * Double(max(image.width, image.height)))
        let size = max(1, Int((frame.side / shorter * Self.zoomedOutShorterSide).rounded()))
        let grey = GreyImage(planarFloats: image.warpedPlanarFloats(frame, size: size), size: size)
        let pixels = frame.side / Double(size)
        return faces(in: grey, frame: frame, sampled: true, scaleX: pixels, scaleY: pixels,
                     windows: (Self.zoomedOutSmallest * Self.zoomedOutShorterSide)...Double.infinity, context: context, primaryOnly: false)
    }

    /// The `primaryOnly` upright faces of `grey` (`scaleX`/`scaleY` photo pixels per grey pixel) shrunk `shrink`
    /// times along each edge, or nil when there is no well-supported face among them.
    private func firstLook(_ image: RGBImage, grey: GreyImage, scaleX: Double, scaleY: Double, shrink: Int, frame: RotatedSquare,
                           context: ComputeContext) -> [FaceBox]? {
        guard grey.width >= shrink * cascade.windowWidth, grey.height >= shrink * cascade.windowHeight else { return nil }
        let small = grey.bilinear(width: grey.width / shrink, height: grey.height / shrink)
        let found = faces(in: small, frame: frame, scaleX: Double(image.width) / Double(small.width),
                          scaleY: Double(image.height) / Double(small.height), context: context, primaryOnly: true)
        guard found.contains(where: { $0.score >= Self.wellSupported }),
              let primary = FaceCropPolicy.primaryFace(found, imageWidth: image.width, imageHeight: image.height) else {
            return nil
        }
        // The primary face's box grown by `refineMargin` of its side, in `grey`'s pixels.
        let margin = Self.refineMargin * Double(primary.width)
        func span(_ start: Int, _ length: Int, _ scale: Double, _ limit: Int) -> Range<Int> {
            max(0, Int((Double(start) - margin) / scale))..<min(limit, Int((Double(start + length) + margin) / scale) + 1)
        }
        let columns = span(primary.x, primary.width, scaleX, grey.width), rows = span(primary.y, primary.height, scaleY, grey.height)
        let side = Double(primary.width) / scaleX
        let again = faces(in: grey.cropped(columns: columns, rows: rows), frame: frame, scaleX: scaleX, scaleY: scaleY,
                          offset: (columns.lowerBound, rows.lowerBound),
                          windows: (side * Self.refineSizes.lowerBound)...(side * Self.refineSizes.upperBound),
                          context: context, primaryOnly: false)
        guard let refined = again.max(by: { $0.overlap(primary) < $1.overlap(primary) }), refined.overlap(primary) > 0.5 else {
            return found
        }
        return [refined] + found.filter { $0 != primary }
    }

    /// The grouped faces of one grey image of the photo: its own downscale (`scaleX`/`scaleY` photo pixels per
    /// grey pixel), or, `sampled`, a square warp of `frame` (turned or zoomed out; square pixels).
    /// A downscale may be a crop whose top-left corner is `offset` grey pixels from the photo's.
    /// Only windows `windows` wide (in grey pixels) are tried.
    private func faces(in grey: GreyImage, frame: RotatedSquare, sampled: Bool = false, scaleX: Double, scaleY: Double,
                       offset: (x: Int, y: Int) = (0, 0), windows: ClosedRange<Double> = 0...Double.infinity,
                       context: ComputeContext, primaryOnly: Bool) -> [FaceBox] {
        let scanner = grey.width <= faceScanner.maxWidth ? faceScanner : CascadeScanner(cascade: cascade, maxWidth: grey.width)
        let candidates = scanner.scan(grey, scaleFactor: parameters.scaleFactor, context: context, kernels: kernels,
                                      widest: windows.upperBound) { coarse in
            guard primaryOnly else { return windows.lowerBound }
            let strong = groupCandidates(coarse, minNeighbors: parameters.minNeighbors).filter { $0.1 >= Self.wellSupported }
            return max(windows.lowerBound, Double(strong.map(\.0.width).max() ?? 0) / 2)
        }
        return groupCandidates(candidates, minNeighbors: parameters.minNeighbors)
            .map { box, votes in
                if !sampled {
                    return FaceBox(x: Int((Double(box.x + offset.x) * scaleX).rounded()),
                                   y: Int((Double(box.y + offset.y) * scaleY).rounded()),
                                   width: Int((Double(box.width) * scaleX).rounded()),
                                   height: Int((Double(box.height) * scaleY).rounded()), score: votes)
                }
                // The window's centre in the photo; the box keeps the window's size, centred there.
                let centre = frame.photoPoint(u: (Double(box.x) + Double(box.width) / 2) / Double(grey.width),
                                              v: (Double(box.y) + Double(box.height) / 2) / Double(grey.height))
                let width = Double(box.width) * scaleX, height = Double(box.height) * scaleY
                return FaceBox(x: Int((centre.x - width / 2).rounded()), y: Int((centre.y - height / 2).rounded()),
                               width: Int(width.rounded()), height: Int(height.rounded()), score: votes, angle: frame.angle)
            }
            .sorted { ($0.score, $0.width * $0.height) > ($1.score, $1.width * $1.height) }
    }
}
