import Autograd
import NN

extension CycleGANState {
    /// One training iteration in the official order (`optimize_parameters`): generators first with the
    /// discriminators frozen, then both discriminators on real images and pooled, detached fakes.
    /// `photos`, `cartoons`: `[N, 3, S, S]` in [-1, 1]. Every pass runs on `kernels`. `trainGenerator` false
    /// holds G's weights (no gradients, no Adam step) while F and both discriminators learn around it.
    /// `teacher` is what the distillation loss holds G(photo) to; it must be given when that loss is on, and
    /// `avatars` (the photos' own) when its target is laid over them.
    package mutating func trainStep(photos: Tensor, cartoons: Tensor, learningRate: Double,
                                    trainGenerator: Bool = true, teacher: TeacherGenerator? = nil, avatars: Tensor? = nil,
                                    kernels: TrainingKernels) -> StepLosses {
        var losses = StepLosses()
        let generators = config.generator, discriminators = config.discriminator
        let lambda = config.lambdaCycle, lambdaIdentity = config.lambdaCycle * config.lambdaIdentity

        // Generators G (photo -> cartoon) and F (cartoon -> photo).
        let tape = Tape(kernels: kernels)
        let realPhoto = tape.constant(photos), realCartoon = tape.constant(cartoons)
        let gVars = g.variables(on: tape, trainable: trainGenerator), fVars = f.variables(on: tape, trainable: true)
        let dCartoonFrozen = dCartoon.variables(on: tape, trainable: false)
        let dPhotoFrozen = dPhoto.variables(on: tape, trainable: false)
        let (fakeCartoon, gNorms) = tape.generatorWithNorms(realPhoto, config: generators, parameters: gVars)
        let reconstructedPhoto = tape.generator(noisy(fakeCartoon, on: tape), config: generators, parameters: fVars)
        let fakePhoto = tape.generator(realCartoon, config: generators, parameters: fVars)
        let reconstructedCartoon = tape.generator(noisy(fakePhoto, on: tape), config: generators, parameters: gVars)
        var terms: [Variable] = []
        func term(_ v: Variable, _ weight: Float, _ keyPath: WritableKeyPath<StepLosses, Float>) {
            terms.append(losses.weighted(v, by: weight, as: keyPath, on: tape))
        }
        if lambdaIdentity > 0 {
            let identityCartoon = tape.generator(realCartoon, config: generators, parameters: gVars)
            term(tape.meanAbsoluteError(identityCartoon, realCartoon), lambdaIdentity, \.identityG)
            let identityPhoto = tape.generator(realPhoto, config: generators, parameters: fVars)
            term(tape.meanAbsoluteError(identityPhoto, realPhoto), lambdaIdentity, \.identityF)
        }
        if config.lambdaColour > 0 {
            term(tape.blockMeanAbsoluteError(fakePhoto, realCartoon, grid: CycleGANConfig.colourGrid), config.lambdaColour, \.colourF)
        }
        for (loss, weight, keyPath) in photoToCartoonTerms(fakeCartoon, realPhoto, norms: gNorms, teacher: teacher, avatars: avatars, on: tape) {
            term(loss, weight, keyPath)
        }
        term(tape.meanSquaredError(tape.patchGAN(fakeCartoon, config: discriminators, parameters: dCartoonFrozen), target: 1),
             1, \.adversarialG)
        term(tape.meanSquaredError(tape.patchGAN(fakePhoto, config: discriminators, parameters: dPhotoFrozen), target: 1),
             1, \.adversarialF)
        term(tape.meanAbsoluteError(reconstructedPhoto, realPhoto), lambda, \.cyclePhoto)
        term(tape.meanAbsoluteError(reconstructedCartoon, realCartoon), lambda, \.cycleCartoon)
        tape.backward(from: terms.dropFirst().reduce(terms[0]) { tape.add($0, $1) })
        let adam = config.adam
        if trainGenerator {
            adamG.update(&g, gradients: gradients(gVars, on: tape), learningRate: learningRate, config: adam, kernels: kernels)
        }
        adamF.update(&f, gradients: gradients(fVars, on: tape), learningRate: learningRate, config: adam, kernels: kernels)

        // Discriminators, on fakes from the generators before their update (as the official code does).
        let pooledCartoon = poolCartoon.query(tape.value(fakeCartoon), rng: &rng)
        let pooledPhoto = poolPhoto.query(tape.value(fakePhoto), rng: &rng)
        losses.discriminatorCartoon = trainDiscriminator(
            \.dCartoon, adam: \.adamDCartoon, real: cartoons, fake: pooledCartoon, learningRate: learningRate, kernels: kernels)
        losses.discriminatorPhoto = trainDiscriminator(
            \.dPhoto, adam: \.adamDPhoto, real: photos, fake: pooledPhoto, learningRate: learningRate, kernels: kernels)
        step += 1
        return losses
    }

