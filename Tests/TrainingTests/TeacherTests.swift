import Autograd
import Foundation
import NN
import Reference
import Testing
import Training

/// The distillation loss (`--teacher`, `--lambda-teacher`): G held to a fixed generator's output.
@Suite struct TeacherTests {
    /// A weights file of `config` holding `tensors` (default: seeded random weights).
    static func weightsFile(_ config: GeneratorConfig, seed: UInt64, tensors: [String: Tensor]? = nil,
                            direction: GeneratorDirection = .photoToCartoon, in root: URL) throws -> String {
        let path = root.appendingPathComponent("\(direction.rawValue)-\(seed)-\(config.inputSize).safetensors").path
        let provenance = TrainingProvenance(photos: "p", photoCount: 1, cartoons: "c", cartoonCount: 1, steps: 0, seed: seed)
        try GeneratorExport.write(tensors ?? Generator.randomWeights(config: config, seed: seed), config: config,
                                  provenance: provenance, direction: direction, to: path)
        return path
    }

    /// `options` refused before any step, with `reason`.
    static func expectRefused(_ options: TrainingOptions, _ reason: String,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: TrainingError.invalidOption(reason), sourceLocation: sourceLocation) {
            try TrainingRun.run(options, output: { _ in })
        }
    }

    /// The loss reaches G alone: F and both discriminators step exactly as without it, G does not, and a
    /// teacher equal to G costs nothing.
    @Test func distillationLossMovesOnlyG() throws {
        let root = try GeneratedImages.temporaryFolder("teacher")
        defer { GeneratedImages.remove(root) }
        var config = CheckpointTests.config
        config.lambdaTeacher = 10
        let teacher = try TeacherGenerator(path: try Self.weightsFile(config.generator, seed: 40, in: root), inputSize: 16)
        var taught = CycleGANState(config: config, seed: 3), plain = CycleGANState(config: CheckpointTests.config, seed: 3)
        let photos = randomTensor([1, 3, 16, 16], seed: 64), cartoons = randomTensor([1, 3, 16, 16], seed: 65)
        let a = taught.trainStep(photos: photos, cartoons: cartoons, learningRate: 2e-4, teacher: teacher, kernels: TrainingKernels())
        let b = plain.trainStep(photos: photos, cartoons: cartoons, learningRate: 2e-4, kernels: TrainingKernels())
        #expect(a.teacherG > 0 && b.teacherG == 0)
        #expect(a.named.contains { $0.0 == "teacher_G" && $0.1 == a.teacherG })
        #expect(a.adversarialG == b.adversarialG && a.cyclePhoto == b.cyclePhoto)
        #expect(taught.g.tensors != plain.g.tensors)
        #expect(taught.f.tensors == plain.f.tensors)
        #expect(taught.dCartoon.tensors == plain.dCartoon.tensors && taught.dPhoto.tensors == plain.dPhoto.tensors)
        #expect(Checkpoint.file(for: taught, extra: [:]).metadata["lambda_teacher"] == "10.0")

        // The edge loss rides on the same target and moves G alone, further than the distillation loss alone.
        var edgesConfig = config
        edgesConfig.lambdaEdges = 1
        var edged = CycleGANState(config: edgesConfig, seed: 3)
        let c = edged.trainStep(photos: photos, cartoons: cartoons, learningRate: 2e-4, teacher: teacher, kernels: TrainingKernels())
        #expect(c.edgesG > 0 && a.edgesG == 0 && c.teacherG == a.teacherG)
        #expect(c.named.contains { $0.0 == "edges_G" && $0.1 == c.edgesG })
        #expect(edged.g.tensors != taught.g.tensors && edged.f.tensors == taught.f.tensors)
        #expect(edged.dCartoon.tensors == taught.dCartoon.tensors)
        #expect(Checkpoint.file(for: edged, extra: [:]).metadata["lambda_edges"] == "1.0")

        // The absolute distillation loss measures the same target by |G(photo) - target| and moves G elsewhere.
        var absoluteConfig = config
        absoluteConfig.teacherLoss = .absolute
        var absolute = CycleGANState(config: absoluteConfig, seed: 3)
        let d = absolute.trainStep(photos: photos, cartoons: cartoons, learningRate: 2e-4, teacher: teacher, kernels: TrainingKernels())
        #expect(d.teacherG > 0 && d.teacherG != a.teacherG && d.adversarialG == a.adversarialG)
        #expect(absolute.g.tensors != taught.g.tensors && absolute.f.tensors == taught.f.tensors)
        #expect(Checkpoint.file(for: absolute, extra: [:]).metadata["teacher_loss"] == "absolute")
        let recorded = Checkpoint.file(for: taught, extra: [:]).metadata
        #expect(recorded["teacher_loss"] == "squared")
        #expect(Checkpoint.changedLossWeights(checkpoint: recorded, run: absoluteConfig) == ["teacher_loss squared -> absolute"])
        var older = recorded
        older["teacher_loss"] = nil
        #expect(Checkpoint.changedLossWeights(checkpoint: older, run: config).isEmpty)

        // G as its own teacher, on photos too light for any blot: nothing to learn from it.
        let light = randomTensor([1, 3, 16, 16], seed: 66, scale: 0.1).map { $0 + 0.8 }
        var own = CycleGANState(config: config, seed: 4)
        let itself = try TeacherGenerator(path: try Self.weightsFile(config.generator, seed: 4, tensors: own.g.tensors, in: root),
                                          inputSize: 16)
        #expect(own.trainStep(photos: light, cartoons: cartoons, learningRate: 2e-4, teacher: itself,
                              kernels: TrainingKernels()).teacherG == 0)
    }

    /// `--teacher-only` moves G alone, on the teacher's target: F and both discriminators keep their weights
    /// and nothing but the teacher (and lightening) terms is computed.
    @Test func teacherOnlyMovesGAlone() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons, first) = try TrainingRunTests.finishedRun(in: root)
        var taught = try TrainingRunTests.options(root, photos, cartoons, steps: 3)
        taught.initGenerator = first.output
        taught.teacher = try Self.weightsFile(taught.model.generator, seed: 45, in: root)
        taught.teacherOnly = true
        taught.model.lambdaTeacher = 10
        taught.model.lambdaLightening = 1
        _ = try TrainingRun.run(taught, output: { _ in })
        let (trained, _) = try Checkpoint.read(from: taught.checkpointDirectory + "/checkpoint.safetensors")
        let fresh = CycleGANState(config: taught.model, seed: taught.seed)
        #expect(trained.step == 3 && trained.adamG.step == 3 && trained.adamF.step == 0)
        #expect(trained.g.tensors != (try Generator.load(from: URL(fileURLWithPath: first.output))).generator.namedParameters)
        #expect(trained.f.tensors == fresh.f.tensors)
        #expect(trained.dCartoon.tensors == fresh.dCartoon.tensors && trained.dPhoto.tensors == fresh.dPhoto.tensors)
        for line in try TrainingRunTests.lossLines(taught) {
            #expect((line["teacher_G"] ?? 0) > 0)
            #expect(line["G"] == 0 && line["cycle_photo"] == 0 && line["D_cartoon"] == 0 && line["idt_G"] == 0)
        }

        taught.holdGeneratorSteps = 1
        Self.expectRefused(taught, "--teacher-only trains G alone: it cannot be held")
        taught.holdGeneratorSteps = 0
        taught.teacher = nil
        taught.model.lambdaTeacher = 0
        Self.expectRefused(taught, "--teacher-only needs --teacher FILE and --lambda-teacher")
    }

    /// A run with a teacher logs its distance to it every step, records the teacher's hash in its
    /// checkpoint, and says so when a resume names another teacher.
    @Test func runRecordsItsTeacher() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons, first) = try TrainingRunTests.finishedRun(in: root)
        var taught = try TrainingRunTests.options(root, photos, cartoons, steps: 4)
        taught.initGenerator = first.output
        taught.teacher = first.output
        taught.model.lambdaTeacher = 5
        var messages = ""
        taught.stopAtStep = 2
        _ = try TrainingRun.run(taught, output: { messages += $0 })
        let sha = try Generator.load(from: URL(fileURLWithPath: first.output)).sha256
        #expect(messages.contains("held to the teacher \(first.output) (sha256 \(sha.prefix(12)))"))
        #expect(try TrainingRunTests.lossLines(taught).allSatisfy { ($0["teacher_G"] ?? -1) >= 0 })
        let checkpoint = try SafeTensorsFile.read(from: URL(fileURLWithPath: taught.checkpointDirectory + "/checkpoint.safetensors"))
        #expect(checkpoint.metadata["teacher_sha256"] == sha)

        #expect(checkpoint.metadata["teacher_flatten"] == "0.0")
        #expect(checkpoint.metadata["teacher_posterize"] == "0")
        #expect(checkpoint.metadata["teacher_ink"] == "0.0")
        #expect(checkpoint.metadata["teacher_spots"] == "false")

        taught.resume = true
        taught.stopAtStep = nil
        taught.teacher = try Self.weightsFile(taught.model.generator, seed: 41, in: root)
        taught.teacherTarget = TeacherTarget(fillsSpots: true, flattening: 20, skin: 1, skinTone: .photo, posterizing: 6, ink: 1, emphasis: 10)
        messages = ""
        _ = try TrainingRun.run(taught, output: { messages += $0 })
        #expect(messages.contains("the teacher differs from the checkpoint's (sha256 \(sha.prefix(12)) there)"))
        #expect(messages.contains("its blots and spots filled from around them, flattened (range sigma 20.0 levels), "
            + "its skin evened (strength 1.0) in the photo's colour, posterised to 6 colours, inked from the photo (sigma 1.0 px), the filled pixels weighing 10.0"))
        for change in ["teacher_emphasis 10.0 (1.0", "teacher_flatten 20.0 (0.0", "teacher_ink 1.0 (0.0", "teacher_posterize 6 (0",
                       "teacher_skin 1.0 (0.0", "teacher_skin_tone photo (teacher", "teacher_spots true (false"] {
            #expect(messages.contains("the teacher's target changed: \(change) in the checkpoint)"))
        }
    }

    @Test func badTeacherOptionsAreNamed() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons) = try GeneratedImages.domains(photos: 2, cartoons: 2, in: root)
        var options = try TrainingRunTests.options(root, photos, cartoons, steps: 1)
        options.model.lambdaTeacher = 1
        Self.expectRefused(options, "--lambda-teacher needs --teacher FILE (the generator to hold G to)")
        options.model.lambdaTeacher = 0
        options.teacher = try Self.weightsFile(options.model.generator, seed: 42, in: root)
        Self.expectRefused(options, "--teacher needs a --lambda-teacher above 0")
        options.model.lambdaTeacher = 1
        var larger = options.model.generator
        larger.inputSize = 32
        let wide = try Self.weightsFile(larger, seed: 43, in: root)
        options.teacher = wide
        #expect(throws: TrainingError.checkpointMismatch("--teacher \(wide) was trained at 32 px, this run trains at 16 px")) {
            try TrainingRun.run(options, output: { _ in })
        }
        options.teacher = try Self.weightsFile(options.model.generator, seed: 44, direction: .cartoonToPhoto, in: root)
        #expect(throws: TrainingError.self) { try TrainingRun.run(options, output: { _ in }) }

        options.teacherTarget.flattening = -1
        Self.expectRefused(options, "--teacher-flatten must be 0 (off) or above")
        for colours in [1, 65] {
            options.teacherTarget = TeacherTarget(posterizing: colours)
            Self.expectRefused(options, "--teacher-posterize must be 0 (off) or from 2 to 64 colours")
        }
        for limit: Float in [-1, 101, .nan] {
            options.teacherTarget = TeacherTarget(blotLimit: limit)
            Self.expectRefused(options, "--teacher-blot-limit must be 0 (no limit) or a percentage up to 100")
        }
        for strength: Float in [-0.1, 1.5, .nan] {
            options.teacherTarget = TeacherTarget(skin: strength)
            Self.expectRefused(options, "--teacher-skin must be from 0 (off) to 1 (flat)")
        }
        options.teacherTarget = TeacherTarget(ink: 9)
        Self.expectRefused(options, "--teacher-ink must be 0 (off) or a sigma up to 8 pixels")
        options.teacherTarget = TeacherTarget(emphasis: 0.5)
        Self.expectRefused(options, "--teacher-emphasis must be from 1 (off) to 1000")
        options.teacher = nil
        options.model.lambdaTeacher = 0
        options.teacherTarget = TeacherTarget()
        options.model.lambdaEdges = 1
        Self.expectRefused(options, "--lambda-edges needs --teacher FILE and --lambda-teacher")
        options.model.lambdaEdges = 0
        options.model.teacherLoss = .absolute
        Self.expectRefused(options, "--teacher-loss needs --teacher FILE and --lambda-teacher")
        options.model.teacherLoss = .squared
        for (target, option) in [(TeacherTarget(flattening: 20), "--teacher-flatten"), (TeacherTarget(ink: 1), "--teacher-ink"),
                                 (TeacherTarget(posterizing: 8), "--teacher-posterize"), (TeacherTarget(skin: 1), "--teacher-skin"),
                                 (TeacherTarget(skinTone: .photo), "--teacher-skin-tone"),
                                 (TeacherTarget(blotLimit: 3), "--teacher-blot-limit"),
                                 (TeacherTarget(fillsSpots: true), "--teacher-spots"), (TeacherTarget(eyes: true), "--teacher-eyes"),
                                 (TeacherTarget(emphasis: 10), "--teacher-emphasis")] {
            options.teacherTarget = target
            Self.expectRefused(options, "\(option) needs --teacher FILE and --lambda-teacher")
        }
    }
}
