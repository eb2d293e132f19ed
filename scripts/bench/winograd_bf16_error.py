#!/usr/bin/env python3
"""How much bfloat16 rounding costs a Winograd F(4x4, 3x3) convolution, against a direct one.

Rounds the transformed weights and input tiles (Winograd) or the weights and input (direct) to bfloat16,
multiplies in float64, and prints the error relative to the mean output magnitude, on a 256-channel layer
of ReLU activations with He-initialised weights (a residual block of the official generator). This is why
`--precision bf16` leaves the Winograd layers in float32 (docs/kernels.md, "bfloat16").

    python3 -m scripts.bench.winograd_bf16_error [--channels 256] [--tiles 200] [--seed 0]
"""
import argparse

import numpy as np

# F(4x4, 3x3) transforms (Lavin & Gray), the ones Sources/KernelsCore/Winograd.swift uses.
BT = np.array([[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
               [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]], np.float64)
G = np.array([[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6],
              [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]], np.float64)
AT = np.array([[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]], np.float64)


def bf16(x):
    """Round to the nearest bfloat16 (ties to even), returned as float64."""
    bits = np.asarray(x, np.float32).copy().view(np.uint32)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return bits.view(np.float32).astype(np.float64)


def direct(d, g):
    """Each 6x6 patch convolved (valid) with each 3x3 kernel: [out, tiles, 4, 4]."""
    out = np.zeros((g.shape[0], d.shape[1], 4, 4))
    for i in range(4):
        for j in range(4):
            out[:, :, i, j] = np.einsum("ctab,ocab->ot", d[:, :, i:i + 3, j:j + 3], g)
    return out


def winograd(u, v):
    m = np.einsum("ocij,ctij->otij", u, v)
    return np.einsum("ij,otjk,lk->otil", AT, m, AT)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=256)
    parser.add_argument("--out-channels", type=int, default=64)
    parser.add_argument("--tiles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    d = np.maximum(rng.standard_normal((args.channels, args.tiles, 6, 6)), 0)
    g = rng.standard_normal((args.out_channels, args.channels, 3, 3)) * np.sqrt(2 / (9 * args.channels))
    reference = direct(d, g)
    scale = np.abs(reference).mean()
    u = np.einsum("ij,ocjk,lk->ocil", G, g, G)
    v = np.einsum("ij,ctjk,lk->ctil", BT, d, BT)
    for name, result in [("winograd f64", winograd(u, v)), ("winograd bf16", winograd(bf16(u), bf16(v))),
                         ("direct bf16", direct(bf16(d), bf16(g)))]:
        error = np.abs(result - reference) / scale
        print(f"{name:14s} relative error: mean {error.mean():.2e}, max {error.max():.2e}")


if __name__ == "__main__":
    main()
