/// A detected face, in pixels of the image passed to `FaceDetector.detect(in:)`.
package struct FaceBox: Sendable, Equatable {
    package var x: Int
    package var y: Int
    package var width: Int
    package var height: Int
    /// How many overlapping cascade windows voted for this face; a real face usually gathers well over ten.
    package var score: Int
    /// The head tilt (radians, clockwise on screen) at which the scan found the face: 0 for the upright scan.
    /// The box is then the window's size, axis-aligned about the face's centre.
    package var angle: Double

    package init(x: Int, y: Int, width: Int, height: Int, score: Int, angle: Double = 0) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        self.score = score
        self.angle = angle
    }

    /// Intersection over union with `other`: 0 apart, 1 the same box.
    package func overlap(_ other: FaceBox) -> Double {
        let width = min(x + self.width, other.x + other.width) - max(x, other.x)
        let height = min(y + self.height, other.y + other.height) - max(y, other.y)
        guard width > 0, height > 0 else { return 0 }
        let intersection = Double(width * height)
        return intersection / (Double(self.width * self.height + other.width * other.height) - intersection)
    }
}
