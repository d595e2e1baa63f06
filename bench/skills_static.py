"""A model2vec static model distilled from the shipped MiniLM: what it would save and what it costs; writes
bench/results/skills_static.json (issue #15: "a distilled static model for candidate search and for the index
build ... measure what it costs in quality").

    pip install model2vec==0.10.0          # inference and file format only; see "Distillation" below
    python bench/skills_static.py [../shared/skillbench-outcomes] [--n 1000] [--repeat 3]

Distillation. model2vec's own `distill()` needs its [distill] extra (torch, skeletoken, and transformers<5.4,
which clashes with the project's transformers), so the script distils with the same algorithm over the project's
ONNX MiniLM (no torch): every word piece of the vocabulary except [unusedN]/[CLS]/[SEP]/[MASK] is run as
"[CLS] piece [SEP]", its three output vectors are averaged, PCA to 256 dimensions (eigendecomposition of the
covariance, as model2vec), Zipf/SIF weights (1e-4) by vocabulary rank, float16; the result is a model2vec
StaticModel saved with `save_pretrained`. Done twice to check that it is deterministic. When `model2vec.distill`
is importable, model2vec's own distillation is also run once and compared.

Methods compared on the 120 graded outcomes (same grades and metrics as bench/skills_outcomes.py):
 (a) static only: the first stage (`ctxphrase-v1` formula) with static vectors, and zero-shot static cosine;
 (b) static first stage -> its best 100 candidates, then the shipped second stage unchanged: the candidates'
     MiniLM features (first-stage score, label, description, topic...) come from the existing MiniLM indexes,
     so only the candidate search changes; the outcome still goes through MiniLM once;
 (c) the current method (`ctxrank-v2`);
 (d) fully static: static first stage and the second stage refitted over static features (static label and
     description indexes), i.e. no MiniLM at all at build or query time.
nDCG@5 "in-sample" uses the shipped weights (fitted on all 120, flatters (b) and (c) alike; not available for
(d)); "cross-source" refits the second stage on one source (DTU / FutureLearn) and measures on the other, with
`models.skills.train_rerank.train` (the procedure behind the shipped figures), for (b), (c) and (d).
Candidate recall: the share of graded-relevant skills (grade >= 1, and grade 2) among the first stage's best 100
/ 20 candidates (macro over outcomes). Unjudged skills count as wrong, and the extra grades were collected on the
top 5 of MiniLM methods, so static figures are lower bounds where `unjudged@5` is high.
Throughput: `Matcher.rank` in one process (index loaded, fixed cost excluded), the methods alternated, median.
The MiniLM index is never rebuilt: the cached one is reused, and its build time is taken from skills_speed.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

OUT = REPO / "bench" / "results" / "skills_static.json"
SPEED = REPO / "bench" / "results" / "skills_speed.json"
EXTRA = REPO / "bench" / "grades" / "outcomes_dev.extra_grades.jsonl"
PCA_DIMS = 256
SIF = 1e-4
REMOVE = re.compile(r"\[unused\d+\]")
DROP_SPECIAL = ("[CLS]", "[SEP]", "[MASK]")  # model2vec prunes the added tokens but [PAD] and [UNK]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------------------ distillation
def distil(encoder: Any, target: Path) -> dict[str, object]:
    """Distil a static model from the encoder's MiniLM (ONNX Runtime, else torch) into `target`."""
    from model2vec import StaticModel
    from tokenizers import Tokenizer

    t0 = time.perf_counter()
    tok_json = json.loads((encoder.path / "tokenizer.json").read_text(encoding="utf-8"))
    vocab: dict[str, int] = tok_json["model"]["vocab"]
    by_id = sorted(vocab.items(), key=lambda kv: kv[1])
    keep = [(t, i) for t, i in by_id if not REMOVE.fullmatch(t) and t not in DROP_SPECIAL]
    cls_id, sep_id = vocab["[CLS]"], vocab["[SEP]"]
    ids = np.array([[cls_id, i, sep_id] for _, i in keep], dtype=np.int64)
    encoder._load()
    out = np.empty((len(ids), 384), np.float32)
    step = 512
    for b in range(0, len(ids), step):
        x = ids[b : b + step]
        feed = {"input_ids": x, "attention_mask": np.ones_like(x), "token_type_ids": np.zeros_like(x)}
        if encoder._onnx is not None:
            hidden = encoder._onnx.run(feed)
        else:  # torch
            import torch

            with torch.inference_mode():
                hidden = encoder.model[0].auto_model(**{k: torch.from_numpy(v) for k, v in feed.items()})
                hidden = hidden.last_hidden_state.float().numpy()
        out[b : b + step] = hidden.mean(1)
    forward_s = time.perf_counter() - t0
    # PCA as model2vec.distill.inference._pca_fit_transform (float64 covariance, eigh, descending)
    x64 = out.astype(np.float64)
    xc = x64 - x64.mean(0)
    cov = (xc.T @ xc) / (len(xc) - 1)
    vals, vecs = np.linalg.eigh(cov)
    vecs = vecs[:, ::-1][:, :PCA_DIMS]
    vecs = vecs * np.where(vecs[np.abs(vecs).argmax(0), np.arange(PCA_DIMS)] < 0, -1.0, 1.0)  # fixed signs
    emb = xc @ vecs
    inv_rank = 1 / np.arange(2, len(emb) + 2)
    proba = inv_rank / inv_rank.sum()
    emb = (emb * (SIF / (SIF + proba))[:, None]).astype(np.float16)
    # The tokenizer: the kept pieces renumbered, no post-processor (no [CLS]/[SEP]), no padding or truncation.
    tok_json["model"]["vocab"] = {t: n for n, (t, _) in enumerate(keep)}
    new_id = {t: n for n, (t, _) in enumerate(keep)}
    tok_json["added_tokens"] = [
        {**a, "id": new_id[a["content"]]} for a in tok_json["added_tokens"] if a["content"] in new_id
    ]
    tok_json["post_processor"] = None
    tok_json["padding"] = None
    tok_json["truncation"] = None
    tokenizer = Tokenizer.from_str(json.dumps(tok_json))
    config = {
        "model_type": "model2vec",
        "architectures": ["StaticModel"],
        "tokenizer_name": f"{encoder.model_id} (distilled over ONNX Runtime by bench/skills_static.py)",
        "apply_pca": PCA_DIMS,
        "sif_coefficient": SIF,
        "hidden_dim": PCA_DIMS,
        "seq_length": 1000000,
        "normalize": True,
        "pooling": "mean",
    }
    model = StaticModel(emb, tokenizer, config=config, normalize=True, base_model_name=encoder.model_id)
    model.save_pretrained(target, model_name="mcatlas-minilm-static")  # the model card names it: same bytes
    return {
        "seconds": round(time.perf_counter() - t0, 1),
        "encoder_seconds": round(forward_s, 1),
        "vocabulary": len(keep),
        "dims": PCA_DIMS,
        "explained_variance_ratio": round(float(vals[::-1][:PCA_DIMS].sum() / vals.sum()), 3),
    }


