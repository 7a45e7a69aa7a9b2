"""The ONNX session layer: provider order, model lookup, contract checks and CPU fallback."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import helper, numpy_helper

from colorizer_gui.core import contract, session
from colorizer_gui.core.errors import ModelError, ProviderError
from colorizer_gui.core.session import (
    ColorizerSession,
    available_providers,
    find_model,
    make_session_options,
    provider_order,
)
from tests.support.tiny_models import make_tiny_model

ALL = ["CPUExecutionProvider", "CoreMLExecutionProvider", "DmlExecutionProvider", "CUDAExecutionProvider"]


def _gray_input(h: int = 32, w: int = 64) -> np.ndarray:
    return contract.encode_input(np.full((h, w), 50.0, dtype=np.float32))


# --------------------------------------------------------------------------- provider order


@pytest.mark.parametrize(
    ("available", "requested", "expected"),
    [
        ([], None, ["cpu"]),
        (["CPUExecutionProvider"], None, ["cpu"]),
        (["CPUExecutionProvider", "CUDAExecutionProvider"], None, ["cuda", "cpu"]),
        (ALL, None, ["cuda", "directml", "coreml", "cpu"]),
        (ALL, "auto", ["cuda", "directml", "coreml", "cpu"]),
        (ALL, "AUTO", ["cuda", "directml", "coreml", "cpu"]),
        (["CoreMLExecutionProvider", "CPUExecutionProvider"], None, ["coreml", "cpu"]),
        (["AzureExecutionProvider", "CPUExecutionProvider"], None, ["cpu"]),
        (["cuda"], None, ["cuda", "cpu"]),
        (ALL, "cpu", ["cpu"]),
        (ALL, "directml", ["directml", "cpu"]),
        (ALL, "CUDAExecutionProvider", ["cuda", "cpu"]),
        (["CPUExecutionProvider"], "CPU", ["cpu"]),
    ],
)
def test_provider_order(available: list[str], requested: str | None, expected: list[str]) -> None:
    assert provider_order(available, requested) == expected


def test_provider_order_is_pure() -> None:
    available = ("CUDAExecutionProvider", "CPUExecutionProvider")
    first = provider_order(available)
    first.append("mutated")
    assert provider_order(available) == ["cuda", "cpu"]
    assert available == ("CUDAExecutionProvider", "CPUExecutionProvider")


def test_unavailable_provider_lists_the_available_ones() -> None:
    with pytest.raises(ProviderError) as info:
        provider_order(["CPUExecutionProvider", "CoreMLExecutionProvider"], "cuda")
    assert "'cuda' is not available" in info.value.reason
    assert "available: coreml, cpu" in info.value.reason
    assert "onnxruntime-gpu" in info.value.reason


def test_unknown_provider_name_is_refused() -> None:
    with pytest.raises(ProviderError, match="unknown execution provider 'tpu'"):
        provider_order(ALL, "tpu")


def test_available_providers_always_end_with_cpu() -> None:
    names = available_providers()
    assert names[-1] == "cpu"
    assert set(names) <= set(session.PROVIDER_ALIASES)


def test_session_refuses_an_unavailable_provider(tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ort, "get_available_providers", lambda: ["CPUExecutionProvider"])
    with pytest.raises(ProviderError, match=r"available: cpu"):
        ColorizerSession(tiny_model, provider="cuda")


@pytest.mark.filterwarnings("ignore:Specified provider 'CUDAExecutionProvider'")
def test_session_reports_the_provider_that_really_runs(tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # onnxruntime claims CUDA but this build cannot start it: it silently runs on CPU.
    real = ort.get_available_providers()
    if "CUDAExecutionProvider" in real:
        pytest.skip("a working CUDA provider is installed; the silent fallback cannot be provoked")
    monkeypatch.setattr(ort, "get_available_providers", lambda: [*real, "CUDAExecutionProvider"])
    with pytest.warns(RuntimeWarning, match="cuda could not start"):
        colorizer = ColorizerSession(tiny_model, provider="cuda")
    assert colorizer.active_provider == "cpu"


def test_session_options_factory() -> None:
    options = make_session_options(3)
    assert options.intra_op_num_threads == 3
    assert options.graph_optimization_level == ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    assert make_session_options().intra_op_num_threads == 0
    assert make_session_options(for_directml=True).enable_mem_pattern is False
    with pytest.raises(ValueError, match="at least 1"):
        make_session_options(0)


# --------------------------------------------------------------------------- model lookup


def test_find_model_prefers_the_explicit_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    explicit = make_tiny_model(tmp_path / "explicit.onnx")
    env = make_tiny_model(tmp_path / "env.onnx")
    monkeypatch.setenv(session.MODEL_ENV_VAR, str(env))
    assert find_model(explicit) == explicit
    assert find_model() == env


def test_find_model_explicit_missing_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as info:
        find_model(tmp_path / "nope.onnx")
    assert info.value.path == tmp_path / "nope.onnx"
    assert "--model" in info.value.reason


def test_find_model_env_var_pointing_nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(session.MODEL_ENV_VAR, str(tmp_path / "gone.onnx"))
    with pytest.raises(ModelError, match="COLORIZER_MODEL"):
        find_model()


def test_find_model_looks_inside_the_pyinstaller_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(session.MODEL_ENV_VAR, raising=False)
    bundled = make_tiny_model(tmp_path / "bundle" / "models" / "colorizer.onnx")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "bundle"), raising=False)
    assert find_model() == bundled


def test_find_model_looks_next_to_the_executable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(session.MODEL_ENV_VAR, raising=False)
    beside = make_tiny_model(tmp_path / "app" / "models" / "colorizer.onnx")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "empty"), raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "app" / "colorizer"))
    assert find_model() == beside.resolve()


def test_find_model_with_nothing_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(session.MODEL_ENV_VAR, raising=False)
    monkeypatch.setattr(session, "_bundled_candidates", lambda: [tmp_path / "models" / "colorizer.onnx"])
    with pytest.raises(ModelError) as info:
        find_model()
    assert str(tmp_path / "models" / "colorizer.onnx") in info.value.reason
    assert "COLORIZER_MODEL" in info.value.reason


# --------------------------------------------------------------------------- loading and checks


def test_session_reads_the_model_metadata(tmp_path: Path) -> None:
    path = make_tiny_model(tmp_path / "m.onnx", working_size=96, version="v7")
    colorizer = ColorizerSession(path, provider="cpu", threads=1)
    assert colorizer.info.path == path
    assert colorizer.info.version == "v7"
    assert colorizer.info.working_size == 96
    assert colorizer.info.inference_size == 96  # not set: the network sees the working-size copy
    assert colorizer.info.stride == contract.STRIDE
    assert colorizer.info.description == "hint passthrough over a constant colour"
    assert colorizer.info.data_summary == "none (test model)"
    assert colorizer.active_provider == "cpu"


def test_session_reads_the_inference_size(tmp_path: Path) -> None:
    path = make_tiny_model(tmp_path / "m.onnx", working_size=384, inference_size=160)
    info = ColorizerSession(path, provider="cpu", threads=1).info
    assert (info.working_size, info.inference_size) == (384, 160)


def test_predict_ab_returns_lab_chroma(tmp_path: Path) -> None:
    colorizer = ColorizerSession(make_tiny_model(tmp_path / "m.onnx", base_ab=(-12.0, 40.0)))
    ab = colorizer.predict_ab(_gray_input())
    assert ab.shape == (2, 32, 64) and ab.dtype == np.float32
    np.testing.assert_allclose(ab[0], -12.0, atol=1e-4)
    np.testing.assert_allclose(ab[1], 40.0, atol=1e-4)
    assert colorizer.last_inference_s > 0


def test_predict_ab_checks_the_input_shape(tiny_model: Path) -> None:
    colorizer = ColorizerSession(tiny_model)
    with pytest.raises(ValueError, match=r"\[1, 4, H, W\]"):
        colorizer.predict_ab(np.zeros((1, 3, 32, 32), dtype=np.float32))
    with pytest.raises(ValueError, match="multiples of 32"):
        colorizer.predict_ab(np.zeros((1, 4, 32, 40), dtype=np.float32))


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: _write(d / "random.onnx", os.urandom(4096)), "not a loadable ONNX model"),
        (lambda d: _write(d / "empty.onnx", b""), "empty (0 bytes)"),
        (lambda d: d / "missing.onnx", "does not exist"),
        (lambda d: make_tiny_model(d / "broken.onnx", broken_metadata=True), "contract version '999'"),
        (lambda d: make_tiny_model(d / "stride.onnx", stride=0), "colorizer.stride must be a positive"),
    ],
    ids=["random-bytes", "zero-bytes", "missing", "wrong-contract", "bad-stride"],
)
def test_bad_model_files_raise_model_error(tmp_path: Path, make, expected: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(ModelError) as info:
        ColorizerSession(path)
    assert expected in info.value.reason
    assert info.value.path == path
    assert str(path) in str(info.value)


def _edited_model(path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    model = onnx.load(str(make_tiny_model(path)))
    edit(model)
    onnx.save(model, str(path))
    return path


def test_model_without_metadata_is_not_a_colorizer_model(tmp_path: Path) -> None:
    path = _edited_model(tmp_path / "plain.onnx", lambda m: m.ClearField("metadata_props"))
    with pytest.raises(ModelError, match="not a Colorizer model"):
        ColorizerSession(path)


def test_model_with_a_wrong_input_name_is_refused(tmp_path: Path) -> None:
    def rename(model: onnx.ModelProto) -> None:
        model.graph.input[0].name = "image"
        for node in model.graph.node:
            node.input[:] = ["image" if name == "input" else name for name in node.input]

    with pytest.raises(ModelError, match="one input named 'input'"):
        ColorizerSession(_edited_model(tmp_path / "renamed.onnx", rename))


def test_model_with_wrong_channels_is_refused(tmp_path: Path) -> None:
    def three_channels(model: onnx.ModelProto) -> None:
        # Output the first three input channels instead of two chroma planes.
        starts = numpy_helper.from_array(np.array([0], dtype=np.int64), "zero")
        model.graph.initializer.append(starts)
        del model.graph.node[:]
        model.graph.node.append(helper.make_node("Slice", ["input", "zero", "s3", "axis"], ["ab"]))
        model.graph.output[0].type.tensor_type.shape.dim[1].dim_value = 3

    with pytest.raises(ModelError, match=r"output must be \[N, 2, H, W\]"):
        ColorizerSession(_edited_model(tmp_path / "rgb.onnx", three_channels))


# --------------------------------------------------------------------------- runtime fallback


class _FailingInner:
    """Stands in for a GPU session whose provider dies at run time."""

    def __init__(self) -> None:
        self.calls = 0

    def run(self, *_: object) -> list[np.ndarray]:
        self.calls += 1
        raise RuntimeError("CUDA error: out of memory")


def test_gpu_failure_at_run_time_falls_back_to_cpu(tmp_path: Path) -> None:
    colorizer = ColorizerSession(make_tiny_model(tmp_path / "m.onnx", base_ab=(5.0, -7.0)))
    failing = _FailingInner()
    colorizer._inner = failing
    colorizer.active_provider = "cuda"
    with pytest.warns(RuntimeWarning, match="cuda provider failed.*out of memory.*continuing on CPU"):
        ab = colorizer.predict_ab(_gray_input())
    assert failing.calls == 1
    assert colorizer.active_provider == "cpu"
    np.testing.assert_allclose(ab[0], 5.0, atol=1e-4)
    np.testing.assert_allclose(ab[1], -7.0, atol=1e-4)
    again = colorizer.predict_ab(_gray_input(64, 32))  # the CPU session stays
    assert again.shape == (2, 64, 32)


def test_cpu_failure_is_a_model_error(tiny_model: Path) -> None:
    colorizer = ColorizerSession(tiny_model)
    colorizer._inner = _FailingInner()
    with pytest.raises(ModelError, match="failed to run"):
        colorizer.predict_ab(_gray_input())
