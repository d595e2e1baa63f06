"""The ONNX Runtime encoder: same vectors as torch, no torch on the rank path, torch when the export fails."""

import json
import logging
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from models.skills import embed
from models.skills.embed import Encoder
from tests.models.skills.conftest import REPO

TEXTS = [
    "Write SQL queries to analyse sales data",
    "teamwork",
    "x",
    "C++ / C# and JavaScript (ES2020)",
    "  padded   text  ",
    "Évaluer la qualité des données; naïve café — résumé",
    "数据分析与可视化 and 🚀 rocket science",
    "Students learn to plan and manage budgets for projects. " * 20,  # truncated at 128 word pieces
    "e.g. i.e. etc.",
    "MANAGE BUDGETS",
]


@pytest.fixture(scope="module")
def encoders():
    onnx, torch = Encoder(backend="onnx"), Encoder(backend="torch")
    onnx.encode(["warm"])
    assert (onnx.backend_used, torch.backend_used) == ("onnx", None)
    return onnx, torch


def test_onnx_and_torch_give_the_same_sentence_vectors(encoders):
    onnx, torch = encoders
    a, b = onnx.encode(TEXTS), torch.encode(TEXTS)
    assert torch.backend_used == "torch"
    assert a.shape == b.shape == (len(TEXTS), 384) and a.dtype == np.float32
    assert np.abs(a - b).max() < 1e-4
    assert np.allclose(np.linalg.norm(a, axis=1), 1, atol=1e-5)
    assert onnx.model_id == torch.model_id and onnx.dim == torch.dim == 384


def test_onnx_and_torch_give_the_same_word_pieces_and_offsets(encoders):
    onnx, torch = encoders
    for (ha, oa, _), (hb, ob, _) in zip(onnx.encode_tokens(TEXTS), torch.encode_tokens(TEXTS), strict=True):
        assert ha.shape == hb.shape and np.abs(ha - hb).max() < 1e-3
        assert (oa == ob).all()


def test_batches_by_word_pieces_cover_every_text_once(encoders):
    onnx, _ = encoders
    assert onnx._onnx is not None
    texts = [f"skill number {i} " * (i % 40 + 1) for i in range(300)]
    seen = []
    for idx, (hidden, mask, offsets) in onnx._onnx.batches(texts):
        assert hidden.shape[:2] == mask.shape == offsets.shape[:2]
        assert mask.size <= max(embed.BATCH_TOKENS, mask.shape[1])  # a batch of one may exceed the budget
        seen.extend(idx)
    assert sorted(seen) == list(range(300))
    assert np.abs(onnx.encode(texts[:50]) - np.stack([onnx.encode([t])[0] for t in texts[:50]])).max() < 1e-5


def test_the_export_is_deterministic(tmp_path):
    enc = Encoder(backend="onnx")
    enc.encode(["x"])  # exports it if no run did before
    cached = embed.onnx_path(enc.model_id)
    assert cached.exists()
    target = tmp_path / "again.onnx"
    embed.export_onnx(embed.default_model_path(), target)
    info = json.loads(target.with_suffix(".json").read_text())
    assert info["max_abs_diff_vs_torch"] < embed.ONNX_TOLERANCE and info["opset"] == embed.ONNX_OPSET
    sidecar = cached.with_suffix(".json")
    if not sidecar.exists() or json.loads(sidecar.read_text())["torch"] != info["torch"]:
        cached = tmp_path / "other.onnx"  # exported by another torch: export twice instead
        embed.export_onnx(embed.default_model_path(), cached)
    assert target.read_bytes() == cached.read_bytes()


