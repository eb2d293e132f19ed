"""PyTorch reference models and the deterministic weights shared with the Swift engine.

Imported as `scripts.reference.cyclegan` by the fixture makers (make_nn_fixtures, make_train_fixtures) and
the benchmarks (bench_ort, bench_train_torch). `ResnetGenerator` mirrors the official
junyanz/pytorch-CycleGAN-and-pix2pix class (instance norm, reflect padding, no dropout) so its
state_dict names are the official ones; `UnetResnetGenerator` defines the `unet-resnet` names
documented in docs/weights-format.md.
"""
import numpy as np
import torch
import torch.nn as nn

MASK = (1 << 64) - 1
GAMMA = np.uint64(0x9E3779B97F4A7C15)


class SplitMix64:
    """splitmix64, vectorised: output k of a stream is mix(seed + (k + 1) * gamma), all mod 2^64.

    Bit-identical to Tensor.SplitMix64 in Swift.
    """

    def __init__(self, seed):
        self.seed = np.uint64(seed & MASK)
        self.counter = 0

    def next(self, n):
        with np.errstate(over="ignore"):
            k = np.arange(self.counter + 1, self.counter + n + 1, dtype=np.uint64)
            z = self.seed + k * GAMMA
            z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            z = z ^ (z >> np.uint64(31))
        self.counter += n
        return z

    def unit(self, n):
        """Uniform [0, 1) doubles from the top 53 bits."""
        return (self.next(n) >> np.uint64(11)).astype(np.float64) * 2.0**-53

    def uniform(self, n, bound):
        """Uniform [-bound, bound), computed in double, rounded once to float32."""
        return ((self.unit(n) * 2 - 1) * bound).astype(np.float32)

    def gaussian(self, n):
        """Box-Muller, one value per pair of draws (u1, u2), as the Swift twin does."""
        draws = self.unit(2 * n).reshape(n, 2)
        u1 = 1 - draws[:, 0]
        u2 = draws[:, 1]
        return np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * u2)


def random_weights(shapes, seed):
    """Generator.randomWeights: conv weights N(0, 0.02), biases 0, norm scale 1; sorted names, one stream."""
    rng = SplitMix64(seed)
    out = {}
    for name in sorted(shapes):
        shape = shapes[name]
        n = int(np.prod(shape))
        if len(shape) == 4:
            out[name] = (rng.gaussian(n) * 0.02).astype(np.float32).reshape(shape)
        elif name.endswith(".bias"):
            out[name] = np.zeros(shape, np.float32)
        else:
            out[name] = np.ones(shape, np.float32)
    return out


def fixture_weights(shapes, seed):
    """Test weights with every parameter non-trivial (the tests' FixtureWeights twin): conv weights
    U(+-1/sqrt(fan_in)), biases U(+-0.1), norm scales 1 + U(+-0.1); sorted names, one stream."""
    rng = SplitMix64(seed)
    out = {}
    for name in sorted(shapes):
        shape = shapes[name]
        n = int(np.prod(shape))
        if len(shape) == 4:
            fan_in = shape[1] * shape[2] * shape[3]
            values = rng.uniform(n, 1 / np.sqrt(fan_in))
        elif name.endswith(".bias"):
            values = rng.uniform(n, 0.1)
        else:
            values = (1 + (rng.unit(n) * 2 - 1) * 0.1).astype(np.float32)
        out[name] = values.reshape(shape)
    return out


def norm_layer(channels, affine):
    return nn.InstanceNorm2d(channels, affine=affine, track_running_stats=False)


class ResnetBlock(nn.Module):
    def __init__(self, dim, affine):
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3, padding=0, bias=True), norm_layer(dim, affine), nn.ReLU(True),
            nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3, padding=0, bias=True), norm_layer(dim, affine))

    def forward(self, x):
        return x + self.conv_block(x)


class ResizeConv(nn.Conv2d):
    """`resize` upsampling: nearest-neighbour 2x, then a 3x3 convolution with zero padding 1 (Odena et al.
    2016). A Conv2d subclass, so its state_dict names are the transposed convolution's it replaces."""

    def __init__(self, cin, cout):
        super().__init__(cin, cout, 3, padding=1, bias=True)

    def forward(self, x):
        return super().forward(nn.functional.interpolate(x, scale_factor=2, mode="nearest"))


def upsampler(cin, cout, upsampling):
    if upsampling == "resize":
        return ResizeConv(cin, cout)
    return nn.ConvTranspose2d(cin, cout, 3, stride=2, padding=1, output_padding=1, bias=True)


