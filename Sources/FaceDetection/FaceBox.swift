/// A detected face, in pixels of the image passed to `FaceDetector.detect(in:)`.
public struct FaceBox: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    /// How many overlapping cascade windows voted for this face; a real face usually gathers well over ten.
    public var score: Int

    public init(x: Int, y: Int, width: Int, height: Int, score: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        self.score = score
    }
}

/// A square region in image pixels. It may reach outside the image; the cropper pads by edge replication.
public struct SquareBox: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var side: Int

    public init(x: Int, y: Int, side: Int) {
        self.x = x
        self.y = y
        self.side = side
    }
}
