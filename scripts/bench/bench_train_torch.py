"""Seconds per CycleGAN training iteration: the Swift trainer beside PyTorch (CPU), in the same run.

The iteration is the one the Swift trainer runs: the official `optimize_parameters` (4 generator passes +
2 identity passes, backward, Adam on G and F, then both 70x70 PatchGANs on real and fake, Adam) with the
official networks (ResnetGenerator, NLayerDiscriminator, instance norm; or the unet-resnet generator), batch 1.

Rounds alternate: `cartoonify-train --benchmark N` (a subprocess, release build), then PyTorch here, so both
see the same moment of a shared machine. The Swift trainer uses every core it is given; pass
`--threads` equal to the core count (or pin both with `taskset`) for a like-for-like comparison.

    swift build -c release --product cartoonify-train
    python3 -m scripts.bench.bench_train_torch --threads 2 --rounds 3

Usage: python3 -m scripts.bench.bench_train_torch [--generator resnet|unet-resnet] [--size 128] [--ngf 32]
       [--blocks 6] [--ndf 64] [--iterations 5] [--rounds 3]
       [--threads N]   (default: torch's default thread count, printed)
       [--swift PATH]  (default .build/release/cartoonify-train; --swift '' times PyTorch alone)
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

import torch

from scripts.reference.cyclegan import build
from scripts.reference.training import NLayerDiscriminator, cyclegan_step


def swift_round(args):
    """Per-iteration seconds of one `--benchmark` run (its min and median lines)."""
    command = [args.swift, "--benchmark", str(args.iterations), "--generator", args.generator,
               "--upsampling", args.upsampling, "--size", str(args.size),
               "--ngf", str(args.ngf), "--blocks", str(args.blocks), "--ndf", str(args.ndf),
               "--batch-size", str(args.batch_size)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    match = re.search(r"min ([0-9.]+)\s+median ([0-9.]+)", output)
    if not match:
        sys.exit(f"unexpected benchmark output from {args.swift}:\n{output}")
    return float(match.group(1)), float(match.group(2))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--generator", choices=["resnet", "unet-resnet"], default="resnet")
    parser.add_argument("--upsampling", choices=["transposed", "resize"], default="transposed")
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--ngf", type=int, default=32)
    parser.add_argument("--blocks", type=int, default=6)
    parser.add_argument("--ndf", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--swift", default=".build/release/cartoonify-train")
    args = parser.parse_args()
    if args.swift and not os.path.exists(args.swift):
        sys.exit(f"{args.swift} not found: swift build -c release --product cartoonify-train (or --swift '')")
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    nets = {"G": build(args.generator, args.ngf, args.blocks, affine=False, upsampling=args.upsampling),
            "F": build(args.generator, args.ngf, args.blocks, affine=False, upsampling=args.upsampling),
            "D_cartoon": NLayerDiscriminator(args.ndf, 3), "D_photo": NLayerDiscriminator(args.ndf, 3)}
    shape = (args.batch_size, 3, args.size, args.size)

    def batch():
        return torch.rand(shape) * 2 - 1

    _, opt_g, opt_d = cyclegan_step(nets, batch(), batch())  # warm-up, creates the optimisers
    print(f"load: {os.getloadavg()[0]:.2f} (1-min average); pytorch {torch.__version__} threads {torch.get_num_threads()}; "
          f"{args.generator} ngf {args.ngf} blocks {args.blocks} size {args.size} ndf {args.ndf} batch {args.batch_size}; "
          f"{args.rounds} rounds of {args.iterations} iterations after 1 warm-up each")
    swift, torch_times = [], []
    for round_number in range(args.rounds):
        if args.swift:
            time.sleep(0.5)  # let PyTorch's worker threads stop spinning before the other runtime starts
            swift.append(swift_round(args))
        times = []
        for _ in range(args.iterations):
            a, b = batch(), batch()
            start = time.perf_counter()
            cyclegan_step(nets, a, b, (opt_g, opt_d))
            times.append(time.perf_counter() - start)
        torch_times.append((min(times), statistics.median(times)))
        line = f"round {round_number + 1}: pytorch min {torch_times[-1][0]:.3f} median {torch_times[-1][1]:.3f} s"
        if args.swift:
            line += f" | swift min {swift[-1][0]:.3f} median {swift[-1][1]:.3f} s | swift/pytorch {swift[-1][1] / torch_times[-1][1]:.2f}"
        print(line, flush=True)
    best_torch = min(t[0] for t in torch_times)
    median_torch = statistics.median(t[1] for t in torch_times)
    print(f"pytorch seconds per iteration: min {best_torch:.3f}  median of round medians {median_torch:.3f}")
    if args.swift:
        best_swift = min(s[0] for s in swift)
        median_swift = statistics.median(s[1] for s in swift)
        print(f"swift   seconds per iteration: min {best_swift:.3f}  median of round medians {median_swift:.3f}")
        print(f"swift/pytorch: {best_swift / best_torch:.2f} (min)  {median_swift / median_torch:.2f} (median)")


if __name__ == "__main__":
    main()
