import Foundation
import Imaging
import NN
import Testing
@testable import Training

@Suite struct DataPipelineTests {
    @Test func scanFindsImagesRecursivelyAndIgnoresOtherFiles() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons) = try GeneratedImages.domains(photos: 5, cartoons: 3, in: root)
        try Data("resource fork".utf8).write(to: photos.appendingPathComponent("._p0.png"))
        let photoFolder = try ImageFolder(scanning: photos.path)
        #expect(photoFolder.files.count == 5)   // the hidden ._ file is not an image
        #expect(photoFolder.files.contains { $0.contains("/nested/") })
        #expect(photoFolder.files == photoFolder.files.sorted())
        let cartoonFolder = try ImageFolder(scanning: cartoons.path)
        #expect(cartoonFolder.files.count == 3)   // .PNG in capitals counts, the CSVs do not
    }

    @Test func missingEmptyAndFileFoldersAreClearErrors() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let empty = try GeneratedImages.temporaryFolder("empty", in: root)
        try Data("x".utf8).write(to: empty.appendingPathComponent("notes.txt"))
        #expect(throws: TrainingError.noImages(folder: empty.path)) { try ImageFolder(scanning: empty.path) }
        #expect(throws: TrainingError.missingFolder("/nonexistent/cartoons")) { try ImageFolder(scanning: "/nonexistent/cartoons") }
        let file = empty.appendingPathComponent("notes.txt").path
        #expect(throws: TrainingError.notAFolder(file)) { try ImageFolder(scanning: file) }
        #expect(TrainingError.noImages(folder: "/x").description.contains("/x"))
    }

    @Test func unreadableImagesAreSkippedAndCounted() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons) = try GeneratedImages.domains(photos: 3, cartoons: 2, in: root)
        try Data([0xFF, 0xD8, 0xFF, 0x00, 0x01]).write(to: photos.appendingPathComponent("broken.jpg"))
        let source = DataSource(
            photos: try ImageFolder(scanning: photos.path), cartoons: try ImageFolder(scanning: cartoons.path),
            photoAugmentation: Augmentation(preprocessing: .pad, cropSize: 16),
            cartoonAugmentation: Augmentation(preprocessing: .center, cropSize: 16), batchSize: 2, seed: 3)
        let loader = BatchLoader(source: source, steps: 0..<4)
        var last: TrainingBatch?
        for step in 0..<4 {
            let batch = try loader.next()
            #expect(batch.step == step)
            #expect(batch.photos.shape == [2, 3, 16, 16])
            #expect(batch.photos.storage.allSatisfy { $0 >= -1 && $0 <= 1 })
            last = batch
        }
        #expect(last?.skippedFiles == 1)
    }

    @Test func aFolderOfOnlyUnreadableImagesStopsTheRun() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (_, cartoons) = try GeneratedImages.domains(photos: 0, cartoons: 2, in: root)
        let photos = try GeneratedImages.temporaryFolder("broken", in: root)
        for i in 0..<3 { try Data("not an image".utf8).write(to: photos.appendingPathComponent("\(i).jpg")) }
        let source = DataSource(
            photos: try ImageFolder(scanning: photos.path), cartoons: try ImageFolder(scanning: cartoons.path),
            photoAugmentation: Augmentation(preprocessing: .pad, cropSize: 16),
            cartoonAugmentation: Augmentation(preprocessing: .center, cropSize: 16), batchSize: 1, seed: 3)
        #expect(throws: TrainingError.noReadableImages(folder: photos.path, skipped: 3)) {
            try BatchLoader(source: source, steps: 0..<2).next()
        }
    }

    /// The batch of a step depends only on (seed, step): a loader started mid-run yields the same batches.
    @Test func batchesAreAFunctionOfSeedAndStep() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons) = try GeneratedImages.domains(photos: 5, cartoons: 3, in: root)
        let source = DataSource(
            photos: try ImageFolder(scanning: photos.path), cartoons: try ImageFolder(scanning: cartoons.path),
            photoAugmentation: Augmentation(preprocessing: .pad, cropSize: 16),
            cartoonAugmentation: Augmentation(preprocessing: .center, cropSize: 16), batchSize: 1, seed: 9)
        let full = BatchLoader(source: source, steps: 0..<7)
        let all = try (0..<7).map { _ in try full.next() }
        let resumed = BatchLoader(source: source, steps: 4..<7)
        for step in 4..<7 {
            let batch = try resumed.next()
            #expect(batch.photos == all[step].photos && batch.cartoons == all[step].cartoons)
        }
        // Every photo appears exactly once per epoch (5 samples per epoch).
        let firstEpoch = Set(all[0..<5].map { $0.photos.storage.prefix(16).map { $0 } })
        #expect(firstEpoch.count == 5)
    }

    @Test func augmentationRecipes() {
        let wide = GeneratedImages.photo(seed: 1, width: 30, height: 20)
        let pad = Augmentation(preprocessing: .pad, cropSize: 16)
        #expect(pad.loadSize == 18)   // 16 * 286 / 256, rounded
        #expect(pad.square(wide).width == 30 && pad.square(wide).height == 30)
        let center = Augmentation(preprocessing: .center, cropSize: 16)
        #expect(center.square(wide).width == 20 && center.square(wide).height == 20)
        var rng = SplitMix64(seed: 1)
        #expect(pad.trainingView(wide, rng: &rng).count == 3 * 16 * 16)
        #expect(center.evaluationView(wide) == center.evaluationView(wide))
        let image = GeneratedImages.photo(seed: 2)
        #expect(image.mirrored().mirrored() == image)
        #expect(image.mirrored() != image)
    }
}
