#!/usr/bin/env python3
"""PyTorch reference for the Swift trainer's first CycleGAN step.

Builds the CycleGAN networks (the engine's reference generators from cyclegan_reference.py -- the official
ResnetGenerator and the unet-resnet variant -- and the official 70x70 NLayerDiscriminator) in a tiny
configuration, fills every weight and the input batches from SplitMix64 (Tensor.SplitMix64's twin, so no
weights are committed), runs one `optimize_parameters` step for each architecture exactly as
junyanz/pytorch-CycleGAN-and-pix2pix does (generators with frozen discriminators, then both discriminators on
pooled fakes, Adam lr 2e-4 betas (0.5, 0.999)) and writes the losses, plus a strided sample of each updated
tensor and of its Adam first moment (= 0.5 * gradient after one step), under `<architecture>/`, to
Tests/TrainingTests/Fixtures/first_step.safetensors.

Usage: python3 scripts/make_train_fixtures.py
"""
import os

import numpy as np
import torch
import torch.nn as nn
from safetensors.numpy import save_file

from cyclegan_reference import SplitMix64, build

NGF, BLOCKS, SIZE, BATCH, NDF, D_LAYERS = 8, 2, 32, 2, 8, 3
LR, LAMBDA, LAMBDA_IDT = 2e-4, 10.0, 0.5
SEEDS = {"G": 101, "F": 102, "D_cartoon": 103, "D_photo": 104}
PHOTO_SEED, CARTOON_SEED = 201, 202
SAMPLES = 128
def fill_deterministic(net, seed):
    """Sorted state-dict names; 4-D weights uniform in +-0.05, 1-D tensors in +-0.02 (Swift test: same)."""
    rng = SplitMix64(seed)
    state = net.state_dict()
    with torch.no_grad():
        for name in sorted(state):
            t = state[name]
            scale = 0.05 if t.dim() == 4 else 0.02
            t.copy_(torch.from_numpy(rng.uniform(t.numel(), scale)).reshape(t.shape))


class NLayerDiscriminator(nn.Module):
    def __init__(self, ndf, n_layers):
        super().__init__()
        seq = [nn.Conv2d(3, ndf, 4, stride=2, padding=1), nn.LeakyReLU(0.2, True)]
        mult = 1
        for n in range(1, n_layers):
            prev, mult = mult, min(2**n, 8)
            seq += [nn.Conv2d(ndf * prev, ndf * mult, 4, stride=2, padding=1, bias=True),
                    nn.InstanceNorm2d(ndf * mult), nn.LeakyReLU(0.2, True)]
        prev, mult = mult, min(2**n_layers, 8)
        seq += [nn.Conv2d(ndf * prev, ndf * mult, 4, stride=1, padding=1, bias=True),
                nn.InstanceNorm2d(ndf * mult), nn.LeakyReLU(0.2, True)]
        seq += [nn.Conv2d(ndf * mult, 1, 4, stride=1, padding=1)]
        self.model = nn.Sequential(*seq)

    def forward(self, x):
        return self.model(x)


