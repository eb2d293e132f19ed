"""The official CycleGAN training step in PyTorch: the 70x70 PatchGAN discriminator and one
`optimize_parameters`, as junyanz/pytorch-CycleGAN-and-pix2pix runs them. The Swift trainer's twin: the
first-step fixture (scripts/fixtures/make_train_fixtures.py) checks it, and the training benchmark
(scripts/bench/bench_train_torch.py) times it.
"""
import torch
import torch.nn as nn

# The official defaults: Adam lr 2e-4 betas (0.5, 0.999), cycle lambda 10, identity 0.5 lambda.
LR, LAMBDA, LAMBDA_IDT = 2e-4, 10.0, 0.5


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
