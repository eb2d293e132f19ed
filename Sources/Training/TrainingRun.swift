import Autograd
import Foundation
import NN

/// Everything `cartoonify-train` can be asked to do.
package struct TrainingOptions: Sendable {
    package var photos: String
    package var cartoons: String
    package var output: String
    package var model: CycleGANConfig
    /// The run's length: `steps` when set, else `epochs` (200 when neither is).
    package var steps: Int?
    package var epochs: Int?
    package var batchSize: Int = 1
    package var learningRate: Double = 2e-4
    package var checkpointDirectory: String
    package var checkpointEvery: Int = 500
    package var sampleEvery: Int = 500
    package var resume: Bool = false
    package var seed: UInt64 = 0
    package var photoPreprocessing: SquarePreprocessing = .pad
    package var cartoonPreprocessing: SquarePreprocessing = .center
    /// Folder of photos the training never sees, shown in the sample sheets (default: the training photos).
    package var samplePhotos: String?
    package var sampleCount: Int = 8
    /// An exported generator (weights file) to start the photo -> cartoon generator from instead of random
    /// weights; ignored when a checkpoint is resumed.
    package var initGenerator: String?
    /// An exported cartoon -> photo generator (`direction` cartoon-to-photo) to start F from: G's partner,
    /// without which a warm-started G unlearns its style. Ignored when a checkpoint is resumed.
    package var initPartner: String?
    /// A checkpoint of another run (another discriminator depth, upsampling or loss weights) to start all four
    /// networks from, tensor by tensor where name and shape match; optimisers, pools and step start fresh.
    /// Ignored when a checkpoint is resumed.
    package var initCheckpoint: String?
    /// Steps (counted from the run's step 0) during which G's weights are held while F and the discriminators
    /// learn: a generator warm-started beside fresh networks is otherwise pulled back towards the identity
    /// (F cannot yet invert its drawing, so the cycle loss rewards G for copying the photo).
    package var holdGeneratorSteps: Int = 0
    /// Stop after this step (a checkpoint is written, nothing exported) with the schedule of the whole run, so
    /// that a later phase can resume it with other loss weights or target options.
    package var stopAtStep: Int?
    /// An exported photo -> cartoon generator that the distillation loss (`model.lambdaTeacher`) holds G to;
    /// needed on every start and resume of a run with that loss on, and refused without it.
    package var teacher: String?
    /// G learns from the teacher alone (`CycleGANState.teacherStep`): F and the discriminators stay as they are.
    package var teacherOnly = false
    /// How the teacher's output becomes G's target (spots, flattening, ink, avatars).
    package var teacherTarget = TeacherTarget()
    /// The folder of the photos' avatars the target is laid over (`teacherTarget.avatars`).
    package var teacherAvatars: String?
    /// Keep an average of G's weights with this decay per step (`WeightAverage`), exported instead of G's last
    /// step; 0 = none (a resumed checkpoint's average is dropped), nil = as the resumed checkpoint has it.
    package var averageDecay: Float?
    /// Extra `__metadata__` for the exported generator (e.g. the face framing the training photos had).
    package var exportMetadata: [String: String] = [:]
    /// The kernel path and cores the training passes run on (the executable reads `CARTOONIFY_KERNELS`).
    package var kernels = TrainingKernels()

    package init(photos: String, cartoons: String, output: String, model: CycleGANConfig, checkpointDirectory: String) {
        self.photos = photos
        self.cartoons = cartoons
        self.output = output
        self.model = model
        self.checkpointDirectory = checkpointDirectory
    }

    /// Problems with the options themselves, found before any data is read.
    package func validate() throws(TrainingError) {
        try model.validate()
        guard batchSize >= 1 else { throw .invalidOption("--batch-size must be at least 1") }
        if let steps, steps < 1 { throw .invalidOption("--steps must be at least 1") }
        if let epochs, epochs < 1 { throw .invalidOption("--epochs must be at least 1") }
        if let averageDecay, !(0..<1).contains(averageDecay) {
            throw .invalidOption("--average-decay must be from 0 (no average) to below 1, e.g. 0.999")
        }
        guard checkpointEvery >= 1, sampleEvery >= 1, sampleCount >= 1 else {
            throw .invalidOption("--checkpoint-every, --sample-every and --sample-count must be at least 1")
        }
        guard holdGeneratorSteps >= 0 else { throw .invalidOption("--hold-generator must not be negative") }
        if let stopAtStep, stopAtStep < 1 { throw .invalidOption("--stop-at must be a step of the run, at least 1") }
        if (model.lambdaTeacher > 0) != (teacher != nil) {
            throw .invalidOption(teacher == nil ? "--lambda-teacher needs --teacher FILE (the generator to hold G to)"
                                                : "--teacher needs a --lambda-teacher above 0")
        }
        if model.lambdaEdges > 0, teacher == nil { throw .invalidOption("--lambda-edges needs --teacher FILE and --lambda-teacher") }
        if model.teacherLoss != .squared, teacher == nil { throw .invalidOption("--teacher-loss needs --teacher FILE and --lambda-teacher") }
        if teacherOnly, teacher == nil { throw .invalidOption("--teacher-only needs --teacher FILE and --lambda-teacher") }
        if teacherOnly, holdGeneratorSteps > 0 { throw .invalidOption("--teacher-only trains G alone: it cannot be held") }
        try teacherTarget.validate(hasTeacher: teacher != nil)
        guard (teacherAvatars != nil) == (teacherTarget.avatars != .none) else {
            throw .invalidOption(teacherAvatars == nil ? "a target over avatars needs --teacher-avatars FOLDER"
                                                       : "--teacher-avatars needs the teacher's target laid over them")
        }
        if initCheckpoint != nil, let other = initGenerator != nil ? "--init-generator" : initPartner != nil ? "--init-partner" : nil {
            throw .invalidOption("\(other) and --init-checkpoint both name starting weights: give one")
        }
    }

    var checkpointPath: String { (checkpointDirectory as NSString).appendingPathComponent("checkpoint.safetensors") }
    var logPath: String { (checkpointDirectory as NSString).appendingPathComponent("losses.jsonl") }
    func samplePath(step: Int, suffix: String = "") -> String {
        (checkpointDirectory as NSString).appendingPathComponent(String(format: "samples/step-%07d%@.png", step, suffix))
    }
}

