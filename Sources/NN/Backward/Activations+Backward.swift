import Tensor

extension Tape {
    public func relu(_ input: Variable) -> Variable {
        let y = value(input).relu()
        return record(y, inputs: [input]) { dy, _ in [zipElements(dy, y) { g, out in out > 0 ? g : 0 }] }
    }

    /// PyTorch's `LeakyReLU(slope)`; the discriminators use 0.2.
    public func leakyReLU(_ input: Variable, slope: Float = 0.2) -> Variable {
        let x = value(input)
        return record(x.leakyReLU(slope: slope), inputs: [input]) { dy, _ in
            [zipElements(dy, x) { g, v in v > 0 ? g : g * slope }]
        }
    }

    public func tanh(_ input: Variable) -> Variable {
        let y = value(input).tanh()
        return record(y, inputs: [input]) { dy, _ in [zipElements(dy, y) { g, out in g * (1 - out * out) }] }
    }
}
