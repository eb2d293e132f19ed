#!/usr/bin/env python3
"""How much bfloat16 rounding costs a Winograd F(4x4, 3x3) or F(2x2, 3x3) convolution, against a direct one.

Rounds the transformed weights and input tiles (Winograd) or the weights and input (direct) to bfloat16,
multiplies in float64, and prints the error relative to the mean output magnitude, on a 256-channel layer
of ReLU activations with He-initialised weights (a residual block of the official generator). This is why
`--precision bf16` leaves the Winograd layers in float32 (docs/kernels.md, "bfloat16").

    python3 -m scripts.bench.winograd_bf16_error [--tile 4|2] [--channels 256] [--tiles 200] [--seed 0]

F(2x2, 3x3) keeps bf16's error near a direct convolution's but does 4 products an output where F(4x4) does
2.25 and direct 9: with bf16's 2x rate it beats float32 F(4x4) by about a ninth, before its transforms, which
cost four times as much an output.
"""
import argparse

import numpy as np

# F(4x4, 3x3) transforms (Lavin & Gray), the ones Sources/KernelsCore/Winograd.swift uses.
BT4 = np.array([[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
               [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]], np.float64)
G4 = np.array([[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6],
              [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]], np.float64)
AT4 = np.array([[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]], np.float64)

# F(2x2, 3x3).
BT2 = np.array([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]], np.float64)
G2 = np.array([[1, 0, 0], [1 / 2, 1 / 2, 1 / 2], [1 / 2, -1 / 2, 1 / 2], [0, 0, 1]], np.float64)
AT2 = np.array([[1, 1, 1, 0], [0, 1, -1, -1]], np.float64)
TRANSFORMS = {4: (BT4, G4, AT4), 2: (BT2, G2, AT2)}


def bf16(x):
    """Round to the nearest bfloat16 (ties to even), returned as float64."""
    bits = np.asarray(x, np.float32).copy().view(np.uint32)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return bits.view(np.float32).astype(np.float64)


def direct(d, g):
    """Each (m+2)x(m+2) patch convolved (valid) with each 3x3 kernel: [out, tiles, m, m]."""
    m = d.shape[2] - 2
    out = np.zeros((g.shape[0], d.shape[1], m, m))
    for i in range(m):
        for j in range(m):
            out[:, :, i, j] = np.einsum("ctab,ocab->ot", d[:, :, i:i + 3, j:j + 3], g)
    return out


def winograd(u, v, at):
    m = np.einsum("ocij,ctij->otij", u, v)
    return np.einsum("ij,otjk,lk->otil", at, m, at)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tile", type=int, choices=sorted(TRANSFORMS), default=4, help="outputs per tile edge")
    parser.add_argument("--channels", type=int, default=256)
    parser.add_argument("--out-channels", type=int, default=64)
    parser.add_argument("--tiles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    bt, gt, at = TRANSFORMS[args.tile]
    d = np.maximum(rng.standard_normal((args.channels, args.tiles, args.tile + 2, args.tile + 2)), 0)
    g = rng.standard_normal((args.out_channels, args.channels, 3, 3)) * np.sqrt(2 / (9 * args.channels))
    reference = direct(d, g)
    scale = np.abs(reference).mean()
    u = np.einsum("ij,ocjk,lk->ocil", gt, g, gt)
    v = np.einsum("ij,ctjk,lk->ctil", bt, d, bt)
    for name, result in [("winograd f64", winograd(u, v, at)), ("winograd bf16", winograd(bf16(u), bf16(v), at)),
                         ("direct bf16", direct(bf16(d), bf16(g)))]:
        error = np.abs(result - reference) / scale
        print(f"{name:14s} relative error: mean {error.mean():.2e}, max {error.max():.2e}")


if __name__ == "__main__":
    main()
