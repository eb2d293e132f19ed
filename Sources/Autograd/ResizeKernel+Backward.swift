import NN

extension Tape {
    /// The [Cin, Cout, 4, 4] transposed-convolution kernel that runs a resize convolution's [Cout, Cin, 3, 3]
    /// weights (`ResizeConvolution`); its gradient folds back onto the 3x3 taps.
    package func resizeConvolutionKernel(_ weight: Variable) -> Variable {
        let w = value(weight)
        let (outChannels, inChannels) = (w.shape[0], w.shape[1])
        precondition(w.shape == [outChannels, inChannels, 3, 3], "resizeConvolutionKernel: weights must be [Cout, Cin, 3, 3], got \(w.shape)")
        let kernel = ResizeConvolution.transposedKernel(w.storage, outChannels: outChannels, inChannels: inChannels)
        return record(Tensor(shape: [inChannels, outChannels, 4, 4], storage: kernel), inputs: [weight]) { dk, _ in
            [Tensor(shape: w.shape, storage: ResizeConvolution.weightGradient(dk.storage, outChannels: outChannels,
                                                                              inChannels: inChannels))]
        }
    }
}
