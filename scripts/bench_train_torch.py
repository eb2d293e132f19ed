#!/usr/bin/env python3
"""Seconds per CycleGAN training iteration in PyTorch (CPU), to set beside `cartoonify-train --benchmark N`.

The iteration is the one the Swift trainer runs: the official `optimize_parameters` (4 generator passes +
2 identity passes, backward, Adam on G and F, then both 70x70 PatchGANs on real and fake, Adam) with the
official networks (ResnetGenerator, NLayerDiscriminator, instance norm; or the unet-resnet generator), batch 1.

Usage: python3 scripts/bench_train_torch.py [--generator resnet|unet-resnet] [--size 128] [--ngf 32] [--blocks 6]
       [--ndf 64] [--iterations 5]
       [--threads N]   (default: torch's default thread count, printed)
"""
import argparse
import time

import torch

from cyclegan_reference import build
from make_train_fixtures import NLayerDiscriminator, cyclegan_step


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--generator", choices=["resnet", "unet-resnet"], default="resnet")
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--ngf", type=int, default=32)
    parser.add_argument("--blocks", type=int, default=6)
    parser.add_argument("--ndf", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    nets = {"G": build(args.generator, args.ngf, args.blocks, affine=False),
            "F": build(args.generator, args.ngf, args.blocks, affine=False),
            "D_cartoon": NLayerDiscriminator(args.ndf, 3), "D_photo": NLayerDiscriminator(args.ndf, 3)}
    shape = (args.batch_size, 3, args.size, args.size)

    def batch():
        return torch.rand(shape) * 2 - 1

    _, opt_g, opt_d = cyclegan_step(nets, batch(), batch())  # warm-up, creates the optimisers
    times = []
    for _ in range(args.iterations):
        a, b = batch(), batch()
        start = time.perf_counter()
        cyclegan_step(nets, a, b, (opt_g, opt_d))
        times.append(time.perf_counter() - start)
    times.sort()
    print(f"pytorch {torch.__version__} threads {torch.get_num_threads()}: {args.generator} ngf {args.ngf} blocks {args.blocks} "
          f"size {args.size} ndf {args.ndf} batch {args.batch_size}, {args.iterations} iterations after 1 warm-up")
    print(f"seconds per iteration: min {times[0]:.3f}  median {times[len(times) // 2]:.3f}  max {times[-1]:.3f}")


if __name__ == "__main__":
    main()