/// What a finished (or stopped) run reports.
package struct TrainingSummary: Sendable {
    package var completedSteps: Int
    package var totalSteps: Int
    package var resumedFrom: Int?
    package var skippedFiles: Int
    package var lastLosses: StepLosses?
    /// Stopped early by a `StopRequest`, after writing a checkpoint.
    package var interrupted = false
}

/// The training loop: data on a producer thread, one CycleGAN step per batch, a loss line per step, sample
/// sheets and checkpoints every N steps, and the exported generator at the end.
package enum TrainingRun {
    /// Trains until `options`' length (or `stopAtStep`) is reached, or until `stop` is requested: then the
    /// current step finishes and a checkpoint is written.
    /// `output` receives the progress display and messages as raw text (stderr by default).
    package static func run(_ options: TrainingOptions, stop: StopRequest? = nil,
                            output: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) throws(TrainingError) -> TrainingSummary {
        let message = { (line: String) in output(line + "\n") }
        try options.validate()
        let photos = try ImageFolder(scanning: options.photos)
        let cartoons = try ImageFolder(scanning: options.cartoons)
        let avatars = try options.teacherAvatars.map { root throws(TrainingError) in try AvatarFolder(root: root, photos: photos) }
        let size = options.model.generator.inputSize
        let source = DataSource(
            photos: photos, cartoons: cartoons,
            photoAugmentation: Augmentation(preprocessing: options.photoPreprocessing, cropSize: size),
            cartoonAugmentation: Augmentation(preprocessing: options.cartoonPreprocessing, cropSize: size),
            batchSize: options.batchSize, seed: options.seed, avatars: avatars)
        let totalSteps = options.steps ?? (options.epochs ?? 200) * source.stepsPerEpoch
        if let stopAt = options.stopAtStep, stopAt > totalSteps {
            throw .invalidOption("--stop-at \(stopAt) is past the run's \(totalSteps) steps")
        }
        message("photos: \(photos.files.count) in \(photos.root); cartoons: \(cartoons.files.count) in \(cartoons.root); "
            + "\(source.stepsPerEpoch) steps per epoch, \(totalSteps) steps")

        let teacher = try options.teacher.map { path throws(TrainingError) in
            try TeacherGenerator(path: path, inputSize: size, target: options.teacherTarget)
        }
        var runMetadata = ["seed": String(options.seed), "batch_size": String(options.batchSize),
                           "photos": photos.root, "cartoons": cartoons.root, "total_steps": String(totalSteps),
                           "photo_count": String(photos.files.count), "cartoon_count": String(cartoons.files.count)]
        if let teacher, let path = options.teacher {
            runMetadata["teacher_sha256"] = teacher.sha256
            runMetadata.merge(teacher.target.metadata) { _, new in new }
            if let avatars { runMetadata["avatars"] = avatars.root }
            message("G(photo) is held to the teacher \(path) (sha256 \(teacher.sha256.prefix(12))) "
                + "with weight \(options.model.lambdaTeacher), its blots\(teacher.target.summary)")
        }
        var state = CycleGANState(config: options.model, seed: options.seed)
        var resumedFrom: Int?
        if options.resume {
            if FileManager.default.fileExists(atPath: options.checkpointPath) {
                let (restored, metadata) = try Checkpoint.read(from: options.checkpointPath, config: options.model)
                for key in ["seed", "batch_size"] where metadata[key] != runMetadata[key] {
                    throw .checkpointMismatch("--\(key.replacingOccurrences(of: "_", with: "-")) is \(runMetadata[key] ?? "") "
                        + "but the checkpoint was made with \(metadata[key] ?? "missing")")
                }
                state = restored
                resumedFrom = state.step
                message("resuming from step \(state.step) (\(options.checkpointPath))")
                for change in Checkpoint.changedLossWeights(checkpoint: metadata, run: options.model) {
                    message("loss weight changed from the checkpoint's: \(change)")
                }
                if let recorded = metadata["teacher_sha256"], recorded != runMetadata["teacher_sha256"] {
                    message("the teacher differs from the checkpoint's (sha256 \(recorded.prefix(12)) there)")
                }
                if let teacher {
                    for change in teacher.target.changes(from: metadata) { message("the teacher's target changed: \(change)") }
                }
            } else {
                message("--resume: no checkpoint at \(options.checkpointPath) yet, starting from step 0")
            }
        }
        let warmGenerators: [(String?, GeneratorDirection, WritableKeyPath<CycleGANState, ParameterSet>)] =
            [(options.initGenerator, .photoToCartoon, \.g), (options.initPartner, .cartoonToPhoto, \.f)]
        for case let (path?, direction, network) in warmGenerators where resumedFrom == nil {
            let (parameters, fresh) = try initialGenerator(path, direction: direction, config: options.model.generator,
                                                           fresh: state[keyPath: network])
            state[keyPath: network] = parameters
            message("\(direction.arrows) generator starts from \(path)"
                + (fresh.isEmpty ? "" : "; these start fresh (the file has them in another form): " + fresh.joined(separator: ", ")))
        }
        if resumedFrom == nil, let path = options.initCheckpoint {
            let fresh = try Checkpoint.warmStart(&state, from: path)
            message("all four networks start from \(path) (new optimiser state, image pools and schedule)"
                + (fresh.isEmpty ? "" : "; these start fresh (not in the file in this shape): " + fresh.joined(separator: ", ")))
        }
        averageWeights(&state, decay: options.averageDecay, message: message)
        if state.step < options.holdGeneratorSteps {
            message("photo -> cartoon generator held until step \(options.holdGeneratorSteps) (F and the discriminators learn)")
        }
        let sampleFolder = try options.samplePhotos.map { path throws(TrainingError) in try ImageFolder(scanning: path) } ?? photos
        let validation = source.validationPhotos(from: sampleFolder, count: options.sampleCount)
        let log = try LossLog(path: options.logPath)
        let schedule = LearningRateSchedule(baseRate: options.learningRate, totalSteps: totalSteps)
        var progress = ProgressReporter(totalSteps: totalSteps, stepsPerEpoch: source.stepsPerEpoch, output: output)
        let lastStep = min(totalSteps, options.stopAtStep ?? totalSteps)
        if state.step > totalSteps {
            message("the checkpoint is at step \(state.step), past this run's \(totalSteps) steps: nothing to do")
        } else if state.step >= lastStep, state.step < totalSteps {
            message("the checkpoint is at step \(state.step), at or past --stop-at \(lastStep): nothing to do")
        }
        let loader = BatchLoader(source: source, steps: state.step..<max(state.step, lastStep))
        var skipped = 0
        var lastLosses: StepLosses?
        var interrupted = false

        while state.step < lastStep {
            let batch = try loader.next()
            if batch.skippedFiles > skipped {
                progress.finishLine()
                message("skipped \(batch.skippedFiles) unreadable image file(s) so far")
                skipped = batch.skippedFiles
            }
            let started = Date()
            let step = state.step
            let rate = schedule.rate(atStep: step)
            let losses = if options.teacherOnly, let teacher {
                state.teacherStep(photos: batch.photos, avatars: batch.avatars, learningRate: rate, teacher: teacher,
                                  kernels: options.kernels)
            } else {
                state.trainStep(photos: batch.photos, cartoons: batch.cartoons, learningRate: rate,
                                trainGenerator: step >= options.holdGeneratorSteps, teacher: teacher, avatars: batch.avatars,
                                kernels: options.kernels)
            }
            state.gAverage?.update(toward: state.g)
            let seconds = Date().timeIntervalSince(started)
            lastLosses = losses
            try log.append(step: state.step, epoch: source.epoch(ofStep: step), learningRate: rate, losses: losses, seconds: seconds)
            progress.update(completedSteps: state.step, epoch: source.epoch(ofStep: step), losses: losses, seconds: seconds)
            let finished = state.step == lastStep
            if let validation, state.step % options.sampleEvery == 0 || state.step == totalSteps {
                try SampleSheet.write(state: state, photos: validation, kernels: options.kernels,
                                      to: options.samplePath(step: state.step))
                try LossPlot.write(logPath: options.logPath, to: options.samplePath(step: state.step, suffix: "-losses"))
            }
            interrupted = !finished && stop?.isRequested == true
            if state.step % options.checkpointEvery == 0 || finished || interrupted {
                try Checkpoint.write(state, extra: runMetadata, to: options.checkpointPath)
            }
            if interrupted {
                progress.finishLine()
                message("interrupted after step \(state.step) of \(totalSteps): checkpoint written to "
                    + "\(options.checkpointPath); run again with --resume to continue")
                break
            }
        }
        progress.finishLine()
        // A phase that stops early exports nothing, even when rerun on a finished checkpoint.
        if state.step == totalSteps, options.stopAtStep ?? totalSteps == totalSteps {
            let provenance = TrainingProvenance(photos: photos.root, photoCount: photos.files.count, cartoons: cartoons.root,
                                                cartoonCount: cartoons.files.count, steps: state.step, seed: options.seed)
            try GeneratorExport.writeExportedG(of: state, provenance: provenance, extra: options.exportMetadata, to: options.output)
            message("wrote \(options.output) (generator photo -> cartoon, \(state.g.parameterCount) parameters"
                + (state.gAverage.map { ", its weights averaged since step \($0.since) with decay \($0.decay)" } ?? "") + ")")
        }
        return TrainingSummary(completedSteps: state.step, totalSteps: totalSteps, resumedFrom: resumedFrom,
                               skippedFiles: skipped, lastLosses: lastLosses, interrupted: interrupted)
    }

    /// Starts, keeps, re-decays or drops `state`'s average of G as `decay` asks (see `TrainingOptions.averageDecay`).
    static func averageWeights(_ state: inout CycleGANState, decay: Float?, message: (String) -> Void) {
        switch (decay, state.gAverage) {
        case (0, let average?):
            state.gAverage = nil
            message("the checkpoint's average of G (since step \(average.since)) is dropped: --average-decay is 0")
        case (let decay?, nil) where decay > 0:
            state.gAverage = WeightAverage(decay: decay, since: state.step, parameters: state.g)
            message("G's weights are averaged from step \(state.step) on (decay \(decay)); the average is exported")
        case (let decay?, var average?) where average.decay != decay:
            message("G's average (since step \(average.since)) goes on with decay \(decay) (\(average.decay) in the checkpoint)")
            average.decay = decay
            state.gAverage = average
        default:
            break
        }
    }

    /// The weights of an exported generator, checked to be the architecture this run trains. A file that
    /// differs only in its upsampling gives every tensor it shares by name and shape; the up stages keep
    /// their `fresh` initialisation, and their names come back second.
    static func initialGenerator(_ path: String, direction: GeneratorDirection, config: GeneratorConfig,
                                 fresh: ParameterSet) throws(TrainingError) -> (ParameterSet, [String]) {
        let loaded: LoadedGenerator
        do {
            loaded = try Generator.load(from: URL(fileURLWithPath: path), direction: nil)
        } catch {
            throw .badCheckpoint(path: path, reason: "\(error)")
        }
        let option = direction == .photoToCartoon ? "--init-generator" : "--init-partner"
        // The loader has refused a direction it does not know.
        if let recorded = GeneratorDirection(metadata: loaded.metadata), recorded != direction {
            throw .checkpointMismatch("\(option) \(path) is a \(recorded.arrows) generator, "
                + "not a \(direction.arrows) one (cartoonify-train export --generator \(direction.rawValue) writes one)")
        }
        var found = loaded.generator.config
        found.upsampling = config.upsampling
        guard found == config else {
            throw .checkpointMismatch("\(option) \(path) is \(found.architecture.rawValue) ngf \(found.ngf) "
                + "blocks \(found.nBlocks) size \(found.inputSize), this run trains \(config.architecture.rawValue) "
                + "ngf \(config.ngf) blocks \(config.nBlocks) size \(config.inputSize)")
        }
        return fresh.overlaid(with: loaded.generator.namedParameters)
    }
}
