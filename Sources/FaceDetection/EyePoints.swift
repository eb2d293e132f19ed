import Foundation

/// The centres of a person's eyes in photo pixels, the image-left eye first (the person's right eye).
public struct EyePoints: Sendable, Equatable {
    public var leftX: Double, leftY: Double
    public var rightX: Double, rightY: Double

    public init(leftX: Double, leftY: Double, rightX: Double, rightY: Double) {
        self.leftX = leftX
        self.leftY = leftY
        self.rightX = rightX
        self.rightY = rightY
    }

    /// The eye line's angle, radians clockwise on screen: 0 when the eyes are level.
    public var roll: Double { atan2(rightY - leftY, rightX - leftX) }

    public var distance: Double { ((rightX - leftX) * (rightX - leftX) + (rightY - leftY) * (rightY - leftY)).squareRoot() }
}
