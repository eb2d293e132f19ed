import Foundation

/// The centres of a person's eyes in photo pixels, the image-left eye first (the person's right eye).
package struct EyePoints: Sendable, Equatable {
    package var leftX: Double, leftY: Double
    package var rightX: Double, rightY: Double

    package init(leftX: Double, leftY: Double, rightX: Double, rightY: Double) {
        self.leftX = leftX
        self.leftY = leftY
        self.rightX = rightX
        self.rightY = rightY
    }

    /// The eye line's angle, radians clockwise on screen: 0 when the eyes are level.
    package var roll: Double { atan2(rightY - leftY, rightX - leftX) }

    package var distance: Double { ((rightX - leftX) * (rightX - leftX) + (rightY - leftY) * (rightY - leftY)).squareRoot() }
}