    /// One step of G alone on its teacher (`--teacher-only`): the distillation loss, plus the colour and
    /// lightening losses where they are on; no F, no discriminators, no cycle, so nothing pulls G away from
    /// the teacher's drawing but what the target itself changes (its filled blots). A third of `trainStep`'s work.
    package mutating func teacherStep(photos: Tensor, avatars: Tensor? = nil, learningRate: Double, teacher: TeacherGenerator,
                                      kernels: TrainingKernels) -> StepLosses {
        var losses = StepLosses()
        let tape = Tape(kernels: kernels)
        let realPhoto = tape.constant(photos)
        let gVars = g.variables(on: tape, trainable: true)
        let (fakeCartoon, norms) = tape.generatorWithNorms(realPhoto, config: config.generator, parameters: gVars)
        let weighted = photoToCartoonTerms(fakeCartoon, realPhoto, norms: norms, teacher: teacher, avatars: avatars, on: tape).map { loss, weight, keyPath in
            losses.weighted(loss, by: weight, as: keyPath, on: tape)
        }
        tape.backward(from: weighted.dropFirst().reduce(weighted[0]) { tape.add($0, $1) })
        adamG.update(&g, gradients: gradients(gVars, on: tape), learningRate: learningRate, config: config.adam, kernels: kernels)
        step += 1
        return losses
    }

    /// G's terms beyond the paper's, each where its weight is on: colour (G(photo)'s block means against the
    /// photo's), lightening, peaks (on G's instance norm outputs, `norms`), and distillation towards
    /// `teacher`'s target (which must be given when that is on), with its edges where those are on.
    private func photoToCartoonTerms(_ fakeCartoon: Variable, _ realPhoto: Variable, norms: [Variable], teacher: TeacherGenerator?,
                                     avatars: Tensor?, on tape: Tape) -> [(Variable, Float, WritableKeyPath<StepLosses, Float>)] {
        var terms: [(Variable, Float, WritableKeyPath<StepLosses, Float>)] = []
        if config.lambdaColour > 0 {
            terms.append((tape.blockMeanAbsoluteError(fakeCartoon, realPhoto, grid: CycleGANConfig.colourGrid),
                          config.lambdaColour, \.colourG))
        }
        if config.lambdaLightening > 0 {
            terms.append((tape.lighteningHingeLoss(fakeCartoon, over: realPhoto, margin: CycleGANConfig.lighteningMargin),
                          config.lambdaLightening, \.lighteningG))
        }
        if config.lambdaPeaks > 0 {
            terms.append((tape.peakHingeLoss(norms, limit: CycleGANConfig.peakLimit), config.lambdaPeaks, \.peaksG))
        }
        precondition(config.lambdaTeacher == 0 || teacher != nil, "the distillation loss is on but no teacher was given")
        if config.lambdaTeacher > 0, let teacher {
            let (target, weights) = teacher.targets(for: tape.value(realPhoto), avatars: avatars, kernels: tape.kernels)
            let held = tape.constant(target)
            let distance = config.teacherLoss == .squared ? tape.meanSquaredError(fakeCartoon, held, weights: weights)
                : tape.meanAbsoluteError(fakeCartoon, held, weights: weights)
            terms.append((distance, config.lambdaTeacher, \.teacherG))
            if config.lambdaEdges > 0 { terms.append((tape.gradientDifferenceLoss(fakeCartoon, held), config.lambdaEdges, \.edgesG)) }
        }
        return terms
    }

