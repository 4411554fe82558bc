"Prototype variants of train_wae, selected by a comma-separated option string, e.g. 'grid32,periodic,warm30,sup0.2,dist'."
import math, torch
from torch import nn
from manifold_vae import embedding as E
from manifold_vae.layers import StackedMLP, member_generators

def parse(opt):
    o = {}
    for tok in filter(None, opt.split(',')):
        if tok.startswith('grid'): o['grid'] = int(tok[4:])
        elif tok == 'periodic': o['periodic'] = True
        elif tok.startswith('warm'): o['warm'] = float(tok[4:])     # closure ramps linearly from cfg.closure to this over the first half
        elif tok.startswith('sup'): o['sup'] = float(tok[3:])       # supervised ‖dec(u)−embed(u)‖² for this fraction of steps
        elif tok == 'gluedec': o['gluedec'] = True
        elif tok.startswith('dist'): o['dist'] = float(tok[4:] or 1) # weight of mean M.distance(dec(u_prior))²
        else: raise ValueError(tok)
    return o

class PWAE(E.WAE):
    "Encoder head that respects the gluing: atan2 of two outputs per periodic axis (a tear at the seam), sigmoid otherwise."
    def __init__(self, M, seeds, cfg, glue_grid=8, periodic=False):
        super().__init__(M, seeds, cfg, glue_grid)
        self.per = [any(g.kind == 'periodic' and g.axis == i for g in M.gluing) for i in range(M.d)] if periodic else [False] * M.d
        if any(self.per):
            sizes = (cfg.hidden,) * cfg.depth
            self.encoder = StackedMLP(member_generators(seeds, salt=1), (M.n, *sizes, M.d + sum(self.per)), act=nn.Tanh)
    def encode(self, y):
        if not any(self.per): return super().encode(y)
        o, out, j = self.encoder(y), [], 0
        for p in self.per:
            if p: out.append(torch.atan2(o[..., j + 1], o[..., j]) / (2 * math.pi) % 1.); j += 2
            else: out.append(torch.sigmoid(o[..., j])); j += 1
        return torch.stack(out, -1)

class GluedDecoder(nn.Module):
    "Decoder whose input features respect the gluing: (cos, sin) of 2πu for periodic axes, and the features of the axes a collapsed face forgets scaled by √|u_a − at|."
    def __init__(self, M, seeds, cfg):
        super().__init__()
        self.M = M
        self.per = [any(g.kind == 'periodic' and g.axis == i for g in M.gluing) for i in range(M.d)]
        self.mlp = StackedMLP(member_generators(seeds, salt=2), (M.d + sum(self.per), *(cfg.hidden,) * cfg.depth, M.n), act=nn.Tanh)
    def feats(self, u):
        scale = [torch.ones_like(u[..., 0]) for _ in range(self.M.d)]
        for g in self.M.gluing:
            if g.kind == 'collapse':
                for j in g.along: scale[j] = scale[j] * (u[..., g.axis] - g.at).abs().clamp_min(1e-12).sqrt()
        out = []
        for i, p in enumerate(self.per):
            if p: out += [scale[i] * torch.cos(2 * math.pi * u[..., i]), scale[i] * torch.sin(2 * math.pi * u[..., i])]
            else: out.append(scale[i] * u[..., i])
        return torch.stack(out, -1)
    def forward(self, u): return self.mlp(self.feats(u))
    def member(self, s):
        f = self.mlp.member(s)
        return lambda u: f(self.feats(u))

def train(M, seeds, cfg, opt_str):
    o = parse(opt_str)
    wae = PWAE(M, seeds, cfg, o.get('grid', 8), o.get('periodic', False))
    if o.get('gluedec'): wae.decoder = GluedDecoder(M, seeds, cfg)
    opt = torch.optim.Adam(wae.parameters(), lr=cfg.lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=cfg.steps)
    gens = member_generators(seeds, salt=5)
    for step in range(cfg.steps):
        y = E.uniform_points(M, gens, cfg.batch)
        u_prior = torch.stack([torch.rand(cfg.batch, M.d, generator=g) for g in gens])
        parts = wae.losses(y, u_prior)
        gam = cfg.closure
        if 'warm' in o: gam = cfg.closure + (o['warm'] - cfg.closure) * min(1., step / (cfg.steps / 2))
        loss = parts['recon'] + cfg.lam * parts['mmd'] + gam * parts['glue']
        if 'sup' in o and step < o['sup'] * cfg.steps:
            loss = loss + (wae.decoder(u_prior) - M.embed(u_prior)).pow(2).sum(-1).mean(1)
        if 'dist' in o:
            loss = loss + o['dist'] * M.distance(wae.decoder(u_prior)).pow(2).mean(1)
        loss = loss.sum()
        if not torch.isfinite(loss): raise FloatingPointError(step)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step(); sched.step()
    return wae.requires_grad_(False).eval()
