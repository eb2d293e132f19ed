import Autograd
import Foundation
import NN
import Reference
import Testing
import Training

/// Short real runs on generated images: the whole loop, checkpoints, resume and export.
@Suite struct TrainingRunTests {
    static let model = CycleGANConfig(
        generator: GeneratorConfig(architecture: .resnet, ngf: 4, nBlocks: 1, inputSize: 16),
        discriminator: PatchGANConfig(ndf: 8, layers: 2))

    static func options(_ root: URL, _ photos: URL, _ cartoons: URL, steps: Int, model: CycleGANConfig = model) throws -> TrainingOptions {
        let directory = try GeneratedImages.temporaryFolder("run", in: root)
        var options = TrainingOptions(photos: photos.path, cartoons: cartoons.path,
                                      output: directory.appendingPathComponent("cartoon.safetensors").path,
                                      model: model, checkpointDirectory: directory.appendingPathComponent("training").path)
        options.steps = steps
        options.seed = 7
        options.checkpointEvery = 4
        options.sampleEvery = 4
        return options
    }

    /// Three steps on three photos and three cartoons: the finished run that warm-start tests start from.
    static func finishedRun(in root: URL) throws -> (photos: URL, cartoons: URL, run: TrainingOptions) {
        let (photos, cartoons) = try GeneratedImages.domains(photos: 3, cartoons: 3, in: root)
        let run = try options(root, photos, cartoons, steps: 3)
        _ = try TrainingRun.run(run, output: { _ in })
        return (photos, cartoons, run)
    }

