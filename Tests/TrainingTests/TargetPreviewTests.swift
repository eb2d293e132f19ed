import Autograd
import Foundation
import Imaging
import NN
import Testing
@testable import Training

/// `cartoonify-train target`: the target a run would learn from, written before the run.
@Suite struct TargetPreviewTests {
    static let size = 16

    static func preview(in root: URL, photos: Int = 3) throws -> TargetPreview {
        let (photoFolder, _) = try GeneratedImages.domains(photos: photos, cartoons: 1, in: root)
        let teacher = try TeacherTests.weightsFile(CheckpointTests.config.generator, seed: 40, in: root)
        var preview = TargetPreview(teacher: teacher, photos: photoFolder.path)
        preview.size = Self.size
        preview.target = TeacherTarget(fillsSpots: true, posterizing: 4)
        return preview
    }

    static func decode(_ path: String) throws -> RGBImage {
        try ImageDecoderForTests.decode(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Each photo's PNG is the target the trainer makes from the teacher's output for that photo's view, and the
    /// sheet shows photo | teacher | target for the same photos.
    @Test func writesTheTrainersTarget() throws {
        let root = try GeneratedImages.temporaryFolder("preview")
        defer { GeneratedImages.remove(root) }
        var preview = try Self.preview(in: root)
        preview.count = nil
        preview.sheet = root.appendingPathComponent("sheet.png").path
        preview.each = root.appendingPathComponent("targets").path
        #expect(try preview.write() == 3)

        let sheet = try Self.decode(try #require(preview.sheet))
        #expect(sheet.width == 3 * Self.size && sheet.height == 3 * Self.size)
        let teacher = try TeacherGenerator(path: preview.teacher, inputSize: Self.size, target: preview.target)
        let augmentation = Augmentation(preprocessing: .pad, cropSize: Self.size, flip: false)
        for (row, path) in try ImageFolder(scanning: preview.photos).files.enumerated() {
            let photo = try #require(ImageReader.decode(path))
            let view = Tensor(shape: [1, 3, Self.size, Self.size], storage: augmentation.evaluationView(photo))
            let expected = RGBImage(planarFloats: teacher.targets(for: view, kernels: TrainingKernels()).target.storage,
                                    width: Self.size, height: Self.size)
            let name = (path as NSString).lastPathComponent + ".png"
            let written = try Self.decode(try #require(preview.each) + "/" + name)
            #expect(written.pixels == expected.pixels)
            let tile = sheet.cropped(x: 2 * Self.size, y: row * Self.size, width: Self.size, height: Self.size)
            #expect(tile.pixels == expected.pixels)
        }
    }

    /// With `--teacher-avatars`, each photo's target is laid over that photo's own avatar, seen as the photo is.
    @Test func avatarTargetsUseEachPhotosAvatar() throws {
        let root = try GeneratedImages.temporaryFolder("preview")
        defer { GeneratedImages.remove(root) }
        var preview = try Self.preview(in: root, photos: 2)
        let avatars = try GeneratedImages.temporaryFolder("avatars", in: root)
        let files = try ImageFolder(scanning: preview.photos).files
        for (i, path) in files.enumerated() {
            let name = (path as NSString).lastPathComponent + ".png"
            try GeneratedImages.write(GeneratedImages.cartoon(seed: UInt64(i), size: 24), to: avatars.appendingPathComponent(name))
        }
        preview.avatars = avatars.path
        preview.target.avatars = .whole
        preview.each = root.appendingPathComponent("targets").path
        #expect(try preview.write() == 2)
        let teacher = try TeacherGenerator(path: preview.teacher, inputSize: Self.size, target: preview.target)
        let augmentation = Augmentation(preprocessing: .pad, cropSize: Self.size, flip: false)
        for (i, path) in files.enumerated() {
            let photo = try #require(ImageReader.decode(path))
            let shape = [1, 3, Self.size, Self.size]
            let avatar = GeneratedImages.cartoon(seed: UInt64(i), size: 24).resized(width: photo.width, height: photo.height)
            let made = teacher.targets(for: Tensor(shape: shape, storage: augmentation.evaluationView(photo)),
                                       avatars: Tensor(shape: shape, storage: augmentation.evaluationView(avatar)),
                                       kernels: TrainingKernels()).target
            let written = try Self.decode(try #require(preview.each) + "/" + (path as NSString).lastPathComponent + ".png")
            #expect(written.pixels == RGBImage(planarFloats: made.storage, width: Self.size, height: Self.size).pixels)
        }
    }

    /// `count` photos spread over the folder; a request for nothing to write, a face-only avatar target
    /// without avatars, or a folder of no readable photos is refused by name.
    @Test func countsAndRefusals() throws {
        let root = try GeneratedImages.temporaryFolder("preview")
        defer { GeneratedImages.remove(root) }
        var preview = try Self.preview(in: root, photos: 5)
        preview.count = 2
        #expect(throws: TrainingError.invalidOption("give --sheet FILE, --each FOLDER or both")) { try preview.write() }
        preview.each = root.appendingPathComponent("two").path
        #expect(try preview.write() == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: try #require(preview.each)).count == 2)
        #expect(TargetPreview.spread(["a", "b", "c", "d", "e"], count: 2) == ["a", "c"])
        #expect(TargetPreview.spread(["a", "b"], count: 8) == ["a", "b"])
        // A sheet of more rows than it may hold is refused before any work.
        let few = preview.photos
        (preview.photos, preview.count, preview.sheet) = (
            try GeneratedImages.domains(photos: TargetPreview.maxSheetRows + 1, cartoons: 1, in: root).photos.path, nil,
            root.appendingPathComponent("sheet.png").path)
        #expect(throws: TrainingError.invalidOption("--sheet takes at most 64 photos, not 65: give --count, or --each FOLDER alone")) {
            try preview.write()
        }
        (preview.photos, preview.count, preview.sheet) = (few, 2, nil)

        preview.target.avatars = .face
        #expect(throws: TrainingError.invalidOption("--teacher-avatars FOLDER and the avatar options go together")) {
            try preview.write()
        }
        preview.target.avatars = .none
        let empty = root.appendingPathComponent("unreadable")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try Data("not a png".utf8).write(to: empty.appendingPathComponent("x.png"))
        preview.photos = empty.path
        #expect(throws: TrainingError.invalidOption("no readable photos in \(empty.path)")) { try preview.write() }
    }
}
