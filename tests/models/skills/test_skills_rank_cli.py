"""`mcatlas skills rank`: the rank cache, JSON-line input with context, errors per line, the quick warm path."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from models.skills import service
from models.skills.matcher import Matcher
from pipelines.commands.skills import skills as skills_cli

REPO = Path(__file__).resolve().parents[3]
INPUT = "Write SQL queries to analyse data\nWork in a team\nteamwork\n"


@pytest.fixture
def cache_env(skills_env, tmp_path, monkeypatch):
    path = tmp_path / "rank.sqlite"
    monkeypatch.setenv("MCATLAS_SKILLS_RANK_CACHE", str(path))
    return path


def _run(args: list[str], stdin: str | bytes):  # noqa: ANN202
    return CliRunner().invoke(skills_cli, ["rank", *args], input=stdin)


def _ours(stderr: str) -> list[str]:
    """Our stderr lines (transformers draws a progress bar when the model loads)."""
    return [x for x in stderr.splitlines() if x.startswith("mcatlas:")]


def _no_ranking(monkeypatch) -> None:
    """Any use of the matcher or the skill index fails the test."""

    def boom(*_a, **_k):  # noqa: ANN202
        raise AssertionError("the matcher was built on a warm cache")

    monkeypatch.setattr(service, "matcher", boom)
    monkeypatch.setattr(service, "get_index", boom)


def test_cache_hit_gives_identical_output_without_the_matcher(cache_env, monkeypatch):
    first = _run(["--top-k", "5"], INPUT)
    assert first.exit_code == 0, first.output
    assert cache_env.exists()
    with monkeypatch.context() as mp:
        _no_ranking(mp)
        second = _run(["--top-k", "5"], INPUT)
        assert second.exit_code == 0, second.output
        assert second.stdout == first.stdout
        assert _ours(second.stderr) == _ours(first.stderr)  # the same notes, nothing about the cache
        # a smaller top-k is a prefix of the cached 50
        three = _run(["--top-k", "3"], INPUT)
    for a, b in zip(first.stdout.splitlines(), three.stdout.splitlines(), strict=True):
        a_obj, b_obj = json.loads(a), json.loads(b)
        assert b_obj["skills"] == a_obj["skills"][:3] and b_obj["text"] == a_obj["text"]
    fresh = _run(["--top-k", "5", "--no-cache"], INPUT)
    assert fresh.stdout == first.stdout


def test_top_k_above_50_and_no_cache_bypass_the_cache(cache_env):
    res = _run(["--top-k", "60", "--no-cache"], "Write SQL queries\n")
    assert res.exit_code == 0 and not cache_env.exists()
    res = _run(["--top-k", "60"], "Write SQL queries\n")
    assert res.exit_code == 0 and len(json.loads(res.stdout)["skills"]) == 60
    assert not cache_env.exists()


def test_json_lines_with_context(cache_env, monkeypatch):
    seen: list[object] = []
    original = Matcher.rank

    def spy(self, texts, top_k=10, contexts=None):  # noqa: ANN001, ANN202
        seen.append(contexts)
        return original(self, texts, top_k, contexts=contexts)

    monkeypatch.setattr(Matcher, "rank", spy)
    lines = [
        json.dumps({"text": "Write SQL queries", "title": "Databases for analysts", "subject": "0613"}),
        "  " + json.dumps({"text": "Write SQL queries"}),  # no context: the same as a plain line
        "Write SQL queries",
    ]
    res = _run(["--top-k", "4"], "\n".join(lines) + "\n")
    assert res.exit_code == 0, res.output
    out = [json.loads(x) for x in res.stdout.splitlines()]
    assert len(out) == 3
    for obj in out:
        assert set(obj) == {"text", "skills"} and obj["text"] == "Write SQL queries"
        assert len(obj["skills"]) == 4 and all(set(s) == {"uri", "label", "score"} for s in obj["skills"])
    assert out[1] == out[2]
    # one call, each distinct (text, context) once, the context passed through
    assert len(seen) == 1
    (contexts,) = seen
    assert isinstance(contexts, list) and len(contexts) == 2 and contexts[1] is None
    assert (contexts[0].title, contexts[0].description, contexts[0].subject) == ("Databases for analysts", None, "0613")
    # the context is part of the key: the title line is a hit of its own next time
    with monkeypatch.context() as mp:
        _no_ranking(mp)
        again = _run(["--top-k", "4"], lines[0] + "\n")
    assert json.loads(again.stdout) == out[0]


def test_bad_json_lines_get_their_error_and_the_rest_is_ranked(cache_env):
    lines = [
        '{"text": "Write SQL queries", "title": ',  # truncated
        '{"title": "no text"}',
        '{"text": 3}',
        '{"text": "Write SQL queries", "title": 5}',
        '{"text": "   "}',
        "Work in a team",
    ]
    res = _run([], "\n".join(lines) + "\n")
    assert res.exit_code == 0, res.output
    out = [json.loads(x) for x in res.stdout.splitlines()]
    assert len(out) == 6
    for obj in out[:5]:
        assert obj["skills"] == [] and obj["error"]
    assert "JSON" in out[0]["error"] and out[0]["text"] == lines[0]
    assert '"text"' in out[1]["error"] and '"text"' in out[2]["error"]
    assert '"title" must be a string' in out[3]["error"] and out[3]["text"] == "Write SQL queries"
    assert out[4]["error"] == "empty outcome"
    assert out[5]["skills"] and "error" not in out[5]
    errs = re.findall(r"^mcatlas: line (\d+):", res.stderr, flags=re.M)
    assert errs == ["1", "2", "3", "4", "5"]
    only_bad = _run([], lines[0] + "\n")
    assert only_bad.exit_code == 2


def test_corrupt_cache_file_one_line_and_still_works(cache_env):
    cache_env.write_bytes(b"\x00garbage, not sqlite\x00" * 512)
    res = _run(["--top-k", "3"], INPUT)
    assert res.exit_code == 0, res.output
    cache_lines = [x for x in _ours(res.stderr) if "cache" in x]
    assert len(cache_lines) == 1 and "damaged" in cache_lines[0], res.stderr
    assert len(res.stdout.splitlines()) == 3
    again = _run(["--top-k", "3"], INPUT)
    assert again.stdout == res.stdout and not [x for x in _ours(again.stderr) if "cache" in x]


def test_help_names_both_input_forms():
    res = CliRunner().invoke(skills_cli, ["rank", "--help"])
    assert res.exit_code == 0
    text = " ".join(res.output.split())
    assert "one per line" in text and '{"text":' in text and "title" in text
    assert "--device" in text and "--no-cache" in text


def test_cuda_without_a_gpu_is_one_line(cache_env):
    import torch

    if torch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    res = _run(["--device", "cuda", "--no-cache"], "Write SQL queries\n")
    assert res.exit_code == 2 and "no CUDA device" in res.stderr and "Traceback" not in res.output


def test_warm_process_imports_no_torch(cache_env, skills_data):
    """A whole `python -m pipelines.cli skills rank` run on cached lines: no torch, no sentence-transformers, no
    DuckDB or Dagster (checked in `-X importtime`), and the same output as the call that filled the cache."""
    first = _run([], INPUT)
    assert first.exit_code == 0
    env = {
        **os.environ,
        "MCATLAS_DATA_DIR": str(skills_data),
        "MCATLAS_SKILLS_RANK_CACHE": str(cache_env),
        "HF_HUB_OFFLINE": "1",
    }
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pipelines.cli", "skills", "rank"],
        input=INPUT.encode(),
        capture_output=True,
        cwd=REPO,
        env=env,
        timeout=120,
        check=False,
    )
    stderr = proc.stderr.decode()
    assert proc.returncode == 0, stderr[-2000:]
    assert proc.stdout.decode() == first.stdout
    imported = {line.rsplit("|", 1)[1].strip() for line in stderr.splitlines() if line.startswith("import time:")}
    assert imported, "no -X importtime output"
    heavy = {m for m in imported if m.split(".")[0] in ("torch", "sentence_transformers", "transformers", "duckdb")}
    heavy |= {m for m in imported if m.split(".")[0] == "dagster"}
    assert heavy == set()
