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

/// The cartoon-eyes preview (README, "Default model") is a photo -> cartoon file of the default's shape, so the
/// default's partner pairs with it for a warm start, and it records how it was made.
@Suite struct CartoonEyesPreviewTests {
    @Test func thePreviewSharesTheDefaultsShapeAndRecordsItsRecipe() throws {
        let weights = BundledPartnerTests.weights
        let preview = try Generator.load(from: weights.appendingPathComponent("cartoon-eyes-preview.safetensors"))
        let generator = try Generator.load(from: weights.appendingPathComponent("default.safetensors"))
        #expect(preview.generator.config == generator.generator.config)
        #expect(preview.metadata["teacher_sha256"] == generator.sha256)
        #expect(preview.metadata["face_eyes"] == generator.metadata["face_eyes"])
        #expect(preview.metadata["recipe"]?.contains("--teacher-eyes") == true)
    }
}