def official_distil(encoder: Any, target: Path) -> dict[str, object] | None:
    """model2vec's own distill() on the same weights, when its [distill] extra is importable."""
    try:
        from model2vec.distill import distill
    except ImportError as exc:
        return {"available": False, "why": f"{type(exc).__name__}: {exc}"}
    import torch

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    t0 = time.perf_counter()
    m = distill(str(encoder.path), device="cpu", pca_dims=PCA_DIMS, sif_coefficient=SIF)
    seconds = time.perf_counter() - t0
    m.save_pretrained(target)
    return {"available": True, "seconds": round(seconds, 1), "vocabulary": int(m.embedding.shape[0])}


def compare_models(a_dir: Path, b_dir: Path, texts: list[str]) -> dict[str, float]:
    """How close two static models are: cosine of their sentence vectors on `texts` (PCA signs do not matter for
    cosine of two texts, so compare the text x text similarity matrices)."""
    from model2vec import StaticModel

    a = StaticModel.from_pretrained(str(a_dir)).encode(texts, use_multiprocessing=False)
    b = StaticModel.from_pretrained(str(b_dir)).encode(texts, use_multiprocessing=False)
    sa, sb = a.astype(np.float32) @ a.T.astype(np.float32), b.astype(np.float32) @ b.T.astype(np.float32)
    return {
        "texts": len(texts),
        "max_abs_diff_of_pairwise_cosines": round(float(np.abs(sa - sb).max()), 4),
        "mean_abs_diff_of_pairwise_cosines": round(float(np.abs(sa - sb).mean()), 5),
    }


