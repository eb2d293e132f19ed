#!/usr/bin/env python3
"""Regenerate Tests/NNTests/Fixtures (PyTorch references for the Swift engine).

    python3 scripts/make_nn_fixtures.py

ops/         one file per op case: input, weight, bias, expected output, parameters in __metadata__
generators/  small generators with fixture_weights(seed) (weights regenerated in Swift from the seed):
             input + expected output; `*.weights.safetensors` also stores the weights for Generator.load;
             official_resnet_256 stores only the output (weights = random_weights(seed), input = uniform)
converted/   a torch-saved official ResnetGenerator run through convert_pth.py, with its input/output
dtypes.safetensors  F16/BF16/F32 tensors and their exact float32 values
References run in float64 from float32 parameters and inputs.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.numpy import save_file
from safetensors.torch import save_file as save_torch_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cyclegan_reference as ref  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "NNTests", "Fixtures")
torch.manual_seed(20261125)


def f32(t):
    return t.detach().to(torch.float32).contiguous().numpy()


def rand(*shape):
    return torch.randn(*shape).to(torch.float32)


def save(path, tensors, meta):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    save_file({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in tensors.items()}, path,
              metadata={k: str(v) for k, v in meta.items()})


def op_fixtures():
    d = os.path.join(ROOT, "ops")
    conv_cases = [  # name, n, cin, cout, h, w, k, stride, padding, bias
        ("conv2d_k3_s1_p1", 1, 3, 5, 7, 9, 3, 1, 1, True),
        ("conv2d_k3_s2_p1_odd", 1, 4, 6, 9, 11, 3, 2, 1, True),
        ("conv2d_k7_s1_p0_nobias", 1, 3, 4, 11, 10, 7, 1, 0, False),
        ("conv2d_k1_s1_p0", 2, 5, 3, 6, 7, 1, 1, 0, True),
        ("conv2d_k4_s2_p2_batch2", 2, 3, 4, 10, 9, 4, 2, 2, True),
        ("conv2d_k5_s3_p2", 1, 2, 3, 13, 8, 5, 3, 2, True),
        ("conv2d_k3_s1_p0_wide", 1, 17, 19, 6, 37, 3, 1, 0, True),
    ]
    for name, n, cin, cout, h, w, k, s, p, has_bias in conv_cases:
        x, wt = rand(n, cin, h, w), rand(cout, cin, k, k) * 0.3
        b = rand(cout) if has_bias else None
        y = F.conv2d(x.double(), wt.double(), None if b is None else b.double(), stride=s, padding=p)
        tensors = {"input": f32(x), "weight": f32(wt), "output": f32(y)}
        if b is not None:
            tensors["bias"] = f32(b)
        save(f"{d}/{name}.safetensors", tensors, {"op": "conv2d", "stride": s, "padding": p})

    deconv_cases = [  # name, n, cin, cout, h, w, k, stride, padding, output_padding, bias
        ("deconv_k3_s2_p1_op1", 1, 4, 3, 5, 6, 3, 2, 1, 1, True),
        ("deconv_k3_s2_p1_op0", 1, 3, 5, 4, 7, 3, 2, 1, 0, True),
        ("deconv_k4_s2_p1", 1, 3, 2, 5, 5, 4, 2, 1, 0, True),
        ("deconv_k3_s1_p0", 1, 2, 3, 6, 4, 3, 1, 0, 0, True),
        ("deconv_k5_s3_p2_op2_batch2_nobias", 2, 3, 4, 4, 5, 5, 3, 2, 2, False),
        ("deconv_k3_s2_p1_op1_wide", 1, 12, 9, 7, 19, 3, 2, 1, 1, True),
    ]
    for name, n, cin, cout, h, w, k, s, p, op, has_bias in deconv_cases:
        x, wt = rand(n, cin, h, w), rand(cin, cout, k, k) * 0.3
        b = rand(cout) if has_bias else None
        y = F.conv_transpose2d(x.double(), wt.double(), None if b is None else b.double(),
                               stride=s, padding=p, output_padding=op)
        tensors = {"input": f32(x), "weight": f32(wt), "output": f32(y)}
        if b is not None:
            tensors["bias"] = f32(b)
        save(f"{d}/{name}.safetensors", tensors,
             {"op": "conv_transpose2d", "stride": s, "padding": p, "output_padding": op})

    for name, shape, p in [("reflect_pad1", (1, 2, 4, 5), 1), ("reflect_pad3_batch2", (2, 3, 5, 7), 3)]:
        x = rand(*shape)
        y = F.pad(x, (p, p, p, p), mode="reflect")
        save(f"{d}/{name}.safetensors", {"input": f32(x), "output": f32(y)}, {"op": "reflection_pad2d", "padding": p})

    for name, shape, affine in [("instance_norm", (2, 3, 5, 7), False), ("instance_norm_affine", (1, 4, 9, 6), True),
                                ("instance_norm_large_plane", (1, 2, 64, 64), False)]:
        x = rand(*shape) * 3 + 1.5
        tensors = {"input": f32(x)}
        wt = b = None
        if affine:
            wt, b = rand(shape[1]), rand(shape[1])
            tensors.update(weight=f32(wt), bias=f32(b))
        y = F.instance_norm(x.double(), weight=None if wt is None else wt.double(),
                            bias=None if b is None else b.double(), eps=1e-5)
        tensors["output"] = f32(y)
        save(f"{d}/{name}.safetensors", tensors, {"op": "instance_norm2d"})

    x = rand(1, 3, 5, 6) * 2
    save(f"{d}/relu.safetensors", {"input": f32(x), "output": f32(torch.relu(x.double()))}, {"op": "relu"})
    save(f"{d}/leaky_relu.safetensors", {"input": f32(x), "output": f32(F.leaky_relu(x.double(), 0.2))},
         {"op": "leaky_relu"})
    save(f"{d}/tanh.safetensors", {"input": f32(x), "output": f32(torch.tanh(x.double()))}, {"op": "tanh"})


def run_generator(model, weights, x):
    model.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()}, strict=True)
    with torch.no_grad():
        return f32(model.double()(torch.from_numpy(x).double()))


def generator_fixtures():
    d = os.path.join(ROOT, "generators")
    cases = [  # name, architecture, ngf, n_blocks, size, affine, seed, also store weights
        ("resnet_ngf4_b2_s16", "resnet", 4, 2, 16, False, 11, True),
        ("resnet_ngf4_b1_s12_affine", "resnet", 4, 1, 12, True, 12, False),
        ("unet_ngf4_b2_s16", "unet-resnet", 4, 2, 16, False, 13, False),
        ("unet_ngf3_b1_s20_affine", "unet-resnet", 3, 1, 20, True, 14, True),
    ]
    for name, arch, ngf, nb, size, affine, seed, store_weights in cases:
        model = ref.build(arch, ngf, nb, affine)
        shapes = {k: tuple(v.shape) for k, v in model.state_dict().items()}
        weights = ref.fixture_weights(shapes, seed)
        x = ref.SplitMix64(seed + 1000).uniform(3 * size * size, 1.0).reshape(1, 3, size, size)
        meta = ref.metadata(arch, ngf, nb, size, affine)
        save(f"{d}/{name}.safetensors", {"input": x, "output": run_generator(model, weights, x)},
             dict(meta, weights_seed=seed, input_seed=seed + 1000))
        if store_weights:
            save(f"{d}/{name}.weights.safetensors", weights, meta)

    # The official configuration: weights from Generator.randomWeights(seed 42), input uniform (seed 43).
    model = ref.ResnetGenerator(ngf=64, n_blocks=9)
    shapes = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    weights = ref.random_weights(shapes, 42)
    x = ref.SplitMix64(43).uniform(3 * 256 * 256, 1.0).reshape(1, 3, 256, 256)
    save(f"{d}/official_resnet_256.safetensors", {"output": run_generator(model, weights, x)},
         dict(ref.metadata("resnet", 64, 9, 256, False), weights_seed=42, input_seed=43))


def converter_fixture():
    d = os.path.join(ROOT, "converted")
    os.makedirs(d, exist_ok=True)
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "convert_pth.py")
    # affine=False as the official code trains; affine=True with running stats as pre-0.4 PyTorch saved them.
    for name, affine in [("resnet_pth", False), ("resnet_pth_affine", True)]:
        model = ref.ResnetGenerator(ngf=4, n_blocks=3, affine=affine)
        if affine:
            for m in model.modules():
                if isinstance(m, torch.nn.InstanceNorm2d):
                    m.weight.data.uniform_(0.5, 1.5)
                    m.bias.data.uniform_(-0.5, 0.5)
        state = model.state_dict()
        if affine:
            state = dict(state, **{"model.2.running_mean": torch.zeros(4), "model.2.running_var": torch.ones(4)})
        with tempfile.TemporaryDirectory() as tmp:
            pth = os.path.join(tmp, "latest_net_G_A.pth")
            torch.save(state, pth)
            subprocess.run([sys.executable, script, pth, f"{d}/{name}.safetensors", "--size", "16"], check=True)
        x = rand(1, 3, 16, 16).clamp(-1, 1)
        with torch.no_grad():
            y = model.double()(x.double())
        save(f"{d}/{name}_io.safetensors", {"input": f32(x), "output": f32(y)}, {})


def dtype_fixture():
    values = torch.tensor([0.0, -0.0, 1.0, -2.5, 65504.0, 6.1035156e-05, 5.9604645e-08, 3.140625, float("inf")])
    f16 = values.to(torch.float16)
    bf16 = (values * 1.5e10).to(torch.bfloat16)
    save_torch_file({"f16": f16.reshape(3, 3), "bf16": bf16.reshape(9), "f16_widened": f16.to(torch.float32).reshape(3, 3),
                     "bf16_widened": bf16.to(torch.float32).reshape(9)},
                    os.path.join(ROOT, "dtypes.safetensors"), metadata={"purpose": "dtype widening"})


if __name__ == "__main__":
    op_fixtures()
    generator_fixtures()
    converter_fixture()
    dtype_fixture()
    print("fixtures written to", os.path.normpath(ROOT))
