/// How the photo is framed before it meets the generator.
package enum CropMode: String, Sendable, CaseIterable {
    /// Aligned on the eyes of the largest face (its box framed when no eyes are found); the center square
    /// when no face is found.
    case face
    case center
    /// The whole image squashed to a square: the exact path when the photo is already model-sized.
    case none
}

/// Which faces a group photo reports. The crop always frames one face: the largest well-supported one
/// (`FaceCropPolicy.primaryFace`).
package enum FaceSelection: String, Sendable, CaseIterable {
    case largest
    /// Also list the other faces' boxes (`X-Other-Face-Boxes`).
    case all
}

/// How one photo is turned into a cartoon (the server reads them from the query of `POST /cartoonify`).
package struct CartoonOptions: Sendable, Equatable {
    package static let sizeRange = 64...1024

    /// Output edge in pixels; nil means the model's native size (no resampling of the output).
    package var size: Int?
    package var crop: CropMode
    package var face: FaceSelection

    package init(size: Int? = nil, crop: CropMode = .face, face: FaceSelection = .largest) {
        self.size = size
        self.crop = crop
        self.face = face
    }
}
