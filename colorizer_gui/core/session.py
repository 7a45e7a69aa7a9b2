"""The ONNX session layer: find the model, check its contract, pick and report providers.

Everything that touches ``onnxruntime`` lives here, so the pipeline only sees
"model input in, Lab ab out". onnxruntime quietly falls back to CPU when a GPU
provider cannot start, so the session reports the provider that really runs,
and a GPU that fails at run time (out of memory, driver reset) is replaced by
CPU with a warning instead of failing the photo.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from colorizer_gui._bundle import data_roots
from colorizer_gui.core import contract
from colorizer_gui.core.errors import ModelError, ProviderError

__all__ = [
    "MODEL_ENV_VAR",
    "MODEL_FILE_NAME",
    "PROVIDER_ALIASES",
    "ColorizerSession",
    "ModelInfo",
    "available_providers",
    "find_model",
    "make_session_options",
    "provider_order",
]

logger = logging.getLogger(__name__)

PROVIDER_ALIASES = {
    "cpu": "CPUExecutionProvider",
    "cuda": "CUDAExecutionProvider",
    "directml": "DmlExecutionProvider",
    "coreml": "CoreMLExecutionProvider",
}
#: Best first; CPU is always present and always last.
_PREFERENCE = ("cuda", "directml", "coreml", "cpu")
_INSTALL_HINT = {
    "cuda": "install onnxruntime-gpu (with a matching CUDA/cuDNN) instead of onnxruntime",
    "directml": "install onnxruntime-directml instead of onnxruntime (Windows only)",
    "coreml": "use the standard onnxruntime wheel on macOS",
}
MODEL_ENV_VAR = "COLORIZER_MODEL"
MODEL_FILE_NAME = "colorizer.onnx"
_MODEL_FIX = "pass the model with --model, set $COLORIZER_MODEL, or put it at models/colorizer.onnx"


# --------------------------------------------------------------------------- providers


def _short_name(name: str) -> str | None:
    """``"cuda"`` or ``"CUDAExecutionProvider"`` -> ``"cuda"``; None for names we do not know."""
    lowered = name.strip().lower()
    if lowered in PROVIDER_ALIASES:
        return lowered
    for short, full in PROVIDER_ALIASES.items():
        if lowered == full.lower():
            return short
    return None


def available_providers() -> list[str]:
    """Short names of the providers this onnxruntime build offers, best first (CPU always)."""
    return provider_order(_ort_available())


def provider_order(available: Sequence[str], requested: str | None = None) -> list[str]:
    """The providers to try, best first, as short names; CPU is always the last resort.

    Parameters
    ----------
    available : sequence of str
        Provider names, short (``"cuda"``) or onnxruntime's (``"CUDAExecutionProvider"``);
        unknown ones are ignored and CPU is assumed even if missing.
    requested : str, optional
        ``None`` or ``"auto"`` for the best available, else one provider by name.

    Returns
    -------
    list of str
        E.g. ``["cuda", "cpu"]``; ``["cpu"]`` when CPU is asked for.

    Raises
    ------
    ProviderError
        When ``requested`` is unknown or not available; the reason lists what is.
    """
    present = {short for name in available if (short := _short_name(name)) is not None}
    present.add("cpu")
    order = [name for name in _PREFERENCE if name in present]
    if requested is None or requested.strip().lower() == "auto":
        return order
    wanted = _short_name(requested)
    if wanted is None:
        raise ProviderError(f"unknown execution provider {requested!r}; choose one of auto, {', '.join(_PREFERENCE)}")
    if wanted not in present:
        raise ProviderError(
            f"execution provider {wanted!r} is not available in this installation "
            f"(available: {', '.join(order)}); {_INSTALL_HINT.get(wanted, 'choose another one')} "
            "or use 'auto'"
        )
    return [wanted] if wanted == "cpu" else [wanted, "cpu"]


def make_session_options(threads: int | None = None, *, for_directml: bool = False) -> Any:
    """SessionOptions with our thread count and full graph optimisation.

    ``threads`` None lets onnxruntime use every core; batch jobs pass a share.
    DirectML cannot run with memory patterns, so ``for_directml`` turns them off.
    """
    if threads is not None and threads < 1:
        raise ValueError(f"threads must be at least 1, not {threads}")
    ort = _ort()
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or 0
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Idle worker threads would otherwise spin and steal the cores that decode and encode images.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    if for_directml:
        options.enable_mem_pattern = False
    return options


# --------------------------------------------------------------------------- model lookup


def _bundled_candidates() -> list[Path]:
    """Where a shipped model can sit: the PyInstaller bundle, the source tree, a wheel install."""
    return [root / "models" / MODEL_FILE_NAME for root in data_roots()]


def find_model(explicit: Path | None = None) -> Path:
    """The model file to load: ``explicit``, then ``$COLORIZER_MODEL``, then the bundled ``models/``.

    Raises
    ------
    ModelError
        When the chosen path does not exist, or nothing is found at all.
    """
    if explicit is not None:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise ModelError(f"the model file does not exist; check the path or {_MODEL_FIX}", path=path)
        return path
    env_value = os.environ.get(MODEL_ENV_VAR, "").strip()
    if env_value:
        path = Path(env_value).expanduser()
        if not path.is_file():
            raise ModelError(
                f"${MODEL_ENV_VAR} points to a model file that does not exist; fix or unset it",
                path=path,
            )
        return path
    candidates = _bundled_candidates()
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(c) for c in candidates)
    raise ModelError(f"no colorizer model found (looked in {searched}); {_MODEL_FIX}")


# --------------------------------------------------------------------------- session


@dataclass(frozen=True)
class ModelInfo:
    """What the model's metadata says about itself, checked at load."""

    path: Path
    version: str
    working_size: int
    stride: int
    description: str
    data_summary: str
    #: Long side of the copy the network sees (``working_size`` unless the metadata sets it).
    inference_size: int


