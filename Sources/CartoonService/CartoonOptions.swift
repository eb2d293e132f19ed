/// How the photo is framed before it meets the generator.
public enum CropMode: String, Sendable, CaseIterable {
    /// The detected face with CelebA-like margins; the center square when no face is found.
    case face
    case center
    /// The whole image squashed to a square: the exact path when the photo is already model-sized.
    case none
}

/// Which faces a group photo reports. The crop always frames one face: the largest well-supported one
/// (`FaceCropPolicy.primaryFace`).
public enum FaceSelection: String, Sendable, CaseIterable {
    case largest
    /// Also list the other faces' boxes (`X-Other-Face-Boxes`).
    case all
}

/// The query parameters of `POST /cartoonify`, validated.
public struct CartoonOptions: Sendable, Equatable {
    public static let sizeRange = 64...1024

    /// Output edge in pixels; nil means the model's native size (no resampling of the output).
    public var size: Int?
    public var crop: CropMode
    public var face: FaceSelection

    public init(size: Int? = nil, crop: CropMode = .face, face: FaceSelection = .largest) {
        self.size = size
        self.crop = crop
        self.face = face
    }

    public init(query: [String: String]) throws(ServiceError) {
        self.init()
        if let raw = query["size"] {
            guard let size = Int(raw), Self.sizeRange.contains(size) else {
                throw .badRequest(
                    "size must be an integer from \(Self.sizeRange.lowerBound) to \(Self.sizeRange.upperBound), got '\(raw)'.")
            }
            self.size = size
        }
        crop = try Self.choice(query, "crop", default: crop)
        face = try Self.choice(query, "face", default: face)
    }

    private static func choice<T: RawRepresentable & CaseIterable>(_ query: [String: String], _ key: String, default value: T)
        throws(ServiceError) -> T where T.RawValue == String {
        guard let raw = query[key] else { return value }
        guard let choice = T(rawValue: raw.lowercased()) else {
            let names = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw .badRequest("\(key) must be one of \(names), got '\(raw)'.")
        }
        return choice
    }
}
