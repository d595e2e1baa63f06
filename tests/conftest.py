"""Shared fixtures: the real corpus beside the checkout (when present) and an isolated data directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("DAGSTER_TELEMETRY_DISABLED", "1")


@pytest.fixture(scope="session")
def corpus() -> Path:
    path = SHARED / "corpus"
    if not path.is_dir():
        pytest.skip("../shared/corpus is not present")
    return path


@pytest.fixture
def data_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh MCATLAS_DATA_DIR (landing area + warehouse) for one test."""
    monkeypatch.setenv("MCATLAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MCATLAS_DB", raising=False)
    monkeypatch.delenv("MCATLAS_LANDING_DIR", raising=False)
    monkeypatch.delenv("MCATLAS_SNAPSHOT_DIR", raising=False)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    return tmp_path / "data"
