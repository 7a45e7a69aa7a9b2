"""ONNX metadata writes shared by the exporter and the variant builder (torch-free, so variants stay light)."""

from __future__ import annotations

import onnx


def metadata(model: onnx.ModelProto) -> dict[str, str]:
    return {entry.key: entry.value for entry in model.metadata_props}


def set_metadata(model: onnx.ModelProto, values: dict[str, str], *, keep_others: bool = True) -> None:
    """Write ``values`` into the model's metadata; other keys stay (in order) unless ``keep_others`` is False."""
    kept = [(e.key, e.value) for e in model.metadata_props if keep_others and e.key not in values]
    del model.metadata_props[:]
    for key, value in [*kept, *values.items()]:
        model.metadata_props.add(key=key, value=value)
