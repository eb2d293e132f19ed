/// How the photo is framed before it meets the generator.
public enum CropMode: String, Sendable, CaseIterable {
    /// The detected face with CelebA-like margins; the center square when no face is found.
    case face
    case center
    /// The whole image squashed to a square: the exact path when the photo is already model-sized.
    case none
}

/// The query parameters of `POST /cartoonify`, validated.
public struct CartoonOptions: Sendable, Equatable {
    public static let sizeRange = 64...1024

    /// Output edge in pixels; nil means the model's native size (no resampling of the output).
    public var size: Int?
    public var crop: CropMode

    public init(size: Int? = nil, crop: CropMode = .face) {
        self.size = size
        self.crop = crop
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
        if let raw = query["crop"] {
            guard let crop = CropMode(rawValue: raw.lowercased()) else {
                let names = CropMode.allCases.map(\.rawValue).joined(separator: ", ")
                throw .badRequest("crop must be one of \(names), got '\(raw)'.")
            }
            self.crop = crop
        }
    }
}
