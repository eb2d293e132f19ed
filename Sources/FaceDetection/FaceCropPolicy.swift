/// The crop chosen for `crop=face`, and the face it frames (nil: none was found, the box is the centre square).
public struct FaceCrop: Sendable, Equatable {
    public var box: SquareBox
    public var face: FaceBox?

    public init(box: SquareBox, face: FaceBox?) {
        self.box = box
        self.face = face
    }
}

/// Where to cut the generator's input from a photo, given what the detector found.
public enum FaceCropPolicy {
    /// The whole `crop=face` policy: frame the primary face, or fall back to the centre square.
    public static func crop(faces: [FaceBox], imageWidth: Int, imageHeight: Int) -> FaceCrop {
        guard let face = primaryFace(faces, imageWidth: imageWidth, imageHeight: imageHeight) else {
            return FaceCrop(box: centerBox(imageWidth: imageWidth, imageHeight: imageHeight), face: nil)
        }
        return FaceCrop(box: cropBox(for: face, imageWidth: imageWidth, imageHeight: imageHeight), face: face)
    }

    // CelebA's aligned photos (178x218), squared to 178x178 about their centre (the usual CycleGAN input), have the
    // eyes 38 px apart on a line at 51% of the height. In the bundled Haar cascade's box the eyes sit at about
    // 40% of its height and 34% of its width apart (measured with OpenCV's eye cascade on the test portraits).
    // Matching the two: side = 4.7 eye distances = 1.6 boxes, centre 0.12 boxes above the box centre. That
    // shows the whole face, the hair line and a little neck, as the training photos do.

    /// Side of the crop relative to the face box.
    static let sideToFace = 1.6
    /// How far the crop centre sits above the face box centre, relative to the box.
    static let raiseToFace = 0.12

    /// The square crop to feed the generator for this face, CelebA-like framing. It may reach past the image
    /// borders; the cropper pads by edge replication there.
    public static func cropBox(for face: FaceBox, imageWidth: Int, imageHeight: Int) -> SquareBox {
        let size = Double(max(face.width, face.height))
        let side = max(1, Int((size * sideToFace).rounded()))
        let centreX = Double(face.x) + Double(face.width) / 2
        let centreY = Double(face.y) + Double(face.height) / 2 - raiseToFace * size
        return SquareBox(x: Int((centreX - Double(side) / 2).rounded()), y: Int((centreY - Double(side) / 2).rounded()),
                         side: side)
    }

    /// A face whose support (`FaceBox.score`) is below this share of the best-supported face's is ignored:
    /// the cascade's false alarms (a badge, a shirt pattern) gather a handful of votes, faces dozens.
    static let minimumRelativeSupport = 0.25

    /// Picks the face to use: the largest, ties broken by the one nearest the image centre, among the faces
    /// with at least a quarter of the strongest face's support. A group photo's subject is usually nearest
    /// the camera; a large false alarm would otherwise win on size alone.
    public static func primaryFace(_ faces: [FaceBox], imageWidth: Int, imageHeight: Int) -> FaceBox? {
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
    public static func centerBox(imageWidth: Int, imageHeight: Int) -> SquareBox {
        let side = min(imageWidth, imageHeight)
        return SquareBox(x: (imageWidth - side) / 2, y: (imageHeight - side) / 2, side: side)
    }
}