# ------------------------------------------------------------------------------ static "encoder" for Matcher
class StaticEncoder:
    """The static model behind the Encoder interface the Matcher uses: token vectors are table rows."""

    def __init__(self, model_dir: Path) -> None:
        from model2vec import StaticModel

        self.model = StaticModel.from_pretrained(str(model_dir))
        self.table = np.asarray(self.model.embedding, dtype=np.float32)
        self.unk = self.model.unk_token_id
        self.model_id = "m2v-static@" + sha(model_dir / "model.safetensors")[:12]
        self.path = model_dir

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.table.shape[1]), np.float32)
        return np.asarray(self.model.encode(list(texts), use_multiprocessing=False), dtype=np.float32)

    def encode_tokens(self, texts: list[str]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        out = []
        for e in self.model.tokenizer.encode_batch(list(texts), add_special_tokens=False):
            ids = np.array(e.ids, dtype=np.int64)
            offs = np.array(e.offsets, dtype=np.int64).reshape(-1, 2)
            keep = ids != self.unk if self.unk is not None else np.ones(len(ids), bool)
            ids, offs = ids[keep], offs[keep]
            if not len(ids):
                out.append(
                    (np.zeros((1, self.table.shape[1]), np.float32), np.zeros((1, 2), np.int64), np.ones(1, bool))
                )
                continue
            out.append((self.table[ids], offs, np.ones(len(ids), bool)))
        return out


def static_index(release: Any, enc: StaticEncoder) -> tuple[Any, float]:
    from models.skills.index import SkillIndex, build_lexicon, label_rows

    texts, counts = label_rows(release)
    t0 = time.perf_counter()
    emb = enc.encode(texts)
    seconds = time.perf_counter() - t0
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    idx = SkillIndex(
        release.version,
        release.fingerprint,
        enc.model_id,
        [s.uri for s in release.skills],
        [s.label for s in release.skills],
        emb,
        starts,
        counts,
        build_lexicon(release),
    )
    return idx, seconds


def hybrid_class() -> Any:
    """Matcher whose candidate search is the static first stage; everything after it is the shipped code."""
    from models.skills.matcher import RERANK_POOL, W_LEXICAL, W_PHRASE, W_SENTENCE, Matcher, chunks

    class StaticFirstStage(Matcher):
        def __init__(self, full: Matcher, static: Matcher, skills: Any, pool: int = RERANK_POOL) -> None:
            super().__init__(
                full.index, full.encoder, descriptions=full.descriptions, skills=skills, reranker=full.reranker
            )
            self.static, self.pool = static, pool

        def _first_stage(self, texts: Any) -> Any:
            static_scores = self.static._first_stage(texts)[0]
            pools = [
                np.array([k for k, _ in sorted(s.items(), key=lambda kv: (-kv[1], kv[0]))[: self.pool]], dtype=np.int64)
                for s in static_scores
            ]
            pieces, owner = [], []
            for t, text in enumerate(texts):
                for piece in chunks(text):
                    pieces.append(piece)
                    owner.append(t)
            encoded = self._encode_tokens(pieces) if pieces else []
            idx = self.index
            n = len(idx.uris)
            merged = [{} for _ in texts]
            sent_sum = np.zeros((len(texts), idx.emb.shape[1]), np.float32)
            label_best = [np.full(n, -1.0, np.float32) for _ in texts]
            piece_vecs = [[] for _ in texts]
            for i, piece in enumerate(pieces):
                t = owner[i]
                cand = pools[t]
                sent, phrases = self._phrase_vectors(piece, encoded[i][0], encoded[i][1])
                sent_sum[t] += sent
                piece_vecs[t].append(sent)
                if not len(cand):
                    continue
                sim = self._best_label(cand, sent)
                label_best[t][cand] = np.maximum(label_best[t][cand], sim)
                # _score_chunk's formula on the given candidates
                score = W_SENTENCE * sim
                if len(phrases):
                    counts = idx.label_count[cand]
                    cstarts = np.concatenate([[0], np.cumsum(counts)[:-1]])
                    rows = np.repeat(idx.starts[cand] - cstarts, counts) + np.arange(int(counts.sum()))
                    score = score + W_PHRASE * np.maximum.reduceat((idx.emb[rows] @ phrases.T).max(1), cstarts)
                else:
                    score = score + W_PHRASE * sim
                hits = np.fromiter(self._lexical_hits(piece), dtype=np.int64)
                if len(hits):
                    score = score + W_LEXICAL * np.isin(cand, hits)
                for k, s in zip(cand.tolist(), score.tolist(), strict=True):
                    if s > merged[t].get(k, -9.0):
                        merged[t][k] = s
            sent_unit = sent_sum / (np.linalg.norm(sent_sum, axis=1, keepdims=True) + 1e-9)
            return (
                merged,
                sent_unit,
                label_best,
                [np.stack(v) if v else sent_unit[t : t + 1] for t, v in enumerate(piece_vecs)],
            )

    return StaticFirstStage


# ------------------------------------------------------------------------------ measures
def recall(ranked_ids: list[list[int]], items: Any, uris: list[str], k: int) -> dict[str, float]:
    r1, r2 = [], []
    for ids, item in zip(ranked_ids, items, strict=True):
        top = {uris[i] for i in ids[:k]}
        rel1 = {u for u, g in item.grades.items() if g >= 1}
        rel2 = {u for u, g in item.grades.items() if g == 2}
        if rel1:
            r1.append(len(rel1 & top) / len(rel1))
        if rel2:
            r2.append(len(rel2 & top) / len(rel2))
    return {f"recall@{k}_grade>=1": round(float(np.mean(r1)), 4), f"recall@{k}_grade2": round(float(np.mean(r2)), 4)}


def ndcg_unjudged_as_related(ranked: Any, items: Any) -> float:
    """nDCG@5 if every unjudged skill in a top 5 were graded 1 (related): an upper bound on what grading them could
    add (ideal DCG from the known grades; capped at 1)."""
    import math

    vals = []
    for ranking, item in zip(ranked, items, strict=True):
        ideal = sorted(item.grades.values(), reverse=True)[:5]
        idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
        if idcg <= 0:
            continue
        dcg = sum((2 ** item.grades.get(u, 1) - 1) / math.log2(i + 2) for i, (u, _) in enumerate(ranking[:5]))
        vals.append(min(1.0, dcg / idcg))
    return round(float(np.mean(vals)), 4)


def ndcg_expected(ranked: Any, items: Any, gain: float) -> float:
    """nDCG@5 with every unjudged skill in a top 5 given the expected gain of an unjudged top-5 skill of earlier
    methods (the extra grades' mean of 2^grade - 1): an estimate, assuming a static method's unjudged skills are
    as often right as those of the MiniLM methods were."""
    import math

    vals = []
    for ranking, item in zip(ranked, items, strict=True):
        ideal = sorted(item.grades.values(), reverse=True)[:5]
        idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
        if idcg <= 0:
            continue
        dcg = sum(
            ((2 ** item.grades[u] - 1) if u in item.grades else gain) / math.log2(i + 2)
            for i, (u, _) in enumerate(ranking[:5])
        )
        vals.append(min(1.0, dcg / idcg))
    return round(float(np.mean(vals)), 4)


def first_stage_order(m: Any, texts: Any) -> list[list[int]]:
    from models.skills.matcher import one_blas_thread

    with one_blas_thread():
        merged = m._first_stage(texts)[0]
    return [[k for k, _ in sorted(s.items(), key=lambda kv: (-kv[1], kv[0]))] for s in merged]


def cross_source(train_result: dict) -> dict[str, object]:
    cs = train_result["cross_source"]
    keep = ("ndcg@5", "recall@10_grade2", "unjudged@5", "accepted", "accepted_precision")
    return {
        "accept_threshold_refit": train_result["accept"],
        "with_context": {k: cs["with_context"]["all"][k] for k in keep},
        "without_context": {k: cs["without_context"]["all"][k] for k in keep},
        "per_source_with_context_ndcg@5": {s: v["ndcg@5"] for s, v in cs["with_context"].items() if s != "all"},
    }


def reranker_from(train_result: dict, method: str) -> Any:
    from models.skills.rerank import WITH_CONTEXT, WITHOUT_CONTEXT, Reranker, Weights

    def w(key: str, names: tuple[str, ...]) -> Weights:
        return Weights(names, np.array(train_result[key]["coef"]), float(train_result[key]["intercept"]))

    return Reranker(
        method,
        float(train_result["accept"]),
        w("with_context", WITH_CONTEXT),
        w("without_context", WITHOUT_CONTEXT),
        {},
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outcomes_dir", nargs="?", type=Path, default=REPO.parent / "shared" / "skillbench-outcomes")
    ap.add_argument("--n", type=int, default=500, help="sentences for the throughput part")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--model", type=Path, help="use this distilled model folder, skip the distillation (development)")
    args = ap.parse_args()
    try:
        import model2vec
    except ImportError:
        print("skipped: model2vec is not installed (pip install model2vec==0.10.0)")
        return 0
    gold = args.outcomes_dir / "outcomes_dev.gold.jsonl"
    if not gold.exists():
        print(f"skipped: {gold} is missing (the graded outcomes live in ../shared)")
        return 0

    from models.skills import service
    from models.skills.esco import cache_dir, shared_cache_dir
    from models.skills.evaluate import course_title, outcome_metrics, read_outcomes
    from models.skills.index import description_texts, label_rows
    from models.skills.matcher import Context, Matcher, one_blas_thread
    from models.skills.train_rerank import train

    result: dict[str, object] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": list(os.getloadavg()),
        "model2vec": model2vec.__version__,
    }
    release = service.release()
    full = service.matcher(release)  # cached MiniLM label + description indexes, shipped second stage
    enc = full.encoder
    result["minilm_model"] = enc.model_id
    result["esco_version"] = release.version

    # 1. distillation, twice, and model2vec's own when importable
    root = (shared_cache_dir() or cache_dir()) / "static"
    final = root / f"{enc.model_id.replace('@', '_')}__m2v-pca{PCA_DIMS}"
    if args.model is not None:  # development: reuse a distilled folder
        final = args.model
        result["distillation"] = {"skipped": f"--model {final}"}
    else:
        with tempfile.TemporaryDirectory() as tmp:
            d1, d2, d3 = Path(tmp) / "a", Path(tmp) / "b", Path(tmp) / "official"
            run1 = distil(enc, d1)
            run2 = distil(enc, d2)
            files = sorted(p.name for p in d1.iterdir() if p.is_file())
            identical = {f: sha(d1 / f) == sha(d2 / f) for f in files}
            size = {f: (d1 / f).stat().st_size for f in files}
            final.mkdir(parents=True, exist_ok=True)
            for f in files:
                (final / f).write_bytes((d1 / f).read_bytes())
            official = official_distil(enc, d3)
            if official and official.get("available"):
                official["agreement_with_ours"] = compare_models(d1, d3, label_rows(release)[0][::200])
                official["model_safetensors_sha256_equal_to_ours"] = sha(d1 / "model.safetensors") == sha(
                    d3 / "model.safetensors"
                )
        result["distillation"] = {
            "method": "model2vec's algorithm (mean of [CLS] piece [SEP], PCA 256, SIF 1e-4 Zipf, float16) over the "
            "ONNX MiniLM",
            "runs_seconds": [run1["seconds"], run2["seconds"]],
            "encoder_seconds": [run1["encoder_seconds"], run2["encoder_seconds"]],
            "vocabulary": run1["vocabulary"],
            "dims": run1["dims"],
            "pca_explained_variance_ratio": run1["explained_variance_ratio"],
            "files_bytes": size,
            "model_safetensors_mb": round(size["model.safetensors"] / 1e6, 1),
            "byte_identical_across_two_runs": identical,
            "sha256_model_safetensors": sha(final / "model.safetensors")[:16],
            "saved_to": str(final),
            "model2vec_official_distill": official,
        }
    print(json.dumps(result["distillation"], indent=1), flush=True)

    # 2. index build with the static model vs MiniLM's recorded figures
    static_enc = StaticEncoder(final)
    sidx, label_s = static_index(release, static_enc)
    t0 = time.perf_counter()
    sdesc = static_enc.encode(description_texts(release))
    desc_s = time.perf_counter() - t0
    speed = json.loads(SPEED.read_text()) if SPEED.exists() else {}
    mini = (speed.get("index_build") or {}).get("onnx", {})
    result["index_build"] = {
        "label_rows": int(sidx.emb.shape[0]),
        "descriptions": int(sdesc.shape[0]),
        "static_labels_seconds": round(label_s, 2),
        "static_descriptions_seconds": round(desc_s, 2),
        "static_labels_per_s": round(sidx.emb.shape[0] / label_s),
        "static_descriptions_per_s": round(sdesc.shape[0] / desc_s),
        "static_index_mb_float16": round((sidx.emb.size + sdesc.size) * 2 / 1e6, 1),
        "minilm_recorded_onnx": {
            "labels_seconds_estimated": mini.get("full_labels_seconds_estimated"),
            "descriptions_seconds_estimated": mini.get("full_descriptions_seconds_estimated"),
            "source": "bench/results/skills_speed.json index_build.onnx (not rerun here)",
            "docs_full_build": "176 s labels + 122 s descriptions (docs/skills.md, mcatlas skills index)",
        },
    }
    print(json.dumps(result["index_build"], indent=1), flush=True)

    # 3. quality
    items = read_outcomes(gold, EXTRA)
    texts = [i.text for i in items]
    contexts = [Context(title=course_title(i.course)) for i in items]
    uris = full.index.uris
    static_first = Matcher(sidx, static_enc)  # (a) ctxphrase-v1 formula over static vectors
    minilm_first = Matcher(full.index, enc)
    Hybrid = hybrid_class()
    hybrid = Hybrid(full, static_first, release.skills)  # (b)
    hybrid300 = Hybrid(full, static_first, release.skills, pool=300)  # (b300)
    static_full = Matcher(sidx, static_enc, descriptions=sdesc, skills=release.skills)  # (d), weights below

    def pairs(ranked: Any) -> Any:
        return [[(x.uri, x.score) for x in r] for r in ranked]

    extra_grades = [json.loads(x)["grade"] for x in EXTRA.read_text().splitlines() if x.strip()]
    gain = float(np.mean([2**g - 1 for g in extra_grades]))

    def measured(ranked: Any, threshold: float | None) -> dict:
        return {
            **outcome_metrics(ranked, items, threshold),
            "ndcg@5_if_unjudged_were_grade1 (upper bound)": ndcg_unjudged_as_related(ranked, items),
            f"ndcg@5_unjudged_at_expected_gain_{gain:.3f} (estimate)": ndcg_expected(ranked, items, gain),
        }

    quality: dict[str, object] = {}
    recall_tab: dict[str, object] = {}
    for name, m in (("static first stage (a)", static_first), ("MiniLM first stage ctxphrase-v1 (c's)", minilm_first)):
        order = first_stage_order(m, texts)
        recall_tab[name] = {**recall(order, items, uris, 100), **recall(order, items, uris, 20)}
    with one_blas_thread():
        hyb_cands = hybrid.candidates(texts, contexts)
        hyb300_cands = hybrid300.candidates(texts, contexts)
    recall_tab["static best 100 re-ordered by MiniLM first-stage score (b's candidates)"] = {
        **recall([c.tolist() for c, _, _ in hyb_cands], items, uris, 100),
        **recall([c.tolist() for c, _, _ in hyb_cands], items, uris, 20),
    }
    recall_tab["static best 300 -> MiniLM first-stage score -> best 100 (b300's candidates)"] = {
        **recall([c.tolist() for c, _, _ in hyb300_cands], items, uris, 100),
        **recall([c.tolist() for c, _, _ in hyb300_cands], items, uris, 20),
    }
    recall_tab["static first stage (a), best 300"] = recall(first_stage_order(static_first, texts), items, uris, 300)
    result["candidate_recall"] = recall_tab
    print(json.dumps(recall_tab, indent=1), flush=True)

    sent = static_enc.encode(texts)
    sims = sent @ sidx.emb[sidx.starts].T
    zero = [[(uris[k], float(row[k])) for k in np.argsort(-row)[:20]] for row in sims]
    quality["(a0) static zero-shot: outcome x preferred label"] = measured(zero, None)
    quality["(a) static only: ctxphrase-v1 formula with static vectors"] = measured(
        pairs(static_first.rank(texts, 20)), None
    )
    quality["MiniLM first stage alone (ctxphrase-v1)"] = measured(pairs(minilm_first.rank(texts, 20)), None)
    rr = full.reranker
    quality["(b) static first stage + shipped second stage, with title, in-sample"] = measured(
        pairs(hybrid.rank(texts, 20, contexts)), rr.accept
    )
    quality["(b300) static best 300 -> MiniLM first-stage score -> best 100 -> second stage, with title, in-sample"] = (
        measured(pairs(hybrid300.rank(texts, 20, contexts)), rr.accept)
    )
    quality["(c) current ctxrank-v2, with title, in-sample"] = measured(
        pairs(full.rank(texts, 20, contexts)), rr.accept
    )
    t0 = time.perf_counter()
    cs_c = train(gold, EXTRA, full)
    cs_b = train(gold, EXTRA, hybrid)
    cs_b300 = train(gold, EXTRA, hybrid300)
    cs_d = train(gold, EXTRA, static_full)
    quality["cross-source (refit on one source, measured on the other)"] = {
        "(b) static first stage + second stage": cross_source(cs_b),
        "(b300) static best 300 -> best 100 -> second stage": cross_source(cs_b300),
        "(c) current ctxrank-v2": cross_source(cs_c),
        "(d) fully static, second stage refit on static features": cross_source(cs_d),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    static_full.reranker = reranker_from(cs_d, "static-ctxrank (bench only)")
    quality["(d) fully static, refit on all 120 (in-sample), with title"] = measured(
        pairs(static_full.rank(texts, 20, contexts)), static_full.reranker.accept
    )
    result["quality"] = quality
    print(json.dumps(quality, indent=1), flush=True)

    # 4. throughput of the query side, in one process, alternated
    from skills_speed import outcomes as edx_sentences
    from skills_speed import skillbench_sentences

    sets = {
        "edX/ESCO sentences (as skills_speed --mapping)": edx_sentences(args.n),
        "skillbench job-ad sentences": skillbench_sentences(),
    }
    methods = {
        "(c) current": full,
        "(b) static first stage + second stage": hybrid,
        "(b300)": hybrid300,
        "(a) static first stage only": static_first,
        "(d) fully static two-stage": static_full,
    }
    through: dict[str, object] = {}
    for set_name, lines in sets.items():
        for m in methods.values():
            m.rank(lines[:20], 10)  # warm-up
        runs: dict[str, list[float]] = {k: [] for k in methods}
        for _ in range(args.repeat):
            for name, m in methods.items():
                t0 = time.perf_counter()
                m.rank(lines, 10)
                runs[name].append(time.perf_counter() - t0)
        through[set_name] = {
            "sentences": len(lines),
            **{
                name: {
                    "seconds_median": round(statistics.median(r), 2),
                    "sentences_per_s": round(len(lines) / statistics.median(r), 1),
                }
                for name, r in runs.items()
            },
        }
        print(json.dumps(through[set_name], indent=1), flush=True)
    t0 = time.perf_counter()
    full.rank(texts, 10, contexts)
    c_out = time.perf_counter() - t0
    t0 = time.perf_counter()
    hybrid.rank(texts, 10, contexts)
    b_out = time.perf_counter() - t0
    through["120 graded outcomes with title (one run each)"] = {
        "(c) current": round(len(texts) / c_out, 1),
        "(b) static first stage + second stage": round(len(texts) / b_out, 1),
    }
    result["throughput_in_process"] = through
    result["load_average_at_end"] = list(os.getloadavg())
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
