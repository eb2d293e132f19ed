/// A detected face, in pixels of the image passed to `FaceDetector.detect(in:)`.
public struct FaceBox: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    /// How many overlapping cascade windows voted for this face; a real face usually gathers well over ten.
    public var score: Int
    /// The head tilt (radians, clockwise on screen) at which the scan found the face: 0 for the upright scan.
    /// The box is then the window's size, axis-aligned about the face's centre.
    public var angle: Double

    public init(x: Int, y: Int, width: Int, height: Int, score: Int, angle: Double = 0) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        self.score = score
        self.angle = angle
    }
}
