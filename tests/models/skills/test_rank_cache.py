"""The persistent cache of `skills rank` (models/skills/rank_cache.py): keys, storage, damage, concurrency."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from models.skills import rank_cache
from models.skills.rank_cache import CACHE_TOP_K, RankCache, entry_key

IDS = ("m", "model", "v1", "fp")


def _matches(n: int, tag: str = "") -> list[dict[str, object]]:
    return [
        {"uri": f"http://x/{tag}{i}", "label": f"skill {tag}{i} ü", "score": round(1 - i / 100, 4)} for i in range(n)
    ]


def test_key_depends_on_every_input():
    base = entry_key(*IDS, "text", "")
    assert base == entry_key(*IDS, "text", "")
    variants = [
        entry_key("m2", *IDS[1:], "text", ""),
        entry_key(IDS[0], "model2", *IDS[2:], "text", ""),
        entry_key(*IDS[:2], "v2", IDS[3], "text", ""),
        entry_key(*IDS[:3], "fp2", "text", ""),
        entry_key(*IDS, "text2", ""),
        entry_key(*IDS, "text", "title\x1f\x1f"),
        entry_key(*IDS[:3], "fptext", "", ""),  # no ambiguity from where one field ends
    ]
    assert base not in variants and len(set(variants)) == len(variants)
    assert len(base) == 32


def test_method_id_carries_the_code_fingerprint():
    assert rank_cache.method_id("x").startswith("x+code-")
    assert rank_cache.method_id("x") != rank_cache.method_id("y")


def test_roundtrip_keeps_the_top_50_exactly(tmp_path):
    cache = RankCache(tmp_path / "r.sqlite")
    k = entry_key(*IDS, "a", "")
    cache.put_many({k: _matches(70)})
    got = cache.get_many([k, entry_key(*IDS, "b", "")])
    assert list(got) == [k] and got[k] == _matches(70)[:CACHE_TOP_K]
    assert RankCache(tmp_path / "r.sqlite").get_many([k]) == got  # persistent


def test_env_turns_the_cache_off_or_moves_it(tmp_path, monkeypatch):
    monkeypatch.setenv("MCATLAS_SKILLS_RANK_CACHE", "off")
    cache = RankCache()
    cache.put_many({b"k" * 32: _matches(2)})
    assert cache.get_many([b"k" * 32]) == {} and cache.count() == 0
    monkeypatch.setenv("MCATLAS_SKILLS_RANK_CACHE", str(tmp_path / "elsewhere.sqlite"))
    assert rank_cache.cache_path() == tmp_path / "elsewhere.sqlite"


def test_damaged_file_is_reported_once_and_replaced(tmp_path):
    path = tmp_path / "r.sqlite"
    path.write_bytes(b"this is not a database" * 200)
    warnings: list[str] = []
    cache = RankCache(path, warn=warnings.append)
    assert len(warnings) == 1 and "damaged" in warnings[0]
    k = entry_key(*IDS, "a", "")
    cache.put_many({k: _matches(3)})
    assert cache.get_many([k]) == {k: _matches(3)}
    assert not list(tmp_path.glob("*.damaged-*"))


def test_damage_found_while_reading_is_a_miss_not_an_error(tmp_path):
    path = tmp_path / "r.sqlite"
    cache = RankCache(path)
    k = entry_key(*IDS, "a", "")
    cache.put_many({k: _matches(3)})
    cache.close()
    raw = bytearray(path.read_bytes())
    raw[4096:] = b"\xff" * (len(raw) - 4096)  # every page after the first
    path.write_bytes(bytes(raw))
    warnings: list[str] = []
    cache = RankCache(path, warn=warnings.append)
    assert cache.get_many([k]) == {}
    assert len(warnings) == 1
    cache.put_many({k: _matches(2)})
    assert cache.get_many([k]) == {k: _matches(2)}


def test_other_schema_is_rebuilt(tmp_path):
    path = tmp_path / "r.sqlite"
    con = sqlite3.connect(path)
    con.execute("create table meta (name text primary key, value text not null)")
    con.execute("insert into meta values ('schema', '999')")
    con.commit()
    con.close()
    warnings: list[str] = []
    cache = RankCache(path, warn=warnings.append)
    assert len(warnings) == 1 and cache.con is not None


def test_unwritable_place_ranks_without_cache(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    warnings: list[str] = []
    cache = RankCache(blocker / "sub" / "r.sqlite", warn=warnings.append)  # parent is a file
    assert cache.con is None and len(warnings) == 1
    assert cache.get_many([b"x"]) == {}
    cache.put_many({b"x": _matches(1)})


def test_concurrent_writers_and_readers(tmp_path):
    path = tmp_path / "r.sqlite"
    RankCache(path).close()
    errors: list[BaseException] = []

    def work(w: int) -> None:
        try:
            cache = RankCache(path, warn=lambda m: errors.append(RuntimeError(m)))
            for i in range(20):
                keys = {entry_key(*IDS, f"{w}-{i}-{j}", ""): _matches(5, f"{w}{i}{j}") for j in range(5)}
                cache.put_many(keys)
                got = cache.get_many(keys)
                assert got == keys
            cache.close()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert RankCache(path).count() == 4 * 20 * 5


def test_prune_keeps_the_newest(tmp_path, monkeypatch):
    monkeypatch.setenv("MCATLAS_SKILLS_RANK_CACHE_MAX", "10")
    cache = RankCache(tmp_path / "r.sqlite")
    keys = [entry_key(*IDS, str(i), "") for i in range(15)]
    for k in keys:
        cache.put_many({k: _matches(1)})
    assert cache.count() == 10
    assert set(cache.get_many(keys)) == set(keys[5:])


def test_release_identity_is_remembered_per_file(skills_env, tmp_path):
    from models.skills import service

    cache = RankCache(tmp_path / "r.sqlite")
    rid, release = cache.release_id()
    assert release is not None and (rid.version, rid.fingerprint) == (release.version, release.fingerprint)
    rid2, release2 = RankCache(tmp_path / "r.sqlite").release_id()
    assert release2 is None and rid2 == rid
    assert rid.fingerprint == service.release().fingerprint


@pytest.mark.parametrize("device", ["auto", "cpu"])
def test_model_id_does_not_depend_on_the_device(device):
    from models.skills.embed import Encoder

    assert Encoder(device=device).model_id == Encoder().model_id


def test_device_resolution_and_errors():
    import torch

    from models.skills.embed import DeviceError, Encoder, resolve_device

    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    assert resolve_device("cpu") == "cpu"
    with pytest.raises(DeviceError):
        Encoder(device="tpu")
    with pytest.raises(DeviceError):
        Encoder(quantize=True, device="cuda")
    if not torch.cuda.is_available():
        with pytest.raises(DeviceError, match="no CUDA device"):
            resolve_device("cuda")