    /// 0.5 * (MSE(D(real), 1) + MSE(D(fake), 0)), one Adam step; returns the loss.
    private mutating func trainDiscriminator(
        _ network: WritableKeyPath<CycleGANState, ParameterSet>, adam: WritableKeyPath<CycleGANState, AdamState>,
        real: Tensor, fake: Tensor, learningRate: Double, kernels: TrainingKernels
    ) -> Float {
        let tape = Tape(kernels: kernels)
        let vars = self[keyPath: network].variables(on: tape, trainable: true)
        let config = self.config.discriminator
        let realLoss = tape.meanSquaredError(tape.patchGAN(tape.constant(real), config: config, parameters: vars), target: 1)
        let fakeLoss = tape.meanSquaredError(tape.patchGAN(tape.constant(fake), config: config, parameters: vars), target: 0)
        let loss = tape.scale(tape.add(realLoss, fakeLoss), by: 0.5)
        tape.backward(from: loss)
        // Moved out and back: `update` cannot borrow two parts of `self` at once.
        var parameters = self[keyPath: network]
        self[keyPath: network] = ParameterSet(tensors: [:])
        self[keyPath: adam].update(&parameters, gradients: gradients(vars, on: tape),
                                   learningRate: learningRate, config: self.config.adam, kernels: kernels)
        self[keyPath: network] = parameters
        return tape.value(loss).storage[0]
    }

    /// `fake` plus fresh N(0, cycleNoise²) noise, or `fake` itself when the noise is off (drawing nothing).
    private mutating func noisy(_ fake: Variable, on tape: Tape) -> Variable {
        let sigma = Double(config.cycleNoise)
        guard sigma > 0 else { return fake }
        let shape = tape.value(fake).shape
        let noise = (0..<shape.reduce(1, *)).map { _ in Float(rng.nextGaussian() * sigma) }
        return tape.add(fake, tape.constant(Tensor(shape: shape, storage: noise)))
    }

    private func gradients(_ vars: [String: Variable], on tape: Tape) -> [String: Tensor] {
        vars.compactMapValues { tape.gradient(of: $0) }
    }

    /// G(photo) without recording gradients, for sample sheets and export checks.
    package func cartoonify(_ photos: Tensor, kernels: TrainingKernels) -> Tensor {
        Self.run(g, photos, config.generator, kernels)
    }

    /// F(cartoon), for the reconstruction column of sample sheets.
    package func photographize(_ cartoons: Tensor, kernels: TrainingKernels) -> Tensor {
        Self.run(f, cartoons, config.generator, kernels)
    }

    static func run(_ network: ParameterSet, _ input: Tensor, _ config: GeneratorConfig,
                            _ kernels: TrainingKernels) -> Tensor {
        let tape = Tape(kernels: kernels)
        return tape.value(tape.generator(tape.constant(input), config: config,
                                         parameters: network.variables(on: tape, trainable: false)))
    }
}

private extension StepLosses {
    /// `loss` times `weight`, its value logged under `keyPath`: one term of a step's total.
    mutating func weighted(_ loss: Variable, by weight: Float, as keyPath: WritableKeyPath<StepLosses, Float>,
                           on tape: Tape) -> Variable {
        let weighted = weight == 1 ? loss : tape.scale(loss, by: weight)
        self[keyPath: keyPath] = tape.value(weighted).storage[0]
        return weighted
    }
}
