import NN
import Reference
import Testing

/// Each op against PyTorch (float64 reference) on the committed cases in Fixtures/ops.
@Suite struct OpReferenceTests {
    @Test(arguments: Fixtures.files(in: "ops"))
    func matchesPyTorch(file: String) throws {
        let fixture = try Fixtures.load("ops/" + file)
        let input = try fixture.tensor("input")
        let expected = try fixture.tensor("output")
        let weight = fixture.tensors["weight"]
        let bias = fixture.tensors["bias"]
        let output: Tensor
        switch fixture.metadata["op"] {
        case "conv2d":
            let layer = Conv2d(weight: try #require(weight), bias: bias,
                               stride: try fixture.integer("stride"), padding: try fixture.integer("padding"))
            output = layer.forward(input)
        case "conv_transpose2d":
            let layer = ConvTranspose2d(weight: try #require(weight), bias: bias, stride: try fixture.integer("stride"),
                                        padding: try fixture.integer("padding"), outputPadding: try fixture.integer("output_padding"))
            output = layer.forward(input)
        case "reflection_pad2d":
            output = ReflectionPad2d(padding: try fixture.integer("padding")).forward(input)
        case "instance_norm2d":
            output = InstanceNorm2d(channels: input.shape[1], weight: weight, bias: bias).forward(input)
        case "relu":
            output = input.relu()
        case "leaky_relu":
            output = input.leakyReLU(slope: 0.2)
        case "tanh":
            output = input.tanh()
        case let op:
            Issue.record("unknown op \(op ?? "nil") in \(file)")
            return
        }
        try #require(output.shape == expected.shape)
        #expect(output.maxAbsDifference(expected) <= 1e-4, "\(file)")
    }

    @Test func everyOpKindHasAFixture() throws {
        let ops = try Set(Fixtures.files(in: "ops").map { try Fixtures.load("ops/" + $0).metadata["op"] ?? "" })
        #expect(ops == ["conv2d", "conv_transpose2d", "reflection_pad2d", "instance_norm2d", "relu", "leaky_relu", "tanh"])
    }
}