def _positive_int(meta: dict[str, str], key: str, path: Path) -> int:
    raw = meta[contract.META_KEYS[key]]
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ModelError(
            f"model metadata {contract.META_KEYS[key]} must be a positive integer, not {raw!r}; "
            "re-export the model with the training export script",
            path=path,
        )
    return value


def _check_contract(inner: Any, path: Path) -> ModelInfo:
    """Refuse a model whose metadata or tensors do not follow ``core/contract.py``."""
    meta: dict[str, str] = dict(inner.get_modelmeta().custom_metadata_map)
    required = ("contract", "version", "working_size", "stride")
    missing = [contract.META_KEYS[k] for k in required if contract.META_KEYS[k] not in meta]
    if missing:
        raise ModelError(
            f"not a Colorizer model: metadata {', '.join(missing)} missing; "
            "export the generator with the training export script",
            path=path,
        )
    found = meta[contract.META_KEYS["contract"]]
    if found != contract.CONTRACT_VERSION:
        raise ModelError(
            f"the model follows contract version {found!r} but this Colorizer needs version "
            f"{contract.CONTRACT_VERSION!r}; use a model exported for this release or update Colorizer",
            path=path,
        )
    inputs, outputs = inner.get_inputs(), inner.get_outputs()
    if len(inputs) != 1 or inputs[0].name != contract.INPUT_NAME:
        names = [i.name for i in inputs]
        raise ModelError(
            f"the model must have one input named {contract.INPUT_NAME!r}, found {names}; "
            "re-export it with the training export script",
            path=path,
        )
    _check_shape(inputs[0].shape, contract.INPUT_CHANNELS, "input", path)
    by_name = {o.name: o for o in outputs}
    if contract.OUTPUT_NAME not in by_name:
        raise ModelError(
            f"the model has no output named {contract.OUTPUT_NAME!r} (found {list(by_name)}); "
            "re-export it with the training export script",
            path=path,
        )
    _check_shape(by_name[contract.OUTPUT_NAME].shape, 2, "output", path)
    working_size = _positive_int(meta, "working_size", path)
    has_inference_size = contract.META_KEYS["inference_size"] in meta
    return ModelInfo(
        path=path,
        version=meta[contract.META_KEYS["version"]],
        working_size=working_size,
        stride=_positive_int(meta, "stride", path),
        description=meta.get(contract.META_KEYS["description"], ""),
        data_summary=meta.get(contract.META_KEYS["data"], ""),
        inference_size=_positive_int(meta, "inference_size", path) if has_inference_size else working_size,
    )


def _check_shape(shape: Sequence[object], channels: int, what: str, path: Path) -> None:
    if len(shape) != 4 or (isinstance(shape[1], int) and shape[1] != channels):
        raise ModelError(
            f"the model {what} must be [N, {channels}, H, W], found {list(shape)}; "
            "re-export it with the training export script",
            path=path,
        )


