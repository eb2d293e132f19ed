import Foundation
import NN
import Testing

/// The bundled partner belongs to the bundled default: a warm start from the two files (README, "Training")
/// pairs generators that trained together, so replacing one without the other fails here.
@Suite struct BundledPartnerTests {
    static let weights = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("weights")

    @Test func thePartnerWasTrainedBesideTheDefault() throws {
        let generator = try Generator.load(from: Self.weights.appendingPathComponent("default.safetensors"))
        let partner = try Generator.load(from: Self.weights.appendingPathComponent("default-partner.safetensors"),
                                         direction: .cartoonToPhoto)
        #expect(partner.metadata["direction"] == "cartoon-to-photo")
        #expect(generator.metadata["direction"] ?? "photo-to-cartoon" == "photo-to-cartoon")
        #expect(partner.generator.config == generator.generator.config)
        #expect(partner.metadata["generator_sha256"] == generator.sha256)
    }
}
