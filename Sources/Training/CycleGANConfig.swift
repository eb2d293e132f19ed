import Autograd
import NN

/// Everything that defines the four networks and the objective (CycleGAN paper defaults).
package struct CycleGANConfig: Sendable, Equatable {
    package var generator: GeneratorConfig
    package var discriminator: PatchGANConfig
    package var lambdaCycle: Float
    /// Identity loss weight, as a fraction of `lambdaCycle` (the official `lambda_identity`).
    package var lambdaIdentity: Float
    /// Colour loss weight (absolute, not a fraction): the coarse colour layout of G(photo) held to the photo's
    /// and of F(cartoon) to the cartoon's, against a generator that paints every face one skin tone.
    package var lambdaColour: Float
    /// Standard deviation of the Gaussian noise added to each fake before the other generator reconstructs
    /// from it (0 = off, as in the paper): against the generators hiding the input in faint patterns that
    /// only the other one reads (CycleGAN's steganography), which show as flecks when a fresh partner must
    /// learn them again.
    package var cycleNoise: Float
    /// Lightening loss weight (0 = off, as in the paper): G(photo) pixels more than `lighteningMargin`
    /// lighter than the photo (in grey) cost their excess, against the white blots a generator paints on
    /// highlights, noses and cheeks, too small for the colour loss's blocks to see.
    package var lambdaLightening: Float
    /// Distillation loss weight (0 = off; not in the paper): G(photo) held to a fixed teacher generator's
    /// output (`TeacherGenerator`) with the teacher's blots (`BlotFill`) filled from the skin around them. Lets a trained generator be cleaned of its blots without drifting
    /// away from its style, as it does beside a fresh discriminator.
    package var lambdaTeacher: Float
    /// How the distillation loss measures G(photo) against the target: squared (the mean, the default) or
    /// absolute (the median; `Tape.meanAbsoluteError`), which draws an ambiguous feature once, not twice faintly.
    package var teacherLoss: TeacherLoss
    /// Peak loss weight (0 = off; not in the paper): G's instance-norm outputs beyond `peakLimit` standard
    /// deviations cost their squared excess (`Tape.peakHingeLoss`), against the few-pixel spikes G learns to
    /// steer a channel's normalisation with, which its output shows as red, orange and white dots.
    package var lambdaPeaks: Float
    /// Edge loss weight (0 = off; not in the paper): G(photo)'s steps between neighbouring pixels held to the
    /// teacher's target's (`Tape.gradientDifferenceLoss`), so G draws the target's borders as steps, not ramps.
    package var lambdaEdges: Float
    package var adam: AdamConfig
    /// The colour loss compares 4 x 4 block means: at 128 px a block is 32 px, larger than an eye or a mouth,
    /// so only the tones of skin, hair and background are held, never the drawing. Every valid size divides by 4.
    static let colourGrid = GeneratorConfig.totalStride
    /// 60 grey levels of 255, in [-1, 1] images: what `cartoonify eval` counts as a light fleck.
    static let lighteningMargin: Float = 60 / 127.5
    /// The trained default's encoder outputs peak at 7-11 standard deviations on held-out faces; its last
    /// residual blocks and up stages at 20-32, where its dots are.
    static let peakLimit: Float = 8
    package var poolSize: Int

    package init(generator: GeneratorConfig, discriminator: PatchGANConfig = PatchGANConfig(),
                 lambdaCycle: Float = 10, lambdaIdentity: Float = 0.5, lambdaColour: Float = 0, cycleNoise: Float = 0, lambdaLightening: Float = 0,
                 lambdaTeacher: Float = 0, teacherLoss: TeacherLoss = .squared, lambdaPeaks: Float = 0, lambdaEdges: Float = 0,
                 adam: AdamConfig = AdamConfig(), poolSize: Int = 50) {
        self.generator = generator
        self.discriminator = discriminator
        self.lambdaCycle = lambdaCycle
        self.lambdaIdentity = lambdaIdentity
        self.lambdaColour = lambdaColour
        self.cycleNoise = cycleNoise
        self.lambdaLightening = lambdaLightening
        self.lambdaTeacher = lambdaTeacher
        self.teacherLoss = teacherLoss
        self.lambdaPeaks = lambdaPeaks
        self.lambdaEdges = lambdaEdges
        self.adam = adam
        self.poolSize = poolSize
    }

    /// Sizes the networks cannot be built or trained with, named by their command-line flags.
    package func validate() throws(TrainingError) {
        let size = generator.inputSize
        guard size >= 8, size % GeneratorConfig.totalStride == 0 else {
            throw .invalidOption("--size \(size) must be a multiple of \(GeneratorConfig.totalStride) and at least 8")
        }
        guard size >= discriminator.minimumInputSize else {
            throw .invalidOption("--size \(size) is too small for a \(discriminator.layers)-layer PatchGAN "
                + "(needs at least \(discriminator.minimumInputSize))")
        }
        guard generator.ngf >= 1, generator.nBlocks >= 0 else {
            throw .invalidOption("--ngf must be at least 1 and --blocks at least 0")
        }
        guard poolSize >= 0, lambdaCycle >= 0, lambdaIdentity >= 0, lambdaColour >= 0, lambdaLightening >= 0, lambdaTeacher >= 0,
              lambdaPeaks >= 0, lambdaEdges >= 0, cycleNoise >= 0 else {
            throw .invalidOption("pool size, loss weights and --cycle-noise must not be negative")
        }
    }
}

