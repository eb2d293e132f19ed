"""Swift (cartoonify-bench) vs ONNX Runtime on the same generator weights and input, in one run.

The same weights are regenerated here (random_weights in scripts/reference/cyclegan.py, the bit-identical
twin of Generator.randomWeights) and exported to ONNX via torch; then, for each configuration and `--rounds`
times over, the Swift benchmark (release build, its own process) runs and dumps its input and output, and
ONNX Runtime runs the same input with the same thread count (its session, and with it its spinning threads,
is gone before the next Swift run). Each side keeps its best round: on this shared VM whole minutes run at
up to half speed: when the VM's two virtual CPUs sit on different chiplets, a cache line takes ~370 ns
instead of ~100 to go between them and two threads run barely faster than one. The benchmark measures that
round trip; it is printed beside each row (the range over the rounds).
Swift runs at each of `--precisions` (f32 and bf16), each row against ORT float32. Prints latency, the
Swift/ORT ratio, the largest output difference and the core-to-core round trip.

    swift build -c release --product cartoonify-bench
    python3 -m scripts.bench.bench_ort --threads 2 --runs 10
"""
import argparse
import json
import os
import subprocess
import sys
import time
import warnings

import numpy as np
import onnxruntime as ort
import torch

from scripts.reference.cyclegan import ResnetGenerator, random_weights

CONFIGS = {"official": (64, 9, 256), "ngf64-b6-128": (64, 6, 128), "ngf32-b6-128": (32, 6, 128)}


def run_swift(args, name, precision):
    """One cartoonify-bench run, or None where this CPU refuses the precision (bf16 without AVX512_BF16)."""
    command = [args.bench, "model", "--config", name, "--runs", str(args.runs), "--threads", str(args.threads),
               "--seed", str(args.seed), "--precision", precision, "--dump", args.out, "--json"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        if precision != "f32":
            print(f"{name} {precision}: skipped ({result.stderr.strip()})")
            return None
        result.check_returncode()
    return json.loads(result.stdout.strip().splitlines()[-1])


def export_onnx(args, name):
    ngf, n_blocks, size = CONFIGS[name]
    model = ResnetGenerator(ngf=ngf, n_blocks=n_blocks).eval()
    shapes = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    model.load_state_dict({k: torch.from_numpy(v) for k, v in random_weights(shapes, args.seed).items()})
    path = os.path.join(args.out, f"{name}.onnx")
    with torch.no_grad():
        torch.onnx.export(model, torch.zeros(1, 3, size, size), path, input_names=["input"],
                          output_names=["output"], opset_version=17, dynamo=False)
    return path


def run_ort(args, path, x):
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    feed = {"input": x}
    for _ in range(2):
        y = session.run(None, feed)[0]
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        y = session.run(None, feed)[0]
        times.append(time.perf_counter() - start)
    times.sort()
    summary = {"min_ms": times[0] * 1e3, "median_ms": times[len(times) // 2] * 1e3,
               "p90_ms": times[min(len(times) - 1, len(times) * 9 // 10)] * 1e3}
    return summary, y


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", default=".build/release/cartoonify-bench")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="alternating Swift / ORT rounds; best of each kept")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--configs", nargs="*", default=list(CONFIGS))
    parser.add_argument("--precisions", nargs="*", default=["f32", "bf16"],
                        help="Swift precisions, each against ORT float32 (bf16 is skipped where the CPU lacks it)")
    parser.add_argument("--out", default="bench-out")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")  # torch.onnx.export's TorchScript deprecation chatter
    os.makedirs(args.out, exist_ok=True)
    print(f"load: {os.getloadavg()[0]:.2f} (1-min average), threads {args.threads}, {args.runs} runs; "
          f"onnxruntime {ort.__version__}, torch {torch.__version__}")
    header = f"{'config precision':19} {'GFLOP':>6} {'Swift min/median/p90 ms':>26} {'ORT min/median/p90 ms':>24} " \
             f"{'Swift/ORT':>9} {'max |diff|':>10} {'Swift RSS MB':>12} {'c2c ns':>12}"
    torch.set_num_threads(1)
    paths = {name: export_onnx(args, name) for name in args.configs}
    print(header)
    for name in args.configs:
        ngf, n_blocks, size = CONFIGS[name]
        best_swift, diffs, best_ort, trips = {}, {}, None, []
        for _ in range(args.rounds):
            ort_summary = None
            for precision in args.precisions:
                sw = run_swift(args, name, precision)
                if sw is None:
                    continue
                trips.append(sw.get("core_round_trip_ns", 0.0))
                x = np.fromfile(os.path.join(args.out, f"{name}.input.f32"), dtype="<f4").reshape(1, 3, size, size)
                swift_y = np.fromfile(os.path.join(args.out, f"{name}.output.f32"),
                                      dtype="<f4").reshape(1, 3, size, size)
                if ort_summary is None:
                    ort_summary, ort_y = run_ort(args, paths[name], x)
                diffs[precision] = max(diffs.get(precision, 0.0), float(np.abs(ort_y - swift_y).max()))
                if precision not in best_swift or sw["median_ms"] < best_swift[precision]["median_ms"]:
                    best_swift[precision] = sw
            if ort_summary is not None and (best_ort is None or ort_summary["median_ms"] < best_ort["median_ms"]):
                best_ort = ort_summary
        if best_ort is None:
            continue
        o = best_ort
        t = f"{o['min_ms']:.1f}/{o['median_ms']:.1f}/{o['p90_ms']:.1f}"
        trip = f"{min(trips):.0f}-{max(trips):.0f}"
        for precision, sw in best_swift.items():
            s = f"{sw['min_ms']:.1f}/{sw['median_ms']:.1f}/{sw['p90_ms']:.1f}"
            ratio = sw["median_ms"] / o["median_ms"]
            label = f"{name} {precision}"
            print(f"{label:19} {sw['gflop']:6.1f} {s:>26} {t:>24} {ratio:9.2f} {diffs[precision]:10.2e} "
                  f"{sw['peak_rss_mb']:12.0f} {trip:>12}")
        sys.stdout.flush()

if __name__ == "__main__":
    main()
