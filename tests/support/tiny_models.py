"""Tiny ONNX generators that follow the real contract, so the engine is tested end to end.

``make_tiny_model`` writes a model whose output is the hint colour where the
mask is set and a fixed colour ``base_ab`` (Lab units) elsewhere. It is exact
and cheap, so tests can assert real pixel values through the whole pipeline.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from colorizer_gui.core import contract


def make_tiny_model(
    path: Path,
    *,
    base_ab: tuple[float, float] = (20.0, 30.0),
    working_size: int = 64,
    inference_size: int | None = None,
    stride: int = contract.STRIDE,
    version: str = "tiny-test-1",
    broken_metadata: bool = False,
) -> Path:
    """Write a contract-following ONNX model to ``path`` and return the path."""
    base = np.array(base_ab, dtype=np.float32).reshape(1, 2, 1, 1) / np.float32(contract.AB_SCALE)
    inits = [
        numpy_helper.from_array(base, "base"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "s1"),
        numpy_helper.from_array(np.array([3], dtype=np.int64), "s3"),
        numpy_helper.from_array(np.array([4], dtype=np.int64), "s4"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis"),
        numpy_helper.from_array(np.array([1.0], dtype=np.float32), "one"),
    ]
    nodes = [
        helper.make_node("Slice", ["input", "s1", "s3", "axis"], ["hint_ab"]),
        helper.make_node("Slice", ["input", "s3", "s4", "axis"], ["mask"]),
        helper.make_node("Sub", ["one", "mask"], ["inv_mask"]),
        helper.make_node("Mul", ["base", "inv_mask"], ["base_part"]),
        helper.make_node("Add", ["hint_ab", "base_part"], ["ab"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_colorizer",
        [helper.make_tensor_value_info(contract.INPUT_NAME, TensorProto.FLOAT, ["N", 4, "H", "W"])],
        [helper.make_tensor_value_info(contract.OUTPUT_NAME, TensorProto.FLOAT, ["N", 2, "H", "W"])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    meta = {
        contract.META_KEYS["contract"]: "999" if broken_metadata else contract.CONTRACT_VERSION,
        contract.META_KEYS["version"]: version,
        contract.META_KEYS["working_size"]: str(working_size),
        contract.META_KEYS["stride"]: str(stride),
        contract.META_KEYS["data"]: "none (test model)",
        contract.META_KEYS["description"]: "hint passthrough over a constant colour",
    }
    if inference_size is not None:
        meta[contract.META_KEYS["inference_size"]] = str(inference_size)
    for key, value in meta.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
    return path
