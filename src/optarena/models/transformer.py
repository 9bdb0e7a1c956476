"""A small causal (GPT-style) transformer language model over bytes, after nanoGPT
(Karpathy 2022) and Radford et al. 2019: token + learned position embeddings, pre-norm blocks
of causal self-attention and a 4× GELU MLP, a final LayerNorm and an untied output head."""

from __future__ import annotations

import torch
from torch import nn

from optarena.models.base import check_shape


class CharTransformer(nn.Module):
    """Maps token ids (N×T, int64) to next-token logits (N×T×V)."""

    def __init__(
        self,
        vocab: int,
        context: int,
        *,
        width: int = 64,
        depth: int = 2,
        heads: int = 4,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        if width % heads:
            raise ValueError(f"width ({width}) must be a multiple of heads ({heads})")
        self.context = context
        self.embed = nn.Embedding(vocab, width)
        self.position = nn.Embedding(context, width)
        layer = nn.TransformerEncoderLayer(
            width, heads, 4 * width, dropout, activation="gelu", batch_first=True, norm_first=True
        )
        self.blocks = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        t = x.shape[1]
        if t > self.context:
            raise ValueError(f"sequence of {t} tokens exceeds the context of {self.context}")
        h = self.embed(x) + self.position(torch.arange(t, device=x.device))
        mask = nn.Transformer.generate_square_subsequent_mask(t, device=x.device)
        h = self.blocks(h, mask=mask, is_causal=True)
        return self.head(self.norm(h))


def char_transformer(
    input_shape: tuple[int, ...], num_classes: int, **kwargs: int | float
) -> CharTransformer:
    """The model for sequences of ``input_shape = (T,)`` tokens from a vocabulary of
    ``num_classes``; ``width``, ``depth``, ``heads``, ``dropout`` as keyword arguments."""
    shape = check_shape("char-transformer", input_shape, num_classes)
    if len(shape) != 1:
        raise ValueError(f"model 'char-transformer' needs token sequences (T,), got {shape}")
    return CharTransformer(num_classes, shape[0], **kwargs)  # type: ignore[arg-type]