class ResnetGenerator(nn.Module):
    """The official CycleGAN ResnetGenerator with norm='instance' (use_bias=True), input/output 3 channels."""

    def __init__(self, ngf=64, n_blocks=9, affine=False, upsampling="transposed"):
        super().__init__()
        model = [nn.ReflectionPad2d(3), nn.Conv2d(3, ngf, 7, padding=0, bias=True), norm_layer(ngf, affine), nn.ReLU(True)]
        for i in range(2):
            mult = 2**i
            model += [nn.Conv2d(ngf * mult, ngf * mult * 2, 3, stride=2, padding=1, bias=True),
                      norm_layer(ngf * mult * 2, affine), nn.ReLU(True)]
        for _ in range(n_blocks):
            model += [ResnetBlock(ngf * 4, affine)]
        for i in range(2):
            mult = 2 ** (2 - i)
            model += [upsampler(ngf * mult, ngf * mult // 2, upsampling), norm_layer(ngf * mult // 2, affine), nn.ReLU(True)]
        model += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, 3, 7, padding=0), nn.Tanh()]
        self.model = nn.Sequential(*model)

    def forward(self, x):
        return self.model(x)


class ConvStage(nn.Module):
    def __init__(self, cin, cout, affine, kernel, stride, padding):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride=stride, padding=padding, bias=True)
        self.norm = norm_layer(cout, affine)


class UpStage(nn.Module):
    """`up.{i}.deconv` (transposed) or `up.{i}.conv` (resize), then the norm."""

    def __init__(self, cin, cout, affine, upsampling):
        super().__init__()
        self.name = "conv" if upsampling == "resize" else "deconv"
        setattr(self, self.name, upsampler(cin, cout, upsampling))
        self.norm = norm_layer(cout, affine)

    def forward(self, x):
        return torch.relu(self.norm(getattr(self, self.name)(x)))


class Block(nn.Module):
    def __init__(self, dim, affine):
        super().__init__()
        self.conv1 = nn.Conv2d(dim, dim, 3, bias=True)
        self.norm1 = norm_layer(dim, affine)
        self.conv2 = nn.Conv2d(dim, dim, 3, bias=True)
        self.norm2 = norm_layer(dim, affine)

    def forward(self, x):
        pad = nn.functional.pad
        h = torch.relu(self.norm1(self.conv1(pad(x, (1, 1, 1, 1), mode="reflect"))))
        return x + self.norm2(self.conv2(pad(h, (1, 1, 1, 1), mode="reflect")))


class UnetResnetGenerator(nn.Module):
    """`unet-resnet`: ResNet encoder/bottleneck; each decoder stage and the head take the concatenation
    [decoder feature, encoder feature of the same resolution]."""

    def __init__(self, ngf=64, n_blocks=5, affine=False, upsampling="transposed"):
        super().__init__()
        self.stem = ConvStage(3, ngf, affine, 7, 1, 0)
        self.down = nn.ModuleList([ConvStage(ngf, 2 * ngf, affine, 3, 2, 1), ConvStage(2 * ngf, 4 * ngf, affine, 3, 2, 1)])
        self.blocks = nn.ModuleList([Block(4 * ngf, affine) for _ in range(n_blocks)])
        self.up = nn.ModuleList([UpStage(8 * ngf, 2 * ngf, affine, upsampling), UpStage(4 * ngf, ngf, affine, upsampling)])
        self.head = nn.Module()
        self.head.conv = nn.Conv2d(2 * ngf, 3, 7)

    def forward(self, x):
        pad = nn.functional.pad
        stage = lambda s, t: torch.relu(s.norm(s.conv(t)))
        e0 = stage(self.stem, pad(x, (3, 3, 3, 3), mode="reflect"))
        e1 = stage(self.down[0], e0)
        e2 = stage(self.down[1], e1)
        h = e2
        for block in self.blocks:
            h = block(h)
        h = self.up[0](torch.cat([h, e2], 1))
        h = self.up[1](torch.cat([h, e1], 1))
        h = torch.cat([h, e0], 1)
        return torch.tanh(self.head.conv(pad(h, (3, 3, 3, 3), mode="reflect")))


def build(architecture, ngf, n_blocks, affine, upsampling="transposed"):
    cls = ResnetGenerator if architecture == "resnet" else UnetResnetGenerator
    return cls(ngf=ngf, n_blocks=n_blocks, affine=affine, upsampling=upsampling)


def metadata(architecture, ngf, n_blocks, input_size, affine, upsampling="transposed"):
    return {"architecture": architecture, "ngf": str(ngf), "n_blocks": str(n_blocks),
            "input_size": str(input_size), "norm": "instance", "affine": "true" if affine else "false",
            "upsampling": upsampling}
