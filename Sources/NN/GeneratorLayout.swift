/// Where every parameter of a generator lives: its state-dict name and shape.
///
/// The single source of the naming scheme, used to list expected tensors, to check a weights file, to plan
/// the inference pass and to record the training tape, so they can never disagree.
///
/// `resnet` uses the official PyTorch `ResnetGenerator` `nn.Sequential` indices (n = n_blocks):
/// `model.1` conv7 3->ngf, `model.2` IN, `model.4`/`model.7` stride-2 convs, `model.5`/`model.8` IN,
/// `model.{10+i}.conv_block.{1,5}` block convs with `.{2,6}` IN, `model.{10+n}`/`model.{13+n}`
/// transposed convs with `model.{11+n}`/`model.{14+n}` IN, `model.{17+n}` conv7 ngf->3.
///
/// `unet-resnet` (this project's names): `stem.conv`/`stem.norm` (conv7 3->ngf), `down.{0,1}.conv`/`.norm`
/// (stride 2, ngf->2ngf->4ngf), `blocks.{i}.conv1`/`norm1`/`conv2`/`norm2` (4ngf), `up.0.deconv`/`.norm`
/// (concat[blocks, down.1] 8ngf -> 2ngf), `up.1.deconv`/`.norm` (concat[up.0, down.0] 4ngf -> ngf),
/// `head.conv` (concat[up.1, stem] 2ngf -> 3, conv7). Every conv has a bias; norms have `weight`/`bias`
/// only when affine.
///
/// With `resize` upsampling each up stage holds a plain 3x3 convolution ([Cout, Cin, 3, 3]) under the same
/// name (`up.{0,1}.conv` for `unet-resnet`), applied after a nearest-neighbour 2x.
///
/// The U-Net skips are listed here too (`skips`), so the inference plan, the training tape and the reference
/// walk join the same encoder outputs to the same decoder stages, and the decoder's input widths follow.
package struct GeneratorLayout: Sendable {
    package struct Conv: Sendable {
        package let prefix: String
        /// [Cout, Cin, K, K] for convolutions (resize up stages included), [Cin, Cout, K, K] for transposed ones.
        let weightShape: [Int]
        let outChannels: Int
    }
    package struct Norm: Sendable {
        package let prefix: String
        package let channels: Int
    }
    package struct Stage: Sendable {
        package let conv: Conv
        package let norm: Norm
    }
    package struct Block: Sendable {
        package let conv1: Conv, norm1: Norm, conv2: Conv, norm2: Norm
    }
    /// One skip edge: the activated output of an encoder stage, concatenated after the decoder's own channels
    /// onto the input of the decoder stage at the same resolution.
    package struct Skip: Sendable, Equatable {
        /// The encoder stage whose output is joined: 0 the stem, `i + 1` `down[i]`.
        package let encoder: Int
        /// The decoder stage it joins: `i` `up[i]`, `up.count` the head.
        package let decoder: Int
        /// The encoder output's channels.
        package let channels: Int
    }

    /// How `up` doubles the resolution.
    package let upsampling: GeneratorUpsampling
    package let stem: Stage
    package let down: [Stage]
    package let blocks: [Block]
    package let up: [Stage]
    package let head: Conv
    /// Every skip edge, at most one into each decoder stage; none for `resnet`.
    package let skips: [Skip]

    package init(config: GeneratorConfig) {
        let ngf = config.ngf, rgb = GeneratorConfig.imageChannels
        let unet = config.architecture == .unetResnet
        let names = unet ? Self.unetNames(nBlocks: config.nBlocks, upsampling: config.upsampling)
            : Self.resnetNames(nBlocks: config.nBlocks)
        upsampling = config.upsampling
        func conv(_ prefix: String, _ cin: Int, _ cout: Int, _ k: Int) -> Conv {
            Conv(prefix: prefix, weightShape: [cout, cin, k, k], outChannels: cout)
        }
        func deconv(_ prefix: String, _ cin: Int, _ cout: Int) -> Conv {
            Conv(prefix: prefix, weightShape: [cin, cout, 3, 3], outChannels: cout)
        }
        stem = Stage(conv: conv(names.stem.conv, rgb, ngf, 7), norm: Norm(prefix: names.stem.norm, channels: ngf))
        down = (0..<2).map { i in
            let cin = ngf << i
            return Stage(conv: conv(names.down[i].conv, cin, 2 * cin, 3), norm: Norm(prefix: names.down[i].norm, channels: 2 * cin))
        }
        // U-Net: each decoder stage takes the encoder output of its own size (the stem's at full resolution).
        let depth = down.count
        let skips: [Skip] = unet ? (0...depth).map { d in
            let encoder = depth - d
            return Skip(encoder: encoder, decoder: d, channels: ngf << encoder)
        } : []
        self.skips = skips
        /// A decoder stage's input width: what the stage below hands up, plus its skip's channels.
        func joined(_ channels: Int, decoder: Int) -> Int {
            channels + (Self.skip(into: decoder, of: skips)?.channels ?? 0)
        }
        let width = 4 * ngf
        blocks = names.blocks.map { b in
            Block(conv1: conv(b.conv1, width, width, 3), norm1: Norm(prefix: b.norm1, channels: width),
                  conv2: conv(b.conv2, width, width, 3), norm2: Norm(prefix: b.norm2, channels: width))
        }
        up = (0..<2).map { i in
            let cout = ngf << (1 - i)
            let cin = joined(2 * cout, decoder: i)
            let name = names.up[i].conv
            let upConv = config.upsampling == .resize ? conv(name, cin, cout, 3) : deconv(name, cin, cout)
            return Stage(conv: upConv, norm: Norm(prefix: names.up[i].norm, channels: cout))
        }
        head = conv(names.head, joined(ngf, decoder: up.count), rgb, 7)
    }

    /// The skip into decoder stage `decoder` (`up.count`: the head), if it has one.
    package func skip(into decoder: Int) -> Skip? {
        Self.skip(into: decoder, of: skips)
    }

    private static func skip(into decoder: Int, of skips: [Skip]) -> Skip? {
        skips.first { $0.decoder == decoder }
    }

    /// What a parameter does, which decides how it is initialised.
    enum Role: Sendable { case convWeight, convBias, normScale, normShift }

    struct Parameter: Sendable {
        let name: String
        let shape: [Int]
        let role: Role
    }

    /// Every parameter in a fixed order (stem to head).
    func parameters(affine: Bool) -> [Parameter] {
        var list: [Parameter] = []
        func add(_ conv: Conv) {
            list.append(Parameter(name: conv.prefix + ".weight", shape: conv.weightShape, role: .convWeight))
            list.append(Parameter(name: conv.prefix + ".bias", shape: [conv.outChannels], role: .convBias))
        }
        func add(_ norm: Norm) {
            guard affine else { return }
            list.append(Parameter(name: norm.prefix + ".weight", shape: [norm.channels], role: .normScale))
            list.append(Parameter(name: norm.prefix + ".bias", shape: [norm.channels], role: .normShift))
        }
        for stage in [stem] + down { add(stage.conv); add(stage.norm) }
        for block in blocks { add(block.conv1); add(block.norm1); add(block.conv2); add(block.norm2) }
        for stage in up { add(stage.conv); add(stage.norm) }
        add(head)
        return list
    }

    private typealias StageNames = (conv: String, norm: String)
    private typealias BlockNames = (conv1: String, norm1: String, conv2: String, norm2: String)
    private typealias Names = (stem: StageNames, down: [StageNames], blocks: [BlockNames], up: [StageNames], head: String)

    private static func resnetNames(nBlocks n: Int) -> Names {
        (stem: ("model.1", "model.2"),
         down: [("model.4", "model.5"), ("model.7", "model.8")],
         blocks: (0..<n).map { i in
             let p = "model.\(10 + i).conv_block"
             return ("\(p).1", "\(p).2", "\(p).5", "\(p).6")
         },
         up: [("model.\(10 + n)", "model.\(11 + n)"), ("model.\(13 + n)", "model.\(14 + n)")],
         head: "model.\(17 + n)")
    }

    private static func unetNames(nBlocks n: Int, upsampling: GeneratorUpsampling) -> Names {
        let up = upsampling == .resize ? "conv" : "deconv"
        return (stem: ("stem.conv", "stem.norm"),
         down: [("down.0.conv", "down.0.norm"), ("down.1.conv", "down.1.norm")],
         blocks: (0..<n).map { i in ("blocks.\(i).conv1", "blocks.\(i).norm1", "blocks.\(i).conv2", "blocks.\(i).norm2") },
         up: [("up.0.\(up)", "up.0.norm"), ("up.1.\(up)", "up.1.norm")],
         head: "head.conv")
    }
}
