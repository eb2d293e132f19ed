import Imaging

/// The crop chosen for `crop=face`: the region of the photo the generator sees, and the face and eyes it
/// was placed by (nil face: none was found, the region is the centre square; nil eyes: a box crop).
package struct FaceCrop: Sendable, Equatable {
    package var region: RotatedSquare
    package var face: FaceBox?
    package var eyes: EyePoints?

    package init(region: RotatedSquare, face: FaceBox?, eyes: EyePoints?) {
        self.region = region
        self.face = face
        self.eyes = eyes
    }
}

/// Where to cut the generator's input from a photo, given what the detector found and how the model wants
/// faces framed.
package enum FaceCropPolicy {
    /// The whole `crop=face` policy: with eyes, the square that puts them on the model's eye targets (turned
    /// to level them, scaled, moved); with a face but no eyes, the model's box framing around the face;
    /// with neither, the centre square.
    package static func crop(face: FaceBox?, eyes: EyePoints?, framing: FaceFraming, imageWidth: Int, imageHeight: Int) -> FaceCrop {
        guard let face else {
            return FaceCrop(region: centerRegion(imageWidth: imageWidth, imageHeight: imageHeight), face: nil, eyes: nil)
        }
        guard let eyes else { return FaceCrop(region: boxRegion(for: face, framing: framing), face: face, eyes: nil) }
        return FaceCrop(region: alignedRegion(for: eyes, framing: framing), face: face, eyes: eyes)
    }

    /// The similarity transform (rotation, scale, translation) that maps the framing's eye targets onto
    /// `eyes`, as the square it cuts from the photo.
    package static func alignedRegion(for eyes: EyePoints, framing: FaceFraming) -> RotatedSquare {
        let target = framing.eyes
        var region = RotatedSquare(centreX: 0, centreY: 0, side: eyes.distance / target.distance,
                                   angle: eyes.roll - target.roll)
        let leftEye = region.photoPoint(u: target.leftX, v: target.leftY)
        region.centreX = eyes.leftX - leftEye.x
        region.centreY = eyes.leftY - leftEye.y
        return region
    }

    /// The box framing: a square `boxSide` faces wide, centred `boxRaise` faces above the face's centre
    /// (in the face's own frame when it was found tilted). It may reach past the photo's borders; the warp
    /// repeats the edge pixels there.
    package static func boxRegion(for face: FaceBox, framing: FaceFraming) -> RotatedSquare {
        let size = Double(max(face.width, face.height))
        var region = RotatedSquare(centreX: Double(face.x) + Double(face.width) / 2,
                                   centreY: Double(face.y) + Double(face.height) / 2,
                                   side: size * framing.boxSide, angle: face.angle)
        let raised = region.photoPoint(u: 0.5, v: 0.5 - framing.boxRaise / framing.boxSide)
        region.centreX = raised.x
        region.centreY = raised.y
        return region
    }

    /// A face whose support (`FaceBox.score`) is below this share of the best-supported face's is ignored:
    /// the cascade's false alarms (a badge, a shirt pattern) gather a handful of votes, faces dozens.
    static let minimumRelativeSupport = 0.25

    /// Picks the face to use: the largest, ties broken by the one nearest the image centre, among the faces
    /// with at least a quarter of the strongest face's support. A group photo's subject is usually nearest
    /// the camera; a large false alarm would otherwise win on size alone.
    package static func primaryFace(_ faces: [FaceBox], imageWidth: Int, imageHeight: Int) -> FaceBox? {
        guard let strongest = faces.map(\.score).max() else { return nil }
        let threshold = Double(strongest) * minimumRelativeSupport
        func offCentre(_ face: FaceBox) -> Int {
            let dx = 2 * face.x + face.width - imageWidth
            let dy = 2 * face.y + face.height - imageHeight
            return dx * dx + dy * dy
        }
        return faces.filter { Double($0.score) >= threshold }.min { a, b in
            let areaA = a.width * a.height, areaB = b.width * b.height
            return areaA != areaB ? areaA > areaB : offCentre(a) < offCentre(b)
        }
    }

    /// The largest centred square, for `crop=center` and for photos without a detected face.
    package static func centerRegion(imageWidth: Int, imageHeight: Int) -> RotatedSquare {
        RotatedSquare(centreX: Double(imageWidth) / 2, centreY: Double(imageHeight) / 2,
                      side: Double(min(imageWidth, imageHeight)))
    }
}