    static func lossLines(_ options: TrainingOptions) throws -> [[String: Double]] {
        let text = try String(contentsOfFile: options.checkpointDirectory + "/losses.jsonl", encoding: .utf8)
        return try text.split(separator: "\n").map {
            var line = try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Double])
            line["seconds"] = nil
            return line
        }
    }

    @Test func lossesFallOnGeneratedImages() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons) = try GeneratedImages.domains(photos: 8, cartoons: 8, in: root)
        var options = try Self.options(root, photos, cartoons, steps: 60)
        options.learningRate = 1e-3
        _ = try TrainingRun.run(options, output: { _ in })
        let lines = try Self.lossLines(options)
        #expect(lines.count == 60)
        func mean(_ keys: [String], _ range: Range<Int>) -> Double {
            range.map { i in keys.map { lines[i][$0] ?? .nan }.reduce(0, +) }.reduce(0, +) / Double(range.count)
        }
        // The adversarial terms oscillate by design; reconstruction must clearly improve.
        let reconstruction = ["cycle_photo", "cycle_cartoon", "idt_G", "idt_F"]
        print("reconstruction losses, first 10 vs last 10 steps:", mean(reconstruction, 0..<10), mean(reconstruction, 50..<60))
        #expect(mean(reconstruction, 50..<60) < 0.75 * mean(reconstruction, 0..<10))
        for key in reconstruction { #expect(mean([key], 50..<60) < mean([key], 0..<10), "\(key) did not fall") }
        // Sample sheets: 3 columns of 16 px, one row per sample photo (8), and the loss plot beside each.
        let sheet = try Data(contentsOf: URL(fileURLWithPath: options.checkpointDirectory + "/samples/step-0000060.png"))
        let image = try ImageDecoderForTests.decode(sheet)
        #expect(image.width == 48 && image.height == 128)
        let plot = try Data(contentsOf: URL(fileURLWithPath: options.checkpointDirectory + "/samples/step-0000060-losses.png"))
        #expect(try ImageDecoderForTests.decode(plot) == LossPlot.image(LossPlot.entries(logContents:
            try Data(contentsOf: URL(fileURLWithPath: options.checkpointDirectory + "/losses.jsonl")))))
    }

    /// A run paused after 6 of 10 steps (`--stop-at 6`, a phase of a longer run) and resumed ends exactly where
    /// the straight run ends; the early phase run again does nothing, and on a finished checkpoint exports nothing.
    @Test func resumeContinuesExactly() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons) = try GeneratedImages.domains(photos: 5, cartoons: 4, in: root)
        let straight = try Self.options(root, photos, cartoons, steps: 10)
        _ = try TrainingRun.run(straight, output: { _ in })

        var interrupted = try Self.options(root, photos, cartoons, steps: 10)
        interrupted.stopAtStep = 6
        let first = try TrainingRun.run(interrupted, output: { _ in })
        #expect(first.completedSteps == 6)
        #expect(!FileManager.default.fileExists(atPath: interrupted.output))
        interrupted.resume = true
        var messages = ""
        let again = try TrainingRun.run(interrupted, output: { messages += $0 })
        #expect(again.completedSteps == 6 && messages.contains("at or past --stop-at 6: nothing to do"))
        interrupted.stopAtStep = nil
        let second = try TrainingRun.run(interrupted, output: { _ in })
        #expect(second.resumedFrom == 6)
        try FileManager.default.removeItem(atPath: interrupted.output)
        interrupted.stopAtStep = 6
        _ = try TrainingRun.run(interrupted, output: { _ in })
        #expect(!FileManager.default.fileExists(atPath: interrupted.output))
        // A shorter run's phase on the finished checkpoint (a recipe rerun whose later phase went further).
        var shorter = interrupted
        (shorter.steps, shorter.stopAtStep) = (8, nil)
        messages = ""
        #expect(try TrainingRun.run(shorter, output: { messages += $0 }).completedSteps == 10)
        #expect(messages.contains("at step 10, past this run's 8 steps: nothing to do"))
        #expect(!FileManager.default.fileExists(atPath: interrupted.output))

        let a = try SafeTensorsFile.read(from: URL(fileURLWithPath: straight.checkpointDirectory + "/checkpoint.safetensors"))
        let b = try SafeTensorsFile.read(from: URL(fileURLWithPath: interrupted.checkpointDirectory + "/checkpoint.safetensors"))
        #expect(a.tensors.keys.sorted() == b.tensors.keys.sorted())
        #expect(a.tensors.keys.contains("pool.cartoon") && a.tensors.keys.contains("adam_v.D_photo.model.0.weight"))
        for name in a.tensors.keys { #expect(a.tensors[name] == b.tensors[name], "\(name) differs after resume") }
        #expect(a.metadata["rng_state"] == b.metadata["rng_state"] && a.metadata["step"] == "10")
        #expect(try Self.lossLines(straight) == Self.lossLines(interrupted))
    }

    @Test(arguments: [(GeneratorArchitecture.resnet, GeneratorUpsampling.transposed), (.unetResnet, .transposed),
                      (.unetResnet, .resize)])
    func exportLoadsInTheServerFormat(architecture: GeneratorArchitecture, upsampling: GeneratorUpsampling) throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons) = try GeneratedImages.domains(photos: 3, cartoons: 3, in: root)
        var model = Self.model
        model.generator.architecture = architecture
        model.generator.upsampling = upsampling
        let options = try Self.options(root, photos, cartoons, steps: 3, model: model)
        _ = try TrainingRun.run(options, output: { _ in })
        let loaded = try Generator.load(from: URL(fileURLWithPath: options.output))
        #expect(loaded.generator.config == model.generator)
        #expect(loaded.metadata["trained_steps"] == "3")
        #expect(loaded.metadata["seed"] == "7")
        #expect(loaded.metadata["photos"] == photos.path && loaded.metadata["cartoons"] == cartoons.path)
        #expect(loaded.metadata["photo_count"] == "3" && loaded.metadata["date"] != nil)

        let (state, _) = try Checkpoint.read(from: options.checkpointDirectory + "/checkpoint.safetensors", config: model)
        let input = randomTensor([1, 3, 16, 16], seed: 5)
        // The reference forward against the trainer's (per-ISA kernels, Winograd): same weights,
        // different summation orders.
        #expect(loaded.generator.referenceForward(input).maxAbsDifference(state.cartoonify(input, kernels: TrainingKernels())) <= 1e-5)
    }

    @Test func exportOfACheckpointCarriesItsProvenanceAndExtraMetadata() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons) = try GeneratedImages.domains(photos: 3, cartoons: 2, in: root)
        let options = try Self.options(root, photos, cartoons, steps: 3)
        _ = try TrainingRun.run(options, output: { _ in })
        let checkpoint = options.checkpointDirectory + "/checkpoint.safetensors"
        let exported = root.appendingPathComponent("exported.safetensors").path
        try GeneratorExport.export(checkpoint: checkpoint, extra: ["face_box": "1.2,-0.08"], to: exported)
        let loaded = try Generator.load(from: URL(fileURLWithPath: exported))
        let trained = try Generator.load(from: URL(fileURLWithPath: options.output))
        #expect(loaded.generator.config == Self.model.generator)
        #expect(loaded.generator.namedParameters == trained.generator.namedParameters)
        #expect(loaded.metadata["face_box"] == "1.2,-0.08")
        for key in ["trained_steps", "seed", "photos", "photo_count", "cartoons", "cartoon_count", "trainer_version"] {
            #expect(loaded.metadata[key] == trained.metadata[key], "\(key)")
        }
        #expect(loaded.metadata["cartoon_count"] == "2")
        #expect(throws: TrainingError.invalidOption("--metadata ngf describes the architecture and comes from the model itself")) {
            try GeneratorExport.export(checkpoint: checkpoint, extra: ["ngf": "8"], to: exported)
        }
        #expect(throws: TrainingError.self) { try GeneratorExport.export(checkpoint: options.output, to: exported) }
    }

    @Test func initGeneratorStartsFromExportedWeights() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons, first) = try Self.finishedRun(in: root)
        // With a zero learning rate nothing moves, so the warm-started run exports exactly what it started from.
        var warm = try Self.options(root, photos, cartoons, steps: 1)
        warm.initGenerator = first.output
        warm.learningRate = 0
        var messages = ""
        _ = try TrainingRun.run(warm, output: { messages += $0 })
        #expect(messages.contains("starts from \(first.output)"))
        let a = try Generator.load(from: URL(fileURLWithPath: first.output))
        let b = try Generator.load(from: URL(fileURLWithPath: warm.output))
        #expect(a.generator.namedParameters == b.generator.namedParameters)

        var other = try Self.options(root, photos, cartoons, steps: 1)
        other.initGenerator = first.output
        other.model.generator.ngf = 8
        #expect(throws: TrainingError.self) { try TrainingRun.run(other, output: { _ in }) }

        // Another upsampling: everything but the up stages' convolutions comes from the file, and the log names those.
        var resized = warm
        resized.model.generator.upsampling = .resize
        resized.output = root.appendingPathComponent("resized.safetensors").path
        resized.checkpointDirectory = root.appendingPathComponent("resized").path
        messages = ""
        _ = try TrainingRun.run(resized, output: { messages += $0 })
        let c = try Generator.load(from: URL(fileURLWithPath: resized.output))
        #expect(c.generator.config.upsampling == .resize)
        let up = GeneratorLayout(config: resized.model.generator).up.map { $0.conv.prefix }
        #expect(messages.contains("these start fresh (the file has them in another form): \(up[0]).weight, \(up[1]).weight\n"))
        for (name, tensor) in c.generator.namedParameters where !name.hasSuffix("weight") || !up.contains(where: name.hasPrefix) {
            #expect(a.generator.namedParameters[name] == tensor, "\(name)")
        }
    }

    /// The pair a warm start needs: G from its export, F from the partner export, both exactly as trained.
    @Test func initPartnerStartsFFromItsExport() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons, first) = try Self.finishedRun(in: root)
        let (trained, _) = try Checkpoint.read(from: first.checkpointDirectory + "/checkpoint.safetensors")
        let partner = root.appendingPathComponent("partner.safetensors").path
        try GeneratorExport.export(checkpoint: first.checkpointDirectory + "/checkpoint.safetensors",
                                   direction: .cartoonToPhoto, to: partner)
        let exported = try Generator.load(from: URL(fileURLWithPath: partner), direction: .cartoonToPhoto)
        #expect(exported.metadata["direction"] == "cartoon-to-photo")
        #expect(exported.generator.namedParameters == trained.f.tensors)
        #expect(try Generator.load(from: URL(fileURLWithPath: first.output)).metadata["direction"] == "photo-to-cartoon")

        var warm = try Self.options(root, photos, cartoons, steps: 1)
        warm.initGenerator = first.output
        warm.initPartner = partner
        warm.learningRate = 0
        var messages = ""
        _ = try TrainingRun.run(warm, output: { messages += $0 })
        #expect(messages.contains("cartoon -> photo generator starts from \(partner)"))
        let (started, _) = try Checkpoint.read(from: warm.checkpointDirectory + "/checkpoint.safetensors")
        #expect(started.g.tensors == trained.g.tensors)
        #expect(started.f.tensors == trained.f.tensors)

        var swapped = warm
        swapped.initGenerator = partner
        swapped.initPartner = first.output
        #expect(throws: TrainingError.checkpointMismatch("--init-generator \(partner) is a cartoon -> photo generator, "
            + "not a photo -> cartoon one (cartoonify-train export --generator photo-to-cartoon writes one)")) {
            try TrainingRun.run(swapped, output: { _ in })
        }
        var withCheckpoint = warm
        withCheckpoint.initGenerator = nil
        withCheckpoint.initCheckpoint = first.checkpointDirectory + "/checkpoint.safetensors"
        #expect(throws: TrainingError.invalidOption("--init-partner and --init-checkpoint both name starting weights: give one")) {
            try TrainingRun.run(withCheckpoint, output: { _ in })
        }
    }

    @Test func holdGeneratorKeepsGFixedWhileTheOthersLearn() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons, first) = try Self.finishedRun(in: root)
        let start = try Generator.load(from: URL(fileURLWithPath: first.output)).generator.namedParameters

        // Held for 4 of 6 steps: the step-4 checkpoint has the file's G and moved F and discriminators,
        // and the last two steps move G.
        var held = try Self.options(root, photos, cartoons, steps: 6)
        held.initGenerator = first.output
        held.holdGeneratorSteps = 4
        var messages = ""
        held.stopAtStep = 4
        _ = try TrainingRun.run(held, output: { messages += $0 })
        #expect(messages.contains("generator held until step 4"))
        let checkpoint = held.checkpointDirectory + "/checkpoint.safetensors"
        let (atHold, _) = try Checkpoint.read(from: checkpoint)
        #expect(atHold.step == 4)
        #expect(atHold.g.tensors == start)
        #expect(atHold.adamG.step == 0)
        let fresh = CycleGANState(config: held.model, seed: held.seed)
        #expect(atHold.f.tensors != fresh.f.tensors)
        #expect(atHold.dCartoon.tensors != fresh.dCartoon.tensors)
        held.resume = true
        held.stopAtStep = nil
        _ = try TrainingRun.run(held, output: { _ in })
        let (end, _) = try Checkpoint.read(from: checkpoint)
        #expect(end.adamG.step == 2)
        #expect(end.g.tensors != start)

        var negative = held
        negative.holdGeneratorSteps = -1
        #expect(throws: TrainingError.invalidOption("--hold-generator must not be negative")) {
            try TrainingRun.run(negative, output: { _ in })
        }
    }

    @Test func initCheckpointStartsAllFourNetworks() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons) = try GeneratedImages.domains(photos: 3, cartoons: 3, in: root)
        var first = try Self.options(root, photos, cartoons, steps: 3)
        first.model.discriminator.layers = 1
        _ = try TrainingRun.run(first, output: { _ in })
        let checkpoint = first.checkpointDirectory + "/checkpoint.safetensors"
        let (trained, _) = try Checkpoint.read(from: checkpoint)

        // A deeper discriminator: the generators and the discriminators' shared layers come from the
        // checkpoint (zero learning rate: nothing moves), the new layers start fresh and are named.
        var deeper = try Self.options(root, photos, cartoons, steps: 1)
        deeper.initCheckpoint = checkpoint
        deeper.learningRate = 0
        var messages = ""
        _ = try TrainingRun.run(deeper, output: { messages += $0 })
        let (warm, _) = try Checkpoint.read(from: deeper.checkpointDirectory + "/checkpoint.safetensors")
        #expect(warm.g.tensors == trained.g.tensors)
        #expect(warm.f.tensors == trained.f.tensors)
        let fresh = warm.dCartoon.sortedNames.filter { trained.dCartoon.tensors[$0]?.shape != warm.dCartoon.tensors[$0]?.shape }
        #expect(!fresh.isEmpty)
        for name in warm.dCartoon.sortedNames where !fresh.contains(name) {
            #expect(warm.dCartoon.tensors[name] == trained.dCartoon.tensors[name], "\(name)")
        }
        #expect(messages.contains("all four networks start from \(checkpoint)"))
        #expect(messages.contains("these start fresh (not in the file in this shape): "
            + (fresh.map { "D_cartoon.\($0)" } + fresh.map { "D_photo.\($0)" }).joined(separator: ", ") + "\n"))

        var both = deeper
        both.initGenerator = first.output
        #expect(throws: TrainingError.invalidOption("--init-generator and --init-checkpoint both name starting weights: give one")) {
            try TrainingRun.run(both, output: { _ in })
        }
        var notCheckpoint = deeper
        notCheckpoint.initCheckpoint = first.output  // an exported generator, not a checkpoint
        #expect(throws: TrainingError.self) { try TrainingRun.run(notCheckpoint, output: { _ in }) }
        var unrelated = deeper
        unrelated.model.generator.ngf = 8
        unrelated.model.discriminator.ndf = 16
        #expect(throws: TrainingError.checkpointMismatch(
            "--init-checkpoint \(checkpoint) is another model: ngf 4 there, 8 here; ndf 8 there, 16 here")) {
            try TrainingRun.run(unrelated, output: { _ in })
        }
    }

    /// The four networks without the optimiser: another run starts all of them from it exactly, and it is
    /// refused where a resumable checkpoint is needed.
    @Test func networksFileStartsAllFourNetworks() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons, first) = try Self.finishedRun(in: root)
        let checkpoint = first.checkpointDirectory + "/checkpoint.safetensors"
        let (trained, _) = try Checkpoint.read(from: checkpoint)
        let networks = root.appendingPathComponent("networks.safetensors").path
        try Checkpoint.writeNetworks(of: checkpoint, to: networks)
        let file = try SafeTensorsFile.read(from: URL(fileURLWithPath: networks))
        #expect(!file.tensors.keys.contains { $0.hasPrefix("adam") || $0.hasPrefix("pool") })
        #expect(file.metadata["ngf"] == "4" && file.metadata["format"] == "cartoonify-cyclegan-networks-1")

        var warm = try Self.options(root, photos, cartoons, steps: 1)
        warm.initCheckpoint = networks
        warm.learningRate = 0
        var messages = ""
        _ = try TrainingRun.run(warm, output: { messages += $0 })
        #expect(!messages.contains("start fresh"))
        let (started, _) = try Checkpoint.read(from: warm.checkpointDirectory + "/checkpoint.safetensors")
        #expect(started.g.tensors == trained.g.tensors && started.f.tensors == trained.f.tensors)
        #expect(started.dCartoon.tensors == trained.dCartoon.tensors && started.dPhoto.tensors == trained.dPhoto.tensors)
        #expect(throws: TrainingError.badCheckpoint(path: networks,
                                                    reason: "not a cartoonify-train checkpoint (format cartoonify-cyclegan-networks-1)")) {
            try Checkpoint.read(from: networks)
        }
    }

    @Test func sampleSheetsShowTheSamplePhotosFolder() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons) = try GeneratedImages.domains(photos: 2, cartoons: 2, in: root)
        let (heldOut, _) = try GeneratedImages.domains(photos: 5, cartoons: 1, in: try GeneratedImages.temporaryFolder("held", in: root))
        var options = try Self.options(root, photos, cartoons, steps: 4)
        options.samplePhotos = heldOut.path
        options.sampleCount = 3
        _ = try TrainingRun.run(options, output: { _ in })
        let sheet = try Data(contentsOf: URL(fileURLWithPath: options.checkpointDirectory + "/samples/step-0000004.png"))
        let image = try ImageDecoderForTests.decode(sheet)
        #expect(image.width == 48 && image.height == 48)
        options.samplePhotos = root.appendingPathComponent("missing").path
        #expect(throws: TrainingError.missingFolder(options.samplePhotos ?? "")) { try TrainingRun.run(options, output: { _ in }) }
    }

    @Test func resumeRefusesAnotherModel() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons) = try GeneratedImages.domains(photos: 2, cartoons: 2, in: root)
        var options = try Self.options(root, photos, cartoons, steps: 2)
        _ = try TrainingRun.run(options, output: { _ in })
        options.resume = true
        options.model.generator.ngf = 8
        #expect(throws: TrainingError.self) { try TrainingRun.run(options, output: { _ in }) }
        options.model.generator.ngf = 4
        options.model.generator.upsampling = .resize
        #expect(throws: TrainingError.checkpointMismatch("upsampling is transposed in the checkpoint, resize in this run")) {
            try TrainingRun.run(options, output: { _ in })
        }
        options.model.generator.upsampling = .transposed
        options.seed = 8
        #expect(throws: TrainingError.checkpointMismatch("--seed is 8 but the checkpoint was made with 7")) {
            try TrainingRun.run(options, output: { _ in })
        }
    }

    /// A later phase may add the colour loss to a run: the weights change, the log says so, the model stays.
    @Test func resumeMayChangeTheLossWeights() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons) = try GeneratedImages.domains(photos: 2, cartoons: 2, in: root)
        var options = try Self.options(root, photos, cartoons, steps: 4)
        _ = try TrainingRun.run(options, output: { _ in })
        options.resume = true
        options.steps = 6
        options.model.lambdaColour = 2
        var messages: [String] = []
        _ = try TrainingRun.run(options, output: { messages.append($0) })
        #expect(messages.contains("loss weight changed from the checkpoint's: lambda_colour 0.0 -> 2.0\n"))
        let colour = try Self.lossLines(options).map { try #require($0["colour_G"]) }
        #expect(colour.count == 6 && colour[..<4].allSatisfy { $0 == 0 } && colour[4...].allSatisfy { $0 > 0 })
        // A checkpoint from before the colour loss has no lambda_colour: it reads as 0.
        var old = ["lambda_cycle": "10.0", "lambda_identity": "0.5"]
        #expect(Checkpoint.changedLossWeights(checkpoint: old, run: Self.model).isEmpty)
        old["lambda_identity"] = "0.25"
        #expect(Checkpoint.changedLossWeights(checkpoint: old, run: Self.model) == ["lambda_identity 0.25 -> 0.5"])
    }

    /// Checkpoints from before the upsampling choice have no `upsampling`: they resume as transposed.
    @Test func checkpointWithoutUpsamplingResumesAsTransposed() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons) = try GeneratedImages.domains(photos: 2, cartoons: 2, in: root)
        var options = try Self.options(root, photos, cartoons, steps: 2)
        _ = try TrainingRun.run(options, output: { _ in })
        let path = options.checkpointDirectory + "/checkpoint.safetensors"
        var file = try SafeTensorsFile.read(from: URL(fileURLWithPath: path))
        #expect(file.metadata.removeValue(forKey: "upsampling") == "transposed")
        try file.write(to: URL(fileURLWithPath: path))
        options.resume = true
        options.steps = 3
        let summary = try TrainingRun.run(options, output: { _ in })
        #expect(summary.resumedFrom == 2 && summary.completedSteps == 3)
        #expect(try Checkpoint.read(from: path).0.config.generator.upsampling == .transposed)
    }

    @Test func invalidOptionsAreNamed() throws {
        let root = try GeneratedImages.temporaryFolder("test")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons) = try GeneratedImages.domains(photos: 1, cartoons: 1, in: root)
        var options = try Self.options(root, photos, cartoons, steps: 1)
        options.model.generator.inputSize = 18
        #expect(throws: TrainingError.invalidOption("--size 18 must be a multiple of 4 and at least 8")) {
            try TrainingRun.run(options, output: { _ in })
        }
        options.model.generator.inputSize = 8
        #expect(throws: TrainingError.self) { try TrainingRun.run(options, output: { _ in }) }   // PatchGAN needs 12
        options.model.generator.inputSize = 16
        options.stopAtStep = 0
        #expect(throws: TrainingError.invalidOption("--stop-at must be a step of the run, at least 1")) {
            try TrainingRun.run(options, output: { _ in })
        }
        options.stopAtStep = 2
        #expect(throws: TrainingError.invalidOption("--stop-at 2 is past the run's 1 steps")) {
            try TrainingRun.run(options, output: { _ in })
        }
    }
}