/// How the distillation loss compares G(photo) with the teacher's target (`--teacher-loss`).
package enum TeacherLoss: String, Sendable, CaseIterable {
    /// Weighted mean squared error (`Tape.meanSquaredError`).
    case squared
    /// Weighted mean absolute error (`Tape.meanAbsoluteError`).
    case absolute
}

/// The losses of one step, named as in the log (photo = domain A, cartoon = domain B of the official code).
package struct StepLosses: Sendable, Equatable {
    /// LSGAN loss of G: D_cartoon(G(photo)) pushed to 1 (official `loss_G_A`).
    package var adversarialG: Float = 0
    /// LSGAN loss of F: D_photo(F(cartoon)) pushed to 1 (`loss_G_B`).
    package var adversarialF: Float = 0
    /// lambda_cycle * |F(G(photo)) - photo| (`loss_cycle_A`).
    package var cyclePhoto: Float = 0
    /// lambda_cycle * |G(F(cartoon)) - cartoon| (`loss_cycle_B`).
    package var cycleCartoon: Float = 0
    /// lambda_cycle * lambda_identity * |G(cartoon) - cartoon| (`loss_idt_A`).
    package var identityG: Float = 0
    /// lambda_cycle * lambda_identity * |F(photo) - photo| (`loss_idt_B`).
    package var identityF: Float = 0
    /// lambda_colour * |block means of G(photo) - block means of photo| (not in the paper).
    package var colourG: Float = 0
    /// lambda_colour * |block means of F(cartoon) - block means of cartoon|.
    package var colourF: Float = 0
    /// lambda_lightening * mean excess lightening of G(photo) over the photo (not in the paper).
    package var lighteningG: Float = 0
    /// lambda_teacher * (G(photo) - teacher(photo) with its blots filled)², or its absolute value (not in the paper).
    package var teacherG: Float = 0
    /// lambda_peaks * squared excess of G's norm outputs over `CycleGANConfig.peakLimit` (not in the paper).
    package var peaksG: Float = 0
    /// lambda_edges * |steps of G(photo) - steps of the teacher's target| (not in the paper).
    package var edgesG: Float = 0
    /// 0.5 * (MSE(D_cartoon(cartoon), 1) + MSE(D_cartoon(pooled fake cartoon), 0)) (`loss_D_A`).
    package var discriminatorCartoon: Float = 0
    /// The same for D_photo (`loss_D_B`).
    package var discriminatorPhoto: Float = 0

    package init() {}

    package var generatorTotal: Float { adversarialG + adversarialF + cyclePhoto + cycleCartoon + identityG + identityF + colourG + colourF + lighteningG + teacherG + peaksG + edgesG }

    /// Log keys and values, in a fixed order: the paper's losses first, as the PyTorch fixtures list them.
    package var named: [(String, Float)] {
        [("G", adversarialG), ("F", adversarialF), ("cycle_photo", cyclePhoto), ("cycle_cartoon", cycleCartoon),
         ("idt_G", identityG), ("idt_F", identityF), ("D_cartoon", discriminatorCartoon), ("D_photo", discriminatorPhoto),
         ("colour_G", colourG), ("colour_F", colourF), ("lighten_G", lighteningG), ("teacher_G", teacherG), ("peaks_G", peaksG),
         ("edges_G", edgesG)]
    }
}
