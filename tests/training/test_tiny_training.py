"""A tiny CPU training run: the loss falls, a checkpoint resumes exactly, export round-trips."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the train extra (torch) is not installed")

from colorizer_gui.core import contract  # noqa: E402
from colorizer_gui.core.session import ColorizerSession  # noqa: E402
from training import data, export  # noqa: E402
from training.hint_sim import simulate_hints  # noqa: E402
from training.train import TrainConfig, Trainer, lr_factor, save_checkpoint  # noqa: E402

TINY = TrainConfig(size=64, batch=4, limit=8, gan_start=2, freeze_blocks=3, d_width=16, seed=5)


@pytest.fixture(scope="module")
def torch_threads() -> None:
    torch.set_num_threads(1)


def test_loss_falls_on_a_handful_of_photos(shared_data: Path, torch_threads: None) -> None:
    torch.manual_seed(0)
    trainer = Trainer(TINY, shared_data, cache_dir=None, pretrained=True)
    first = np.mean([trainer.step()["plain_l1"] for _ in range(3)])
    for _ in range(30):
        trainer.step()
    last = np.mean([trainer.step()["plain_l1"] for _ in range(5)])
    assert last < first * 0.8, (first, last)


def test_checkpoint_resume_is_exact(shared_data: Path, tmp_path: Path, torch_threads: None) -> None:
    a = Trainer(TINY, shared_data, cache_dir=None, pretrained=False)
    for _ in range(3):
        a.step()
    save_checkpoint(a, tmp_path / "last.pt")
    expected = [a.step()["plain_l1"] for _ in range(2)]
    b = Trainer(TINY, shared_data, cache_dir=None, pretrained=False)
    b.load_state(torch.load(tmp_path / "last.pt", weights_only=False))
    got = [b.step()["plain_l1"] for _ in range(2)]
    assert got == pytest.approx(expected, rel=1e-4)


def test_compact_resume_keeps_weights_step_and_data_order(
    shared_data: Path, tmp_path: Path, torch_threads: None
) -> None:
    a = Trainer(TINY, shared_data, cache_dir=None, pretrained=False)
    for _ in range(3):
        a.step()
    save_checkpoint(a, tmp_path / "resume.pt", compact=True)
    state = torch.load(tmp_path / "resume.pt", weights_only=False)
    assert "opt_g" not in state and all(v.dtype != torch.float32 for v in state["g"].values())
    b = Trainer(TINY, shared_data, cache_dir=None, pretrained=False)
    b.load_compact_state(state)
    assert b.step_count == 3 and b.samples_seen == a.samples_seen
    for (name, wa), wb in zip(a.g.state_dict().items(), b.g.state_dict().values(), strict=True):
        if wa.is_floating_point():
            assert torch.allclose(wa, wb, atol=2e-3, rtol=1e-3), name
    assert a.rng.integers(1 << 30) == b.rng.integers(1 << 30)


def test_export_round_trips_through_the_engine(tmp_path: Path, torch_threads: None) -> None:
    trainer_g = export.Generator(pretrained=False).eval()
    out = tmp_path / "g.onnx"
    diff = export.export(trainer_g, out, version="test-9", working_size=96, inference_size=64)
    assert diff < 1e-4
    session = ColorizerSession(out, provider="cpu")
    assert session.info.version == "test-9"
    assert (session.info.working_size, session.info.inference_size) == (96, 64)
    x = np.zeros((1, 4, 64, 96), dtype=np.float32)
    ab = session.predict_ab(x)
    assert ab.shape == (2, 64, 96)
    assert np.abs(ab).max() <= contract.AB_SCALE
    # A retag changes only the metadata: same answers, new version and inference size.
    export.retag(out, version="test-10", inference_size=128)
    retagged = ColorizerSession(out, provider="cpu")
    assert (retagged.info.version, retagged.info.inference_size, retagged.info.working_size) == ("test-10", 128, 96)
    assert retagged.info.data_summary == session.info.data_summary
    np.testing.assert_array_equal(retagged.predict_ab(x), ab)


def test_simulated_hints_take_ground_truth_colours() -> None:
    rng = np.random.default_rng(1)
    ab = torch.zeros(64, 2, 32, 32)
    ab[:, 0] = 0.5
    ab[:, 1] = -0.25
    hints = simulate_hints(ab, rng)
    mask = hints[:, 2] > 0
    assert 0 < (mask.flatten(1).any(dim=1)).float().mean() < 1  # some samples have none (automatic mode)
    assert torch.allclose(hints[:, 0][mask], torch.tensor(0.5))
    assert torch.allclose(hints[:, 1][mask], torch.tensor(-0.25))


def test_lr_decays_by_cosine_to_its_floor() -> None:
    cfg = TrainConfig(lr_decay_start=100, lr_decay_end=200, lr_min_factor=0.1)
    assert lr_factor(cfg, 50) == 1.0 and lr_factor(cfg, 100) == 1.0
    assert lr_factor(cfg, 150) == pytest.approx(0.55)
    assert lr_factor(cfg, 200) == pytest.approx(0.1) and lr_factor(cfg, 900) == pytest.approx(0.1)
    assert lr_factor(TrainConfig(), 10**6) == 1.0


def test_weight_average_resumes_and_exports(shared_data: Path, tmp_path: Path, torch_threads: None) -> None:
    cfg = TrainConfig(**{**TINY.__dict__, "ema": 0.5, "lr_decay_start": 0, "lr_decay_end": 6})
    a = Trainer(cfg, shared_data, cache_dir=None, pretrained=False)
    for _ in range(3):
        a.step()
    assert a.opt_g.param_groups[0]["lr"] < cfg.lr_g
    name = "head.weight"  # trained (the stem is frozen in TINY)
    assert not torch.equal(a.g_ema.state_dict()[name], a.g.state_dict()[name])  # the average lags behind
    save_checkpoint(a, tmp_path / "last.pt")
    expected = [a.step()["plain_l1"] for _ in range(2)]
    b = Trainer(cfg, shared_data, cache_dir=None, pretrained=False)
    b.load_state(torch.load(tmp_path / "last.pt", weights_only=False))
    assert [b.step()["plain_l1"] for _ in range(2)] == pytest.approx(expected, rel=1e-4)
    for wa, wb in zip(a.g_ema.state_dict().values(), b.g_ema.state_dict().values(), strict=True):
        assert torch.allclose(wa.float(), wb.float())
    save_checkpoint(b, tmp_path / "resume.pt", compact=True)
    exported = export.load_generator(tmp_path / "resume.pt")
    assert torch.allclose(exported.state_dict()[name], b.g_ema.state_dict()[name], atol=2e-3, rtol=1e-3)


def test_device_sampler_crops_like_the_cpu_sampler(shared_data: Path) -> None:
    """Same random draws, same crops: only the resize filter differs (cv2 area vs torch antialiased bilinear)."""
    files = data.list_training_files(shared_data)[:6]
    images = data.load_images(files, cache_dir=None)
    cpu_l, cpu_ab = data.sample_batch(images, 8, 64, np.random.default_rng(3))
    dev_l, dev_ab = data.DeviceSampler(images, torch.device("cpu"))(8, 64, np.random.default_rng(3))
    assert dev_l.shape == (8, 1, 64, 64) and dev_ab.shape == (8, 2, 64, 64)
    assert float((dev_l - cpu_l).abs().mean()) < 0.02  # L in contract units (-1..1)
    assert float((dev_ab - cpu_ab).abs().mean()) < 0.01


def test_a_step_with_the_device_sampler(shared_data: Path, torch_threads: None) -> None:
    trainer = Trainer(TINY, shared_data, cache_dir=None, pretrained=False, device_sampler=True)
    logs = [trainer.step() for _ in range(2)]
    assert all(np.isfinite(entry["plain_l1"]) for entry in logs)


def test_crop_min_one_samples_whole_photos(shared_data: Path) -> None:
    """At ``crop_min=1`` every sample is a whole photo (maybe mirrored), as the app shows it to the network."""
    files = data.list_training_files(shared_data)[:4]
    images = data.load_images(files, cache_dir=None)
    rng = np.random.default_rng(5)
    lightness, _ = data.sample_batch(images, 6, 64, rng, crop_min=1.0)
    whole = [cv2.resize(np.ascontiguousarray(im), (64, 64), interpolation=cv2.INTER_AREA) for im in images]
    wholes, _ = data._contract_units(torch.from_numpy(np.stack(whole)).permute(0, 3, 1, 2).float() / 255.0)
    for sample in lightness:
        errors = [float((sample - w).abs().mean()) for w in wholes] + [
            float((sample - w.flip(-1)).abs().mean()) for w in wholes
        ]
        assert min(errors) < 1e-4


def test_held_out_photos_stay_out_when_shards_come_and_go(shared_data: Path) -> None:
    files = data.list_training_files(shared_data)
    train, held = data.split_held_out(files, 25)
    assert not set(train) & set(held) and len(train) + len(held) == len(files)
    assert 0.015 < len(held) / len(files) < 0.035  # about 25 in 1,000
    # One shard fewer (or one more): every photo keeps its side.
    fewer = [f for f in files if f.parent.name != "shard01"]
    assert data.split_held_out(fewer, 25)[1] == [f for f in held if f.parent.name != "shard01"]
    assert data.split_held_out(files, 0) == (files, [])


def test_emphasis_draws_the_named_photos_more_often(shared_data: Path) -> None:
    """A source named in ``emphasis`` (file-name prefix or manifest source path) is drawn ``factor`` times as often."""
    files = data.list_training_files(shared_data)[::20]  # every source
    assert data.sampling_weights(files, shared_data, None) is None
    p = data.sampling_weights(files, shared_data, {"camvid": 3.0})
    assert p is not None and p.sum() == pytest.approx(1.0)
    street = np.array([f.name.startswith("camvid") for f in files])
    assert 0 < street.sum() < len(files)
    assert p[street] == pytest.approx(3 * p[~street][0]) and np.ptp(p[~street]) == 0
    # Manifest paths name classes: Imagenette's church photos (n03028079) have no class in their file name.
    churches = data.sampling_weights(files, shared_data, {"n03028079": 2.0})
    assert churches is not None and np.unique(churches).size == 2
    draws = data._draw(np.random.default_rng(0), len(files), 20_000, p)
    assert np.isin(draws, np.flatnonzero(street)).mean() == pytest.approx(p[street].sum(), abs=0.02)


def test_uniform_draw_is_unchanged_so_old_runs_resume_exactly() -> None:
    assert np.array_equal(
        data._draw(np.random.default_rng(7), 50, 16, None), np.random.default_rng(7).integers(0, 50, size=16)
    )


def test_hints_none_sets_the_share_of_automatic_samples() -> None:
    ab = torch.zeros(400, 2, 16, 16)
    for share in (0.3, 0.7):
        hints = simulate_hints(ab, np.random.default_rng(1), p_none=share)
        without = float((hints[:, 2].flatten(1).amax(dim=1) == 0).float().mean())
        assert without == pytest.approx(share, abs=0.06)


def test_the_cast_term_prices_a_photo_wide_tint_and_trains() -> None:
    from training.losses import cast_l1

    target = torch.zeros(2, 2, 8, 8)
    target[0, 1, :, :4] = 0.4  # half the photo yellow: a mean b of 0.2
    tinted = target.clone()
    tinted[:, 1] += 0.1  # the same picture with a slight yellow cast everywhere
    signs = torch.ones(2, 2, 8, 8)
    signs[..., ::2] = -1
    noisy = target + 0.1 * signs  # as wrong on every pixel, but no cast
    assert cast_l1(target, target) == 0
    assert float(cast_l1(tinted, target)) == pytest.approx(0.1)
    assert float(cast_l1(noisy, target)) == pytest.approx(0.0, abs=1e-6)


def test_a_step_with_the_cast_term(shared_data: Path, torch_threads: None) -> None:
    from dataclasses import replace

    trainer = Trainer(replace(TINY, lambda_cast=50.0), shared_data, cache_dir=None, pretrained=False)
    logs = trainer.step()
    assert logs["cast"] >= 0 and np.isfinite(logs["l1"])