def test_a_failed_export_falls_back_to_torch_with_one_line(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("MCATLAS_SKILLS_SHARED_CACHE", str(tmp_path / "shared"))

    def broken(model_path, target):
        raise RuntimeError("no exporter here")

    monkeypatch.setattr(embed, "export_onnx", broken)
    enc = Encoder()
    with caplog.at_level(logging.WARNING, logger="mcatlas.skills"):
        vec = enc.encode(["Write SQL queries"])
    assert enc.backend_used == "torch" and vec.shape == (1, 384)
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and "ONNX encoder unavailable" in lines[0] and "no exporter here" in lines[0]
    with pytest.raises(RuntimeError, match="no exporter here"):
        Encoder(backend="onnx").encode(["x"])


def test_a_damaged_onnx_file_is_removed_and_torch_runs(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("MCATLAS_SKILLS_SHARED_CACHE", str(tmp_path))
    enc = Encoder()
    damaged = embed.onnx_path(enc.model_id)
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(b"not an onnx model")
    with caplog.at_level(logging.WARNING, logger="mcatlas.skills"):
        assert enc.encode(["Write SQL queries"]).shape == (1, 384)
    assert enc.backend_used == "torch" and not damaged.exists()
    assert "the next run exports it again" in caplog.text


def test_backend_choice(monkeypatch):
    assert Encoder(quantize=True)._wants_onnx() is False
    assert Encoder(backend="torch")._wants_onnx() is False
    assert Encoder(device="cpu")._wants_onnx() is True
    monkeypatch.setattr(embed, "cuda_may_be_present", lambda: False)
    assert Encoder(device="auto")._wants_onnx() is True
    monkeypatch.setenv("MCATLAS_SKILLS_BACKEND", "torch")
    assert Encoder().backend == "torch"
    monkeypatch.setenv("MCATLAS_SKILLS_BACKEND", "tpu")
    with pytest.raises(ValueError, match="unknown encoder backend"):
        Encoder()
    with pytest.raises(embed.DeviceError):
        Encoder(backend="onnx", device="cuda")


def test_ranking_with_the_onnx_file_imports_no_torch(skills_env, matcher):
    """A whole `skills rank` process (no rank cache): ONNX Runtime only, and the torch path's ranking."""
    assert embed.onnx_path(matcher.encoder.model_id).exists()
    code = textwrap.dedent(
        """
        import io, json, sys
        from click.testing import CliRunner
        from pipelines.cli import main
        result = CliRunner().invoke(
            main, ["skills", "rank", "--no-cache", "--device", "auto", "--top-k", "10"],
            input="Write SQL queries to analyse sales data\\nwork in teams\\n",
        )
        assert result.exit_code == 0, result.output
        heavy = sorted(m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules)
        print(json.dumps({"heavy": heavy, "out": [json.loads(x) for x in result.stdout.splitlines()]}))
        """
    )
    env = {**os.environ, "MCATLAS_SKILLS_RANK_CACHE": "off", "MCATLAS_SKILLS_BACKEND": "auto"}
    env.pop("CUDA_VISIBLE_DEVICES", None)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout.splitlines()[-1])
    if embed.cuda_may_be_present():
        pytest.skip("this machine has an NVIDIA driver: auto asks torch")
    assert report["heavy"] == []
    torch_matcher = _torch_twin(matcher)
    want = torch_matcher.rank(["Write SQL queries to analyse sales data", "work in teams"], 10)
    got = [[s["uri"] for s in line["skills"]] for line in report["out"]]
    assert got == [[m.uri for m in r] for r in want]


def _torch_twin(matcher):
    """The same matcher with the torch encoder: what the ONNX path must agree with."""
    from models.skills.matcher import Matcher

    return Matcher(
        matcher.index,
        Encoder(backend="torch"),
        descriptions=matcher.descriptions,
        skills=_skills(matcher),
        reranker=matcher.reranker,
    )


SENTENCES = [
    "Write SQL queries to analyse sales data",
    "Students learn to program in Java and Python",
    "work in teams",
    "SQL",
    "Plan and manage budgets for projects, and communicate results to the team.",
    "teach mathematics to secondary school students using statistics software",
    "Students learn to plan and manage budgets for projects. " * 30 + "They also write SQL queries.",
]


def test_onnx_and_torch_matchers_rank_alike(skills_env, matcher):
    from models.skills.matcher import Context

    torch_matcher = _torch_twin(matcher)
    contexts = [Context(title="Data analysis for managers")] + [None] * (len(SENTENCES) - 1)
    for ctx in (None, contexts):
        got, want = matcher.rank(SENTENCES, 10, contexts=ctx), torch_matcher.rank(SENTENCES, 10, contexts=ctx)
        assert [[m.uri for m in r] for r in got] == [[m.uri for m in r] for r in want]
        pairs = [(a.score, b.score) for r, q in zip(got, want, strict=True) for a, b in zip(r, q, strict=True)]
        assert max(abs(a - b) for a, b in pairs) < 1e-3
    assert (matcher.encoder.backend_used, torch_matcher.encoder.backend_used) == ("onnx", "torch")


def _skills(matcher):
    from models.skills import esco

    rel = esco.load_extract(esco.imported_extract_path())
    assert [s.uri for s in rel.skills] == matcher.index.uris
    return rel.skills
