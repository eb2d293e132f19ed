import ArgumentParser
import Autograd
import Foundation
import Kernels
import NN
import Parallel
import Training

/// `cartoonify-train train` (the default subcommand): trains the CycleGAN photo -> cartoon generator.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a CycleGAN that turns face photos into cartoons, and export the photo -> cartoon generator.",
        discussion: """
            Both folders are searched recursively for .jpg, .jpeg and .png files; unreadable images are skipped \
            and counted. Progress goes to stderr; every loss goes to CHECKPOINT-DIR/losses.jsonl, sample sheets \
            (photo | cartoon | reconstruction) and a plot of the losses to CHECKPOINT-DIR/samples/. Rerun with --resume after an \
            interruption to continue exactly where the last checkpoint left off.
            """)

    @Option(help: "Folder of photos (domain A, e.g. CelebA img_align_celeba).")
    var photos: String?
    @Option(help: "Folder of cartoons (domain B, e.g. Cartoonset).")
    var cartoons: String?
    @Option(help: "Where to write the trained generator (.safetensors, loadable by cartoonify-server).")
    var output: String?

    @Option(help: "Image size the model is trained at (multiple of 4).")
    var size: Int = 128
    @Option(help: "Generator filters in the first layer.")
    var ngf: Int = 32
    @Option(help: "Residual blocks in the generator.")
    var blocks: Int = 6
    @Option(help: "Generator architecture: resnet or unet-resnet.")
    var generator: String = GeneratorArchitecture.resnet.rawValue
    @Option(help: "How the generators' decoder doubles the resolution: transposed (the paper's transposed convolutions) or resize (nearest-neighbour 2x then a 3x3 convolution: no checkerboard).")
    var upsampling: String = GeneratorUpsampling.transposed.rawValue
    @Option(help: "Discriminator filters in the first layer.")
    var ndf: Int = 64
    @Option(help: "Strided discriminator layers (3 = the 70x70 PatchGAN).")
    var discriminatorLayers: Int = 3

    @Option(help: "Training steps (instead of --epochs).")
    var steps: Int?
    @Option(help: "Training epochs (an epoch = the larger folder once); default 200 when --steps is not given.")
    var epochs: Int?
    @Option(help: "Images per domain per step.")
    var batchSize: Int = 1
    @Option(help: "Adam learning rate (constant for the first half, then linearly to 0).")
    var lr: Double = 2e-4
    @Option(help: "Cycle-consistency weight.")
    var lambdaCycle: Float = 10
    @Option(help: "Identity loss weight, as a fraction of --lambda-cycle.")
    var lambdaIdentity: Float = 0.5
    @Option(help: "Colour loss weight: G(photo) keeps the photo's coarse colours (4x4 block means); 0 = off, as in the paper. May change on --resume.")
    var lambdaColour: Float = 0
    @Option(help: "Standard deviation of noise added to each fake before the other generator reconstructs from it (images in [-1, 1]); 0 = off, as in the paper. Against generators hiding the input in faint patterns (flecks). May change on --resume.")
    var cycleNoise: Float = 0
    @Option(help: "Lightening loss weight: G(photo) pixels more than 60 grey levels lighter than the photo cost their excess, against white blots on highlights; 0 = off, as in the paper. May change on --resume.")
    var lambdaLightening: Float = 0
    @Option(help: "Distillation loss weight: G(photo) held (mean squared error, or absolute with --teacher-loss) to --teacher's output with its blots (white ovals: 60 grey levels lighter than the photo, or near-white on lit skin, outside the mouth) filled from the skin around them, so a trained generator is cleaned without drifting from its style; 0 = off. May change on --resume.")
    var lambdaTeacher: Float = 0
    @Option(help: "How the distillation loss compares G(photo) with the target: squared (the mean squared error, which learns the target's mean) or absolute (the mean absolute error, which learns its median: where the photo leaves a feature's place ambiguous, it draws it once at the likelier place instead of faintly at each). May change on --resume.")
    var teacherLoss: String = TeacherLoss.squared.rawValue
    @Option(help: "Peak loss weight: G's instance-norm outputs beyond 8 standard deviations of their channel cost their squared excess, against the few-pixel spikes that come out as red, orange and white dots; 0 = off, as in the paper. May change on --resume.")
    var lambdaPeaks: Float = 0
    @Option(help: "Edge loss weight: G(photo)'s steps between neighbouring pixels held (mean absolute difference) to those of --teacher's target, so G draws its borders as steps rather than the soft ramps a mean squared error settles for, and its flat fills flat; needs --lambda-teacher; 0 = off. May change on --resume.")
    var lambdaEdges: Float = 0
    @Option(help: "The photo -> cartoon weights file --lambda-teacher holds G to (e.g. the bundled default); give it again on --resume.")
    var teacher: String?
    @Flag(help: "Train the photo -> cartoon generator alone on --teacher (with --lambda-colour and --lambda-lightening where set): no cartoon -> photo generator, no discriminators, no cycle loss; a third of an iteration's work.")
    var teacherOnly = false
    @OptionGroup var target: TeacherTargetOptions
    @Option(help: "How photos become square: pad (faces) or center (crop).")
    var photoPreprocess: String = SquarePreprocessing.pad.rawValue
    @Option(help: "How cartoons become square: pad or center.")
    var cartoonPreprocess: String = SquarePreprocessing.center.rawValue

    @Option(help: "Folder for the checkpoint, loss log and sample sheets (default: OUTPUT without extension + .training).")
    var checkpointDir: String?
    @Option(help: "Write a checkpoint every N steps (and at the end).")
    var checkpointEvery: Int = 500
    @Option(help: "Write a sample sheet every N steps.")
    var sampleEvery: Int = 500
    @Option(help: "Folder of held-out photos for the sample sheets (default: the training photos).")
    var samplePhotos: String?
    @Option(help: "Photos per sample sheet, spread evenly over the folder.")
    var sampleCount: Int = 8
    @Option(help: "Start the photo -> cartoon generator from this weights file (e.g. the bundled default) instead of random weights.")
    var initGenerator: String?
    @Option(help: "Start the cartoon -> photo generator from this weights file (written by export --generator cartoon-to-photo, e.g. weights/default-partner.safetensors), so a warm-started photo -> cartoon generator keeps its cycle partner.")
    var initPartner: String?
    @Option(help: "Start all four networks from another run's checkpoint (e.g. with another --discriminator-layers or --upsampling): every tensor whose name and shape match; optimisers, pools and schedule start afresh.")
    var initCheckpoint: String?
    @Option(help: "Hold the photo -> cartoon generator's weights for the first N steps while F and the discriminators learn around it (for --init-generator: a fresh F otherwise pulls it back towards copying the photo).")
    var holdGenerator: Int = 0
    @Option(help: "Stop after this step, writing a checkpoint; the learning-rate schedule stays that of --steps, so a later --resume with other loss weights or target options goes on as one run in phases.")
    var stopAt: Int?
    @Option(help: "Keep an exponential moving average of G's weights with this decay per step (e.g. 0.9995: about the last 2,000 steps) and export it instead of G's last step, whose output wanders from checkpoint to checkpoint; kept in the checkpoint, so a --resume without the option goes on with it; 0 drops it.")
    var averageDecay: Float?
    @Option(help: ArgumentHelp("Extra metadata for the exported weights (repeatable), e.g. the face framing of the photos.",
                               valueName: "key=value"))
    var metadata: [String] = []
    @Flag(help: "Continue from the checkpoint in --checkpoint-dir.")
    var resume = false
    @Option(help: "Seed for weights, data order, augmentation and the image pool.")
    var seed: UInt64 = 0

    @Option(help: "Time N training iterations on random data instead of training (no folders needed).")
    var benchmark: Int?

    func run() throws {
        // Before any thread starts, so that every thread inherits it (see `TerminationSignals`).
        TerminationSignals.blockInThisThread()
        AllocatorTuning.keepLargeBuffersInHeap()
        let path = try Self.kernelPath(environment: ProcessInfo.processInfo.environment)
        guard let architecture = GeneratorArchitecture(rawValue: generator) else {
            throw ValidationError("--generator must be one of: " + GeneratorArchitecture.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let upsampling = GeneratorUpsampling(rawValue: upsampling) else {
            throw ValidationError("--upsampling must be one of: " + GeneratorUpsampling.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let teacherLoss = TeacherLoss(rawValue: teacherLoss) else {
            throw ValidationError("--teacher-loss must be one of: " + TeacherLoss.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard ndf >= 1, discriminatorLayers >= 1 else {
            throw ValidationError("--ndf and --discriminator-layers must be at least 1")
        }
        let model = CycleGANConfig(
            generator: GeneratorConfig(architecture: architecture, ngf: ngf, nBlocks: blocks, inputSize: size,
                                       upsampling: upsampling),
            discriminator: PatchGANConfig(ndf: ndf, layers: discriminatorLayers),
            lambdaCycle: lambdaCycle, lambdaIdentity: lambdaIdentity, lambdaColour: lambdaColour, cycleNoise: cycleNoise,
            lambdaLightening: lambdaLightening, lambdaTeacher: lambdaTeacher, teacherLoss: teacherLoss, lambdaPeaks: lambdaPeaks,
            lambdaEdges: lambdaEdges)
        do {
            try model.validate()
        } catch {
            throw ValidationError(error.description)
        }
        if let benchmark {
            try benchmarkRun(model: model, iterations: benchmark, path: path)
            return
        }
        guard steps == nil || epochs == nil else { throw ValidationError("give --steps or --epochs, not both") }
        guard let photos, let cartoons, let output else {
            throw ValidationError("--photos, --cartoons and --output are required (or use --benchmark N)")
        }
        guard let photoSquare = SquarePreprocessing(rawValue: photoPreprocess),
              let cartoonSquare = SquarePreprocessing(rawValue: cartoonPreprocess) else {
            throw ValidationError("--photo-preprocess and --cartoon-preprocess take: pad, center")
        }
        let directory = checkpointDir ?? ((output as NSString).deletingPathExtension + ".training")
        var options = TrainingOptions(photos: photos, cartoons: cartoons, output: output, model: model,
                                      checkpointDirectory: directory)
        options.steps = steps
        options.epochs = epochs
        options.batchSize = batchSize
        options.learningRate = lr
        options.checkpointEvery = checkpointEvery
        options.sampleEvery = sampleEvery
        options.resume = resume
        options.seed = seed
        options.photoPreprocessing = photoSquare
        options.samplePhotos = samplePhotos
        options.sampleCount = sampleCount
        options.initGenerator = initGenerator
        options.initPartner = initPartner
        options.teacher = teacher
        options.teacherOnly = teacherOnly
        options.teacherTarget = target.target
        options.teacherAvatars = target.teacherAvatars
        options.initCheckpoint = initCheckpoint
        options.holdGeneratorSteps = holdGenerator
        options.stopAtStep = stopAt
        options.averageDecay = averageDecay
        options.exportMetadata = try MetadataOption.parse(metadata)
        options.cartoonPreprocessing = cartoonSquare
        options.kernels = TrainingKernels(path: path)
        // Ctrl-C or SIGTERM: finish the step, write a checkpoint, exit 130 (a second signal exits at once).
        let stop = StopRequest()
        let signalSources = stop.handleSignals {
            FileHandle.standardError.write(Data(
                "\nstopping after this step to write a checkpoint (press Ctrl-C again to quit without one)\n".utf8))
        }
        defer { signalSources.forEach { $0.cancel() } }
        let summary: TrainingSummary
        do {
            summary = try TrainingRun.run(options, stop: stop)
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
        if summary.skippedFiles > 0 { print("skipped \(summary.skippedFiles) unreadable image file(s)") }
        if summary.interrupted {
            print("interrupted: trained \(summary.completedSteps) of \(summary.totalSteps) steps; resume with --resume")
            throw ExitCode(130)
        }
        print("trained \(summary.completedSteps) steps; generator written to \(output)")
    }

    /// `CARTOONIFY_KERNELS`, read here as the server reads it: the best path this CPU runs, or a lower one it
    /// names. An unknown name is a usage error (exit 64) naming the choices, before any work starts.
    static func kernelPath(environment: [String: String]) throws -> KernelPath {
        do {
            return try KernelPath.requested(environment[KernelPath.environmentVariable])
        } catch {
            throw ValidationError(error.description)
        }
    }

    private func benchmarkRun(model: CycleGANConfig, iterations: Int, path: KernelPath) throws {
        guard iterations >= 1, batchSize >= 1 else { throw ValidationError("--benchmark and --batch-size must be at least 1") }
        let g = model.generator
        print("benchmark: \(g.architecture.rawValue) ngf \(g.ngf) blocks \(g.nBlocks) \(g.upsampling.rawValue) upsampling size \(g.inputSize) "
            + "ndf \(model.discriminator.ndf) batch \(batchSize), \(path.rawValue) kernels, \(iterations) iterations after 1 warm-up")
        let times = TrainingBenchmark.run(model: model, batchSize: batchSize, iterations: iterations, seed: seed,
                                          kernels: TrainingKernels(path: path)).sorted()
        let median = times[times.count / 2]
        print(String(format: "seconds per iteration: min %.3f  median %.3f  max %.3f", times[0], median, times[times.count - 1]))
    }
}