def cyclegan_step(nets, real_a, real_b, optimizers=None):
    """One official `optimize_parameters` (A = photo, B = cartoon; the image pools are empty on the first
    step and return the fakes themselves). Returns the 8 losses in the Swift log order and the optimisers."""
    G, F, d_cartoon, d_photo = nets["G"], nets["F"], nets["D_cartoon"], nets["D_photo"]
    if optimizers is None:
        optimizers = (torch.optim.Adam(list(G.parameters()) + list(F.parameters()), lr=LR, betas=(0.5, 0.999)),
                      torch.optim.Adam(list(d_cartoon.parameters()) + list(d_photo.parameters()), lr=LR, betas=(0.5, 0.999)))
    opt_g, opt_d = optimizers
    mse, l1 = nn.MSELoss(), nn.L1Loss()

    # forward()
    fake_b = G(real_a)
    rec_a = F(fake_b)
    fake_a = F(real_b)
    rec_b = G(fake_a)
    # backward_G with the discriminators frozen
    for d in (d_cartoon, d_photo):
        for p in d.parameters():
            p.requires_grad_(False)
    opt_g.zero_grad()
    idt_a = G(real_b)
    loss_idt_a = l1(idt_a, real_b) * LAMBDA * LAMBDA_IDT
    idt_b = F(real_a)
    loss_idt_b = l1(idt_b, real_a) * LAMBDA * LAMBDA_IDT
    pred = d_cartoon(fake_b)
    loss_g_a = mse(pred, torch.ones_like(pred))
    pred = d_photo(fake_a)
    loss_g_b = mse(pred, torch.ones_like(pred))
    loss_cycle_a = l1(rec_a, real_a) * LAMBDA
    loss_cycle_b = l1(rec_b, real_b) * LAMBDA
    loss_g = loss_g_a + loss_g_b + loss_cycle_a + loss_cycle_b + loss_idt_a + loss_idt_b
    loss_g.backward()
    opt_g.step()
    # backward_D_A / backward_D_B
    for d in (d_cartoon, d_photo):
        for p in d.parameters():
            p.requires_grad_(True)
    opt_d.zero_grad()

    def backward_d(net, real, fake):
        pred_real = net(real)
        pred_fake = net(fake.detach())
        loss = (mse(pred_real, torch.ones_like(pred_real)) + mse(pred_fake, torch.zeros_like(pred_fake))) * 0.5
        loss.backward()
        return loss

    loss_d_a = backward_d(d_cartoon, real_b, fake_b)
    loss_d_b = backward_d(d_photo, real_a, fake_a)
    opt_d.step()
    losses = [loss_g_a.item(), loss_g_b.item(), loss_cycle_a.item(), loss_cycle_b.item(),
              loss_idt_a.item(), loss_idt_b.item(), loss_d_a.item(), loss_d_b.item()]
    return losses, opt_g, opt_d


def sample_indices(count):
    return np.arange(0, count, max(1, count // SAMPLES))


def first_step(architecture, out):
    torch.manual_seed(0)
    nets = {"G": build(architecture, NGF, BLOCKS, affine=False), "F": build(architecture, NGF, BLOCKS, affine=False),
            "D_cartoon": NLayerDiscriminator(NDF, D_LAYERS), "D_photo": NLayerDiscriminator(NDF, D_LAYERS)}
    for key, net in nets.items():
        fill_deterministic(net, SEEDS[key])
    shape = (BATCH, 3, SIZE, SIZE)
    count = int(np.prod(shape))
    real_a = torch.from_numpy(SplitMix64(PHOTO_SEED).uniform(count, 1.0).reshape(shape))
    real_b = torch.from_numpy(SplitMix64(CARTOON_SEED).uniform(count, 1.0).reshape(shape))
    losses, opt_g, opt_d = cyclegan_step(nets, real_a, real_b)
    out[f"{architecture}/losses"] = np.array(losses, dtype=np.float32)
    optimizers = {"G": opt_g, "F": opt_g, "D_cartoon": opt_d, "D_photo": opt_d}
    for key, net in nets.items():
        for name, p in net.named_parameters():
            idx = sample_indices(p.numel())
            out[f"{architecture}/{key}.{name}"] = p.detach().numpy().reshape(-1)[idx].copy()
            m = optimizers[key].state[p]["exp_avg"]
            out[f"{architecture}/{key}.{name}.m"] = m.numpy().reshape(-1)[idx].copy()
    print(architecture, "losses", out[f"{architecture}/losses"])


def main():
    out = {}
    for architecture in ("resnet", "unet-resnet"):
        first_step(architecture, out)
    path = os.path.join(os.path.dirname(__file__), "..", "Tests", "TrainingTests", "Fixtures", "first_step.safetensors")
    metadata = {"ngf": str(NGF), "n_blocks": str(BLOCKS), "size": str(SIZE), "batch": str(BATCH), "ndf": str(NDF),
                "d_layers": str(D_LAYERS), "lr": str(LR), "samples": str(SAMPLES)}
    save_file(out, os.path.normpath(path), metadata=metadata)
    print("->", os.path.normpath(path), os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