class ColorizerSession:
    """One loaded generator: checked metadata, the provider that runs it, and timing.

    Parameters
    ----------
    model_path : Path, optional
        The ONNX file; ``None`` uses :func:`find_model`.
    provider : str, optional
        ``None``/``"auto"`` for the best available, or ``"cpu"``, ``"cuda"``, ...
    threads : int, optional
        Intra-op threads; ``None`` lets onnxruntime decide.

    Raises
    ------
    ModelError
        Missing, empty or corrupt file, or a model that breaks the contract.
    ProviderError
        A provider was asked for that this installation cannot offer.
    """

    def __init__(
        self, model_path: Path | None = None, *, provider: str | None = None, threads: int | None = None
    ) -> None:
        path = find_model(model_path)
        order = provider_order(_ort_available(), provider)
        self._path = path
        self._threads = threads
        self._lock = threading.Lock()
        self._inner = self._create_inner(order)
        self.info: ModelInfo = _check_contract(self._inner, path)
        self.active_provider: str = _short_name(self._inner.get_providers()[0]) or "cpu"
        self.last_inference_s: float = 0.0
        if order[0] != "cpu" and self.active_provider != order[0]:
            message = f"{order[0]} could not start, running the model on {self.active_provider} instead"
            logger.warning(message)
            if provider is not None and provider.strip().lower() != "auto":
                warnings.warn(message, RuntimeWarning, stacklevel=2)

    def _create_inner(self, order: Sequence[str]) -> Any:
        """Build the onnxruntime session, turning any load failure into a worded ModelError."""
        ort = _ort()
        path = self._path
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise ModelError(f"the model file cannot be read: {exc}; {_MODEL_FIX}", path=path) from exc
        if size == 0:
            raise ModelError(
                "the model file is empty (0 bytes), probably an interrupted copy; copy or export it again",
                path=path,
            )
        try:
            return ort.InferenceSession(
                str(path),
                sess_options=make_session_options(self._threads, for_directml="directml" in order),
                providers=[PROVIDER_ALIASES[name] for name in order],
            )
        except Exception as exc:  # onnxruntime raises its own unrelated exception types
            raise ModelError(
                f"the file is not a loadable ONNX model ({type(exc).__name__}: {str(exc).strip()[:300]}); "
                "copy or export the model again",
                path=path,
            ) from exc

    def predict_ab(self, model_input: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Run the model on one encoded input ``[1, 4, H, W]`` and return Lab ab ``(2, H, W)``.

        A GPU provider that fails while running is replaced by CPU (with a
        warning) and the input is run again, so a flaky driver costs time, not
        the photo.

        Raises
        ------
        ValueError
            When the input does not have the contract's shape.
        ModelError
            When the model fails on CPU or returns the wrong shape.
        """
        x = np.ascontiguousarray(model_input, dtype=np.float32)
        stride = self.info.stride
        if x.ndim != 4 or x.shape[:2] != (1, contract.INPUT_CHANNELS):
            raise ValueError(f"model input must be [1, {contract.INPUT_CHANNELS}, H, W], not {list(x.shape)}")
        if x.shape[2] % stride or x.shape[3] % stride:
            raise ValueError(f"model input height and width must be multiples of {stride}, not {x.shape[2:]}")
        start = time.perf_counter()
        try:
            output = self._run(x)
        except Exception as exc:  # provider failures come as several onnxruntime types
            if self.active_provider == "cpu":
                raise ModelError(f"the model failed to run: {exc}", path=self._path) from exc
            self._fall_back_to_cpu(exc)
            output = self._run(x)
        self.last_inference_s = time.perf_counter() - start
        expected = (1, 2, x.shape[2], x.shape[3])
        if output.shape != expected:
            raise ModelError(
                f"the model returned shape {list(output.shape)}, expected {list(expected)}; "
                "re-export it with the training export script",
                path=self._path,
            )
        return contract.decode_output(output)

    def _run(self, x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        with self._lock:
            inner = self._inner
        result = inner.run([contract.OUTPUT_NAME], {contract.INPUT_NAME: x})
        return np.asarray(result[0], dtype=np.float32)

    def _fall_back_to_cpu(self, exc: BaseException) -> None:
        """Swap in a CPU session once; concurrent callers share the new one."""
        with self._lock:
            if self.active_provider == "cpu":
                return
            failed = self.active_provider
            message = f"the {failed} provider failed while running the model ({exc}); continuing on CPU"
            logger.warning(message)
            warnings.warn(message, RuntimeWarning, stacklevel=3)
            self._inner = self._create_inner(["cpu"])
            self.active_provider = "cpu"

    def __repr__(self) -> str:
        return f"ColorizerSession({str(self._path)!r}, provider={self.active_provider!r})"


def _ort() -> Any:
    """onnxruntime, imported on first use so that importing the core stays cheap."""
    import onnxruntime

    return onnxruntime


def _ort_available() -> list[str]:
    return list(_ort().get_available_providers())
