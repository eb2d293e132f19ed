import Foundation
import Imaging
import NN
import Testing
@testable import Training

/// `--teacher-avatars`: each photo's avatar comes with its photo's crop and flip, and the teacher's target keeps
/// only the eyes and mouth over it.
@Suite struct AvatarTargetTests {
    static let side = 32
    static let teacherSkin = SIMD3<Float>(0.4, 0.0, -0.2), avatarSkin = SIMD3<Float>(0.7, 0.3, 0.1)
    static let ink = SIMD3<Float>(-0.8, -0.8, -0.8)

    /// A dark eye and faint shading in the teacher's skin: at the eye zone's centre the eye stays, shifted as
    /// the teacher's skin is shifted to the avatar's (it keeps its darkness), and the shading, near that skin,
    /// gives way to the avatar; away from every zone the target is the avatar's pixel.
    @Test func featuresStayOverTheAvatar() {
        let eye = (row: 7, column: 8)   // inside the eye band (rows 0.08-0.38, columns 0.04-0.96)
        let shading = (row: 9, column: 8), faint = SIMD3<Float>(repeating: -10 / 127.5)
        let teacher = rgbTensor(side: Self.side) { row, column in
            (row, column) == eye ? Self.ink : (row, column) == shading ? Self.teacherSkin + faint : Self.teacherSkin
        }
        let hair = (row: 8, column: 1), hairColour = SIMD3<Float>(-0.6, -0.7, -0.7)   // in the band, off the face
        let avatar = rgbTensor(side: Self.side) { row, column in
            row < 4 ? SIMD3(repeating: 1) : (row, column) == hair ? hairColour : Self.avatarSkin
        }
        let made = AvatarComposite.composed(teacher, over: avatar)
        let plane = Self.side * Self.side
        func pixel(_ row: Int, _ column: Int) -> SIMD3<Float> {
            SIMD3((0..<3).map { made.storage[$0 * plane + row * Self.side + column] })
        }
        func near(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Bool {
            let d = a - b
            return max(abs(d.x), abs(d.y), abs(d.z)) < 1e-5
        }
        #expect(near(pixel(eye.row, eye.column), Self.ink + Self.avatarSkin - Self.teacherSkin))
        #expect(near(pixel(eye.row, eye.column + 1), Self.avatarSkin))
        #expect(near(pixel(shading.row, shading.column), Self.avatarSkin))
        #expect(pixel(1, 16) == SIMD3(repeating: 1))            // the avatar's ground, above every zone
        #expect(pixel(hair.row, hair.column) == hairColour)       // the avatar's hair, though the teacher has skin there
        #expect(pixel(15, 2) == Self.avatarSkin)                // beside the nose, outside the zones
        let mask = AvatarComposite.featureMask(width: Self.side, height: Self.side)
        #expect(mask[eye.row * Self.side + eye.column] == 1 && mask[15 * Self.side + 2] == 0)
        #expect(mask.contains { $0 > 0 && $0 < 1 })              // the zones blend in, no seam

        // The face alone: off the avatar's face (its ground and hair) the teacher's target as it was.
        let faceOnly = AvatarComposite.composed(teacher, over: avatar, faceOnly: true)
        for index in 0..<(3 * plane) {
            let (row, column) = (index % plane / Self.side, index % Self.side)
            if row < 4 || (row, column) == hair { #expect(faceOnly.storage[index] == teacher.storage[index]) }
            else { #expect(faceOnly.storage[index] == made.storage[index]) }
        }
    }

    /// With its avatar identical to the photo, a batch's avatars equal its photos exactly: same crop, same flip,
    /// for every sample, including photos in subfolders.
    @Test func avatarsShareTheirPhotosView() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons) = try GeneratedImages.domains(photos: 4, cartoons: 3, in: root)
        let photoFolder = try ImageFolder(scanning: photos.path)
        let avatarRoot = try GeneratedImages.temporaryFolder("avatars", in: root)
        for path in photoFolder.files {
            let name = (path as NSString).lastPathComponent + ".png"
            try FileManager.default.copyItem(atPath: path, toPath: avatarRoot.appendingPathComponent(name).path)
        }
        let source = DataSource(
            photos: photoFolder, cartoons: try ImageFolder(scanning: cartoons.path),
            photoAugmentation: Augmentation(preprocessing: .pad, cropSize: 16),
            cartoonAugmentation: Augmentation(preprocessing: .center, cropSize: 16), batchSize: 2, seed: 5,
            avatars: try AvatarFolder(root: avatarRoot.path, photos: photoFolder))
        let loader = BatchLoader(source: source, steps: 0..<6)
        for _ in 0..<6 {
            let batch = try loader.next()
            #expect(batch.avatars == batch.photos)
        }
    }

    /// Missing avatars are counted and one is named before the run starts; the option needs a teacher.
    @Test func missingAvatarsAreRefusedBeforeTheRun() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons) = try GeneratedImages.domains(photos: 3, cartoons: 2, in: root)
        let avatarRoot = try GeneratedImages.temporaryFolder("avatars", in: root)
        try GeneratedImages.write(GeneratedImages.photo(seed: 1), to: avatarRoot.appendingPathComponent("p0.png.png"))
        #expect(throws: TrainingError.missingAvatars(folder: avatarRoot.path, missing: 2, example: "p1.png")) {
            try AvatarFolder(root: avatarRoot.path, photos: try ImageFolder(scanning: photos.path))
        }
        #expect(TrainingError.missingAvatars(folder: "/a", missing: 2, example: "p1.png").description
            .contains("lacks the avatars of 2 photo(s), e.g. p1.png.png"))

        var options = try TrainingRunTests.options(root, photos, cartoons, steps: 1)
        options.teacherAvatars = avatarRoot.path
        options.teacherTarget.avatars = .whole
        TeacherTests.expectRefused(options, "--teacher-avatars needs --teacher FILE and --lambda-teacher")
        options.teacherTarget.avatars = .none
        TeacherTests.expectRefused(options, "--teacher-avatars needs the teacher's target laid over them")
    }

    /// A teacher-only run over avatars trains, records the setting and the folder, and its first loss is the
    /// distance to the composite (which differs from the plain target's).
    @Test func aRunOverAvatarsRecordsThem() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons, first) = try TrainingRunTests.finishedRun(in: root)
        let avatarRoot = try GeneratedImages.temporaryFolder("avatars", in: root)
        for path in try ImageFolder(scanning: photos.path).files {
            try GeneratedImages.write(GeneratedImages.cartoon(seed: 7), to: avatarRoot.appendingPathComponent((path as NSString).lastPathComponent + ".png"))
        }
        func run(avatars: Bool, folder: String) throws -> (loss: Double, metadata: [String: String]) {
            var options = try TrainingRunTests.options(root, photos, cartoons, steps: 1)
            options.checkpointDirectory = root.appendingPathComponent(folder).path
            options.teacher = first.output
            options.model.lambdaTeacher = 1
            options.teacherOnly = true
            options.teacherAvatars = avatars ? avatarRoot.path : nil
            options.teacherTarget.avatars = avatars ? .whole : .none
            var messages = ""
            _ = try TrainingRun.run(options, output: { messages += $0 })
            #expect(messages.contains("laid over the photo's avatar") == avatars)
            let checkpoint = try SafeTensorsFile.read(from: URL(fileURLWithPath: options.checkpointDirectory + "/checkpoint.safetensors"))
            return (try #require(try TrainingRunTests.lossLines(options).first?["teacher_G"]), checkpoint.metadata)
        }
        let plain = try run(avatars: false, folder: "plain"), over = try run(avatars: true, folder: "over")
        #expect(over.metadata["teacher_avatars"] == "whole" && over.metadata["avatars"] == avatarRoot.path)
        #expect(plain.metadata["teacher_avatars"] == "none" && plain.metadata["avatars"] == nil)
        #expect(over.loss > 0 && over.loss != plain.loss)
    }
}
