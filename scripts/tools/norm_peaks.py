"""Where a generator's dots come from: the peaks of its instance-norm outputs, layer by layer.

    python3 -m scripts.tools.norm_peaks --weights W.safetensors --photos DIR [--every N] [--mark OUT.png]

Runs the PyTorch twin of the generator (scripts/reference) on the photos (resized to the model's input,
as `cartoonify eval` sees the aligned chips) and prints, per instance norm, how far its outputs reach in
standard deviations of their channel: the median, 90th percentile and maximum over the photos of the
largest value, and the share of values past 12. A healthy layer peaks near 7-11 (the default's encoder);
a generator that steers a channel's normalisation with a few-pixel spike (Karras et al. 2020, section 2,
"droplets") shows 20-30 in its last layers, and the spike comes out as a red, orange or white dot. Also
prints the mean of `cartoonify-train --lambda-peaks`'s loss (limit 8). --mark writes the outputs of the
photos with the highest peaks with a circle where the largest one sits.
"""
import argparse
import os
import sys

import numpy as np
import torch
from PIL import Image, ImageDraw
from safetensors import safe_open
from safetensors.torch import load_file

from scripts.reference.cyclegan import build

LIMIT = 8.0


def load_generator(path):
    with safe_open(path, "pt") as f:
        meta = f.metadata() or {}
    model = build(meta.get("architecture", "resnet"), int(meta["ngf"]), int(meta["n_blocks"]),
                  meta.get("affine", "false") == "true", meta.get("upsampling", "transposed"))
    model.load_state_dict(load_file(path))
    return model.eval(), int(meta.get("input_size", 256))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weights", required=True)
    parser.add_argument("--photos", required=True)
    parser.add_argument("--every", type=int, default=1, help="use every Nth photo (sorted by name)")
    parser.add_argument("--mark", help="PNG of the 8 outputs with the highest peaks, the largest circled")
    args = parser.parse_args()
    try:
        model, size = load_generator(args.weights)
    except (OSError, KeyError, RuntimeError) as error:
        sys.exit(f"error: cannot load {args.weights} as a generator: {error}")
    try:
        names = sorted(n for n in os.listdir(args.photos) if n.lower().endswith((".jpg", ".jpeg", ".png")))[::max(1, args.every)]
    except OSError as error:
        sys.exit(f"error: cannot list {args.photos}: {error}")
    if not names:
        sys.exit(f"error: no .jpg or .png photos in {args.photos}")

    outputs = []
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.InstanceNorm2d):
            module.register_forward_hook(lambda m, i, o, name=name: outputs.append((name, o.detach()[0])))
    per_layer, losses, tops = {}, [], []
    torch.set_num_threads(max(1, (os.cpu_count() or 2) // 2))
    for name in names:
        image = Image.open(os.path.join(args.photos, name)).convert("RGB").resize((size, size), Image.BILINEAR)
        x = torch.tensor(np.asarray(image, dtype=np.float32) / 127.5 - 1).permute(2, 0, 1)[None]
        outputs.clear()
        with torch.no_grad():
            y = model(x)[0]
        loss, top = 0.0, (0.0, 0, 0)
        for layer, z in outputs:
            # Every norm but a residual block's second is followed by a ReLU, which the loss sees.
            seen = z if layer.endswith("norm2") else torch.relu(z)
            loss += (torch.clamp(seen.abs() - LIMIT, min=0) ** 2).mean().item()
            flat = z.reshape(z.shape[0], -1)
            per_layer.setdefault(layer, []).append((flat.max().item(), (flat > 12).float().mean().item()))
            channel_max, positions = flat.max(1)
            channel = channel_max.argmax().item()
            peak, index = channel_max[channel].item(), positions[channel].item()
            if peak > top[0]:
                scale = size // z.shape[1]
                top = (peak, index // z.shape[2] * scale, index % z.shape[2] * scale)
        losses.append(loss)
        tops.append((top, name, ((y.permute(1, 2, 0).numpy() + 1) * 127.5).clip(0, 255).astype(np.uint8)))

    print(f"{len(names)} photos from {args.photos}, {args.weights}")
    print(f"{'norm':16s} {'max z: median':>14s} {'p90':>6s} {'max':>6s} {'past 12 (ppm)':>14s}")
    for layer, values in per_layer.items():
        v = np.array(values)
        print(f"{layer:16s} {np.median(v[:, 0]):14.1f} {np.percentile(v[:, 0], 90):6.1f} {v[:, 0].max():6.1f} "
              f"{v[:, 1].mean() * 1e6:14.1f}")
    print(f"peak loss (limit {LIMIT:g}): mean {np.mean(losses):.4f}, max {np.max(losses):.4f}")
    if args.mark:
        tops.sort(key=lambda t: -t[0][0])
        tiles = []
        for (peak, row, column), _, pixels in tops[:8]:
            tile = Image.fromarray(pixels).resize((2 * size, 2 * size), Image.NEAREST)
            ImageDraw.Draw(tile).ellipse((2 * column - 14, 2 * row - 14, 2 * column + 14, 2 * row + 14),
                                         outline=(0, 255, 0), width=2)
            tiles.append(np.asarray(tile))
        Image.fromarray(np.concatenate(tiles, 1)).save(args.mark)
        print(f"wrote {args.mark}: " + ", ".join(f"{n} ({t[0]:.0f} sd)" for t, n, _ in tops[:8]))


if __name__ == "__main__":
    main()
