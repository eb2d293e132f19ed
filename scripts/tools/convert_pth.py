"""Convert an official PyTorch CycleGAN generator checkpoint to Cartoonify's safetensors weights.

    python3 -m scripts.tools.convert_pth IN.pth OUT.safetensors [--size 256]      (from the repository root)

IN is a state_dict saved by torch.save (e.g. checkpoints/<name>/latest_net_G_A.pth from
junyanz/pytorch-CycleGAN-and-pix2pix, ResnetGenerator with instance norm). Names are kept as they
are; only what the official loader also drops is dropped: a DataParallel `module.` prefix and the
InstanceNorm running statistics old PyTorch versions saved. ngf, n_blocks and affine norm are read
from the tensor shapes and written to `__metadata__` with the architecture and input size.
"""
import argparse
import re
import sys

import torch
from safetensors.torch import save_file

DROPPED_SUFFIXES = (".running_mean", ".running_var", ".num_batches_tracked")


def convert(state_dict, input_size):
    tensors = {}
    for name, value in state_dict.items():
        name = name[len("module."):] if name.startswith("module.") else name
        if name.endswith(DROPPED_SUFFIXES):
            continue
        if not torch.is_tensor(value) or not value.is_floating_point():
            raise ValueError(f"tensor '{name}' is not a floating-point tensor")
        tensors[name] = value.detach().to(torch.float32).contiguous()

    stem = tensors.get("model.1.weight")
    if stem is None or stem.dim() != 4:
        raise ValueError("no 'model.1.weight' [ngf, 3, 7, 7]: not an official ResnetGenerator state_dict")
    ngf = stem.shape[0]
    blocks = {int(m.group(1)) for n in tensors if (m := re.fullmatch(r"model\.(\d+)\.conv_block\.1\.weight", n))}
    n_blocks = len(blocks)
    if blocks != set(range(10, 10 + n_blocks)):
        raise ValueError(f"residual blocks at unexpected indices {sorted(blocks)}")
    affine = "model.2.weight" in tensors
    if input_size < 8 or input_size % 4:
        raise ValueError(f"--size {input_size} must be a multiple of 4, at least 8")
    metadata = {"architecture": "resnet", "ngf": str(ngf), "n_blocks": str(n_blocks), "input_size": str(input_size),
                "norm": "instance", "affine": "true" if affine else "false", "source": "convert_pth.py"}
    return tensors, metadata


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("input", help="state_dict .pth saved by torch.save")
    parser.add_argument("output", help="safetensors file to write")
    parser.add_argument("--size", type=int, default=256, help="input size the model was trained at")
    args = parser.parse_args(argv)
    state_dict = torch.load(args.input, map_location="cpu", weights_only=True)
    if hasattr(state_dict, "_metadata"):
        del state_dict._metadata
    try:
        tensors, metadata = convert(state_dict, args.size)
    except ValueError as error:
        sys.exit(f"convert_pth.py: {args.input}: {error}")
    save_file(tensors, args.output, metadata=metadata)
    print(f"wrote {args.output}: {len(tensors)} tensors, ngf {metadata['ngf']}, n_blocks {metadata['n_blocks']}, "
          f"affine {metadata['affine']}, input_size {args.size}")


if __name__ == "__main__":
    main()
