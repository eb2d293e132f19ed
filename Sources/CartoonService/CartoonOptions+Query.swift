import Pipeline

extension CartoonOptions {
    /// The query parameters of `POST /cartoonify`, validated; a bad value is a 400 naming it.
    package init(query: [String: String]) throws(ServiceError) {
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
