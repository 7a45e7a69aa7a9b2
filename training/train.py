"""Train the generator: ``python -m training.train --minutes 60`` (resumes from ``--run``'s checkpoint).

pix2pix recipe in Lab: generator G(L, hints) -> ab, PatchGAN D on (L, ab),
loss = lambda_l1 * rebalanced Huber + lambda_gan * LSGAN. Checkpoints hold
models, optimisers, step and every RNG state, so a resumed run is exact.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import platform
import signal
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch

from . import data as data_mod
from .hint_sim import simulate_hints
from .losses import cast_l1, lsgan_d, lsgan_g, rebalance_weights, rebalanced_huber
from .model import Generator, PatchDiscriminator, cast_weights

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data"
#: The one checkpoint kept in git, so sessions add up.
COMPACT = REPO / "models" / "resume" / "colorizer_resume_fp16.pt"


@dataclass
class TrainConfig:
    """Everything that defines a run; stored in the checkpoint so a resume cannot drift."""

    size: int = 128
    batch: int = 16
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    lambda_l1: float = 100.0
    lambda_gan: float = 1.0
    gan_start: int = 3000
    freeze_blocks: int = 3
    d_width: int = 32
    seed: int = 1234
    limit: int | None = None
    shards: list[str] | None = field(default=None)
    #: Rebalancing strength: 0 weights by 1/p (strongest), 1 is plain Huber (see ``losses.rebalance_weights``).
    rebalance_mix: float = 0.5
    #: Cosine decay of both learning rates from ``lr_decay_start`` to ``lr_decay_end`` (absolute steps).
    lr_decay_start: int | None = None
    lr_decay_end: int | None = None
    lr_min_factor: float = 0.05
    #: Exponential moving average of G's weights (0 = off); the exporter prefers it when present.
    ema: float = 0.0
    #: Smallest random crop, as a fraction of the 256 px side (see ``data._crop_box``).
    crop_min: float = 0.5
    #: Training photos held out per 1,000 (``data.split_held_out``), for choosing checkpoints and settings
    #: without val: ``python -m training.evaluate --holdout P``. Only a run started with it has never seen them.
    holdout_per_mille: int = 0
    #: Share of samples trained without hints (automatic mode); the rest get simulated hints.
    hints_none: float = 0.3
    #: Sampling weight per photo group (``data.sampling_weights``), e.g. ``{"camvid": 2.0}``; None = uniform.
    emphasis: dict[str, float] | None = None
    #: Weight of the colour-cast term (``losses.cast_l1``, each photo's mean ab); 0 = off.
    lambda_cast: float = 0.0


def lr_factor(cfg: TrainConfig, step: int) -> float:
    """Multiplier of the base learning rates at ``step``: 1 before the decay, cosine down to ``lr_min_factor``."""
    if cfg.lr_decay_start is None or cfg.lr_decay_end is None or step <= cfg.lr_decay_start:
        return 1.0
    t = min(1.0, (step - cfg.lr_decay_start) / max(1, cfg.lr_decay_end - cfg.lr_decay_start))
    return cfg.lr_min_factor + (1.0 - cfg.lr_min_factor) * 0.5 * (1.0 + math.cos(math.pi * t))


def _device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


class Trainer:
    """Owns models, optimisers and the data; ``step()`` does one G and D update."""

    def __init__(
        self,
        cfg: TrainConfig,
        data_root: Path,
        cache_dir: Path | None,
        pretrained: bool = True,
        *,
        device_sampler: bool | None = None,
    ):
        self.cfg = cfg
        self.device = _device()
        #: bf16 autocast where it pays (CUDA); CPU steps stay fp32.
        self.amp = self.device.type == "cuda"
        if self.amp:
            torch.backends.cudnn.benchmark = True
        self.rng = np.random.default_rng(cfg.seed)
        torch.manual_seed(cfg.seed)
        files, _ = data_mod.split_held_out(data_mod.list_training_files(data_root, cfg.shards), cfg.holdout_per_mille)
        self.images = data_mod.load_images(files, cache_dir, limit=cfg.limit)
        self.draw_p = data_mod.sampling_weights(files[: len(self.images)], data_root, cfg.emphasis)
        hist = data_mod.ab_histogram(self.images, np.random.default_rng(cfg.seed))
        self.weights = rebalance_weights(hist, mix=cfg.rebalance_mix)
        use_device_sampler = self.device.type == "cuda" if device_sampler is None else device_sampler
        self.sampler = data_mod.DeviceSampler(self.images, self.device) if use_device_sampler else None
        self.g = Generator(pretrained=pretrained).to(self.device)
        self.d = PatchDiscriminator(cfg.d_width).to(self.device)
        frozen = [self.g.stem, self.g.bn0, *self.g.blocks[: cfg.freeze_blocks]] if cfg.freeze_blocks else []
        if frozen:  # a frozen stem must not mix fixed random hint weights into ImageNet features
            with torch.no_grad():
                self.g.stem.weight[:, 1:] = 0.0
        for module in frozen:
            for p in module.parameters():
                p.requires_grad_(False)
        self.frozen = frozen
        params = [p for p in self.g.parameters() if p.requires_grad]
        self.opt_g = torch.optim.Adam(params, lr=cfg.lr_g, betas=(0.5, 0.999))
        self.opt_d = torch.optim.Adam(self.d.parameters(), lr=cfg.lr_d, betas=(0.5, 0.999))
        self.step_count = 0
        self.samples_seen = 0
        self.g_ema = self._fresh_ema() if cfg.ema > 0 else None

    def _fresh_ema(self) -> Generator:
        ema = copy.deepcopy(self.g).eval()
        for p in ema.parameters():
            p.requires_grad_(False)
        return ema

    @torch.no_grad()
    def _update_ema(self) -> None:
        if self.g_ema is None:
            return
        for e, p in zip(self.g_ema.state_dict().values(), self.g.state_dict().values(), strict=True):
            if e.is_floating_point():
                e.lerp_(p, 1.0 - self.cfg.ema)
            else:
                e.copy_(p)

    def _train_mode(self) -> None:
        self.g.train()
        for module in self.frozen:  # frozen layers keep their ImageNet batch-norm statistics
            module.eval()

    def _autocast(self) -> torch.autocast:
        return torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.amp)

    def step(self) -> dict[str, float]:
        self._train_mode()
        cfg = self.cfg
        factor = lr_factor(cfg, self.step_count)
        for opt, base in ((self.opt_g, cfg.lr_g), (self.opt_d, cfg.lr_d)):
            for group in opt.param_groups:
                group["lr"] = base * factor
        if self.sampler is not None:
            lightness, ab = self.sampler(cfg.batch, cfg.size, self.rng, crop_min=cfg.crop_min, p=self.draw_p)
        else:
            lightness, ab = data_mod.sample_batch(
                self.images, cfg.batch, cfg.size, self.rng, crop_min=cfg.crop_min, p=self.draw_p
            )
        hints = simulate_hints(ab, self.rng, p_none=cfg.hints_none)
        lightness, ab, hints = lightness.to(self.device), ab.to(self.device), hints.to(self.device)
        x = torch.cat([lightness, hints[:, :2] * hints[:, 2:3], hints[:, 2:3]], dim=1)
        with self._autocast():
            fake = self.g(x).float()
        use_gan = self.step_count >= cfg.gan_start and cfg.lambda_gan > 0
        logs: dict[str, float] = {}
        if use_gan:
            self.opt_d.zero_grad(set_to_none=True)
            with self._autocast():
                real_score, fake_score = self.d(lightness, ab), self.d(lightness, fake.detach())
            loss_d = lsgan_d(real_score.float(), fake_score.float())
            loss_d.backward()
            self.opt_d.step()
            logs["d"] = float(loss_d.detach())
        self.opt_g.zero_grad(set_to_none=True)
        loss_l1 = rebalanced_huber(fake, ab, self.weights)
        loss = cfg.lambda_l1 * loss_l1
        if cfg.lambda_cast:
            loss_cast = cast_l1(fake, ab)
            loss = loss + cfg.lambda_cast * loss_cast
            logs["cast"] = float(loss_cast.detach())
        if use_gan:
            with self._autocast():
                score = self.d(lightness, fake)
            loss_gan = lsgan_g(score.float())
            loss = loss + cfg.lambda_gan * loss_gan
            logs["g_gan"] = float(loss_gan.detach())
        loss.backward()
        self.opt_g.step()
        self._update_ema()
        self.step_count += 1
        self.samples_seen += cfg.batch
        logs["l1"] = float(loss_l1.detach())
        logs["plain_l1"] = float((fake.detach() - ab).abs().mean())
        logs["lr_factor"] = factor
        return logs

    def state(self) -> dict[str, object]:
        return {
            "config": asdict(self.cfg),
            "g": self.g.state_dict(),
            "g_ema": self.g_ema.state_dict() if self.g_ema is not None else None,
            "d": self.d.state_dict(),
            "opt_g": self.opt_g.state_dict(),
            "opt_d": self.opt_d.state_dict(),
            "step": self.step_count,
            "samples_seen": self.samples_seen,
            "numpy_rng": self.rng.bit_generator.state,
            "torch_rng": torch.get_rng_state(),
        }

    def load_state(self, state: dict) -> None:
        self.g.load_state_dict(state["g"])
        self._load_ema(state.get("g_ema"))
        self.d.load_state_dict(state["d"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        self.step_count = int(state["step"])
        self.samples_seen = int(state["samples_seen"])
        self.rng.bit_generator.state = state["numpy_rng"]
        torch.set_rng_state(state["torch_rng"])

    def compact_state(self) -> dict[str, object]:
        """What the next session needs to go on (fp16 G and D, step, RNG), ~9.5 MB: small enough for git.

        Adam's moments are left out (they would triple the size), so a run resumed
        from this restarts its optimisers; a run resumed from ``last.pt`` is exact.
        Where a weight average is kept, it is stored as G itself (one copy, not two):
        the next run starts from the better weights and begins a fresh average there.
        """
        full = self.state()
        if full["g_ema"] is not None:
            full["g"], full["g_is_average"] = full["g_ema"], True
        full["g_ema"] = None
        for key in ("g", "d"):
            full[key] = cast_weights(full[key], torch.float16)  # type: ignore[arg-type]
        del full["opt_g"], full["opt_d"]
        return full

    def load_compact_state(self, state: dict) -> None:
        for net, key in ((self.g, "g"), (self.d, "d")):
            net.load_state_dict(cast_weights(state[key], torch.float32))
        self._load_ema(None)  # a compact file's G already is the average: start a fresh one from it
        self.step_count = int(state["step"])
        self.samples_seen = int(state["samples_seen"])
        self.rng.bit_generator.state = state["numpy_rng"]
        torch.set_rng_state(state["torch_rng"])

    def _load_ema(self, stored: dict[str, torch.Tensor] | None) -> None:
        """Take the stored EMA, or start one from G when a run switches EMA on (or off: drop it)."""
        if self.cfg.ema <= 0:
            self.g_ema = None
            return
        self.g_ema = self._fresh_ema()
        if stored:
            self.g_ema.load_state_dict(stored)


def save_checkpoint(trainer: Trainer, path: Path, *, compact: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save(trainer.compact_state() if compact else trainer.state(), tmp)
    os.replace(tmp, path)


def append_log(log_path: Path, entry: dict[str, object]) -> None:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")


def hardware() -> str:
    if torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    return f"CPU {platform.processor() or platform.machine()}, {torch.get_num_threads()} threads"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--run", type=Path, default=REPO / "runs" / "main", help="checkpoint folder (resumed)")
    ap.add_argument("--cache", type=Path, default=REPO / "data_cache")
    ap.add_argument(
        "--resume-compact",
        type=Path,
        default=COMPACT,
        help="fp16 resume file used when --run has no full checkpoint (written at the end of every run)",
    )
    ap.add_argument("--minutes", type=float, default=None)
    ap.add_argument("--steps", type=int, default=None, help="stop at this total step count")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--save-every", type=int, default=200)
    ap.add_argument("--log", type=Path, default=REPO / "models" / "training_log.jsonl")
    ap.add_argument("--no-pretrained", action="store_true", help="random encoder (tests only)")
    ap.add_argument("--config", type=str, default=None, help="JSON overrides of TrainConfig (also on resume)")
    args = ap.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    ckpt = args.run / "last.pt"
    source = ckpt if ckpt.exists() else args.resume_compact if args.resume_compact.exists() else None
    state = torch.load(source, map_location="cpu", weights_only=False) if source else None
    # --config overrides the recipe; on a resume it changes it from here on (the log records the result).
    overrides = json.loads(args.config or "{}")
    cfg = TrainConfig(**{**(state["config"] if state else {}), **overrides})
    # A resumed run overwrites every weight, so the ImageNet file (an 18 MB wheel) is only needed for a fresh one.
    trainer = Trainer(cfg, args.data, args.cache, pretrained=not args.no_pretrained and state is None)
    if state and "opt_g" in state:
        trainer.load_state(state)
    elif state:
        trainer.load_compact_state(state)
    if state:
        print(f"resumed from {source} at step {trainer.step_count}")
        factor = lr_factor(cfg, trainer.step_count)
        if factor < 1.0:  # a branch that sets lr_g but not the decay inherits a schedule that has already ended
            print(
                f"learning rates start at x{factor:.3g} of lr_g/lr_d "
                f"(lr_decay_start {cfg.lr_decay_start}, lr_decay_end {cfg.lr_decay_end})"
            )
    start_step, start = trainer.step_count, time.time()
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    deadline = start + args.minutes * 60 if args.minutes else None
    recent: list[dict[str, float]] = []
    while not stop["now"]:
        if args.steps is not None and trainer.step_count >= args.steps:
            break
        if deadline is not None and time.time() >= deadline:
            break
        recent.append(trainer.step())
        recent = recent[-50:]
        if trainer.step_count % 20 == 0:
            avg = {k: float(np.mean([r[k] for r in recent if k in r])) for k in recent[-1]}
            rate = (trainer.step_count - start_step) * cfg.batch / (time.time() - start)
            print(f"step {trainer.step_count} {json.dumps(avg)} {rate:.1f} img/s", flush=True)
        if trainer.step_count % args.save_every == 0:
            save_checkpoint(trainer, ckpt)
    save_checkpoint(trainer, ckpt)
    save_checkpoint(trainer, args.resume_compact, compact=True)
    seconds = time.time() - start
    last = {k: float(np.mean([r[k] for r in recent if k in r])) for k in recent[-1]} if recent else {}
    append_log(
        args.log,
        {
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "hardware": hardware(),
            "steps": [start_step, trainer.step_count],
            "samples_seen_total": trainer.samples_seen,
            "seconds": round(seconds, 1),
            "images_in_memory": len(trainer.images),
            "config": asdict(cfg),
            "last_losses": last,
        },
    )
    print(f"done: steps {start_step}->{trainer.step_count} in {seconds:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
