/// Which of a CycleGAN's two generators a weights file holds, recorded as `direction` in its `__metadata__`.
package enum GeneratorDirection: String, CaseIterable, Sendable {
    /// G, the model the server runs.
    case photoToCartoon = "photo-to-cartoon"
    /// F, G's cycle partner: kept beside a bundled G so that a later warm start keeps what the pair learnt
    /// together (beside a fresh F, a warm-started G unlearns its style to serve F's cycle loss).
    case cartoonToPhoto = "cartoon-to-photo"

    /// How the log and messages name it.
    package var arrows: String { self == .photoToCartoon ? "photo -> cartoon" : "cartoon -> photo" }

    /// A file without the key is a photo -> cartoon generator (exports before the key existed).
    package init?(metadata: [String: String]) {
        self.init(rawValue: metadata["direction"] ?? Self.photoToCartoon.rawValue)
    }
}
