"""Rank ESCO skills for learning outcomes: contextual phrase embeddings, best label per skill, exact mentions.

One forward pass of the encoder per outcome gives a vector for every word piece. The outcome's vector is their
mean (what sentence-transformers computes), and every phrase of one to four words gets the mean of its own
pieces: a phrase vector "in context", at no extra model cost. A skill scores

    score = W_SENTENCE * cos(outcome, best label) + W_PHRASE * max over phrases cos(phrase, best label)
            + W_LEXICAL * [a label of the skill occurs verbatim in the outcome]

Phrases find the several skills a long outcome names; the exact mention rescues short names ("SQL", "Java") that
embeddings rank poorly. Phrase scores are computed for the CANDIDATES skills nearest to the whole outcome plus
the skills mentioned verbatim, which costs nothing measurable on the benchmark and keeps mapping fast.

That first stage (`ctxphrase-v1`, bench/results/skills_quality.json) matches words, not senses ("train a CNN" ->
dog training). The second stage (models/skills/rerank.py) rescores its best RERANK_POOL candidates with the
skills' descriptions and the offer's title; its score is a calibrated probability in [0, 1]
(bench/results/skills_outcomes.json).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from models.skills.embed import Encoder
from models.skills.esco import Skill
from models.skills.index import WORD_RE, SkillIndex, normalise
from models.skills.rerank import REUSE_LEVELS, Reranker, design, header

FIRST_STAGE = "ctxphrase-v1"
METHOD, _ACCEPT = header()  # the shipped method: first stage + second stage (models/skills/rerank.py)
W_SENTENCE, W_PHRASE, W_LEXICAL = 0.3, 0.7, 0.2
MAX_PHRASE_WORDS = 4
MAX_LEXICAL_WORDS = 6
CANDIDATES = 500
CHUNK_WORDS = 60  # a longer outcome is cut into sentences / windows of this many words
MAX_CHARS = 20_000  # beyond this an "outcome" is a document, not an outcome
RERANK_POOL = 100  # first-stage candidates the second stage scores
# Matches whose probability reaches this are `accepted`: chosen on the graded learning outcomes for precision
# (resources/rerank.json says how; docs/skills.md has the figures).
ACCEPT_THRESHOLD = _ACCEPT
STOPWORDS = frozenset(
    """a an and are as at be been being but by can could do does for from has have how i if in
into is it its may more most must not of on or our such than that the their them then there these they this
those to too us was we were what when where which while who will with within without would you your
e.g i.e etc ability able using use used work working experience knowledge understanding skills skill strong good
""".split()
)


def topic_text(context: Context | None) -> str | None:
    """The text that says what an outcome's offer is about: title, else subject, else the description's start."""
    if context is None:
        return None
    for value in (context.title, context.subject, (context.description or "")[:300]):
        clean = " ".join((value or "").split())
        if clean and WORD_RE.search(clean):
            return clean
    return None


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """numpy's BLAS on one thread while scoring. Its products here are small (a few thousand label rows by a few
    dozen phrases per outcome), and on two cores shared with other work a second BLAS thread waits for a core more
    than it computes: measured on the 178 skillbench sentences, 2.3-2.9 s instead of 3.3-4.2 s with the machine
    busy, the same on an idle one (600 edX sentences: up to ~12% slower idle). The encoder has its own threads."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a scikit-learn dependency, declared in pyproject.toml
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


class OutcomeError(ValueError):
    """An outcome that cannot be mapped; the message says why in one line."""


@dataclass(frozen=True)
class Context:
    """What an outcome belongs to: its offer's title, description and subject (ISCED-F field), each optional."""

    title: str | None = None
    description: str | None = None
    subject: str | None = None

    def key(self) -> str:
        """Stable text of the context, for cache keys."""
        return "\x1f".join(v or "" for v in (self.title, self.description, self.subject))


@dataclass
class Match:
    uri: str
    label: str
    score: float


def check_text(text: object) -> str:
    """Clean one outcome or raise OutcomeError: empty, non-text (binary) or absurdly long input."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise OutcomeError("not UTF-8 text") from None
    if not isinstance(text, str):
        raise OutcomeError(f"not text ({type(text).__name__})")
    if "\x00" in text or "\ufffd" in text:
        raise OutcomeError("not text (binary bytes in the outcome)")
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r")
    if controls > max(2, len(text) // 20):
        raise OutcomeError("not text (control characters in the outcome)")
    clean = " ".join(text.split())
    if not clean:
        raise OutcomeError("empty outcome")
    if not WORD_RE.search(clean):
        raise OutcomeError("no words in the outcome")
    if len(clean) > MAX_CHARS:
        raise OutcomeError(f"outcome of {len(clean)} characters (more than {MAX_CHARS}); is this a whole document?")
    return clean


def chunks(text: str) -> list[str]:
    """Sentences, and windows of CHUNK_WORDS words within long ones: each fits the encoder's input length."""
    out: list[str] = []
    for sentence in re.split(r"(?<=[.!?;])\s+|\s+[•·▪]\s*|\n", text):
        words = sentence.split()
        for start in range(0, len(words), CHUNK_WORDS):
            piece = " ".join(words[start : start + CHUNK_WORDS])
            if WORD_RE.search(piece):
                out.append(piece)
    return out or [text]


class Matcher:
    def __init__(
        self,
        index: SkillIndex,
        encoder: Encoder,
        candidates: int = CANDIDATES,
        phrases: bool = True,
        lexical: bool = True,
        descriptions: np.ndarray | None = None,
        skills: Sequence[Skill] | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        """Without `descriptions`, `skills` and `reranker` only the first stage runs (method FIRST_STAGE)."""
        if index.model_id != encoder.model_id:
            raise ValueError(f"index built with {index.model_id}, encoder is {encoder.model_id}")
        self.index, self.encoder = index, encoder
        self.n_candidates, self.phrases, self.lexical = candidates, phrases, lexical
        self.owner = index.owner
        self.descriptions = descriptions
        self.reranker = reranker if descriptions is not None and skills is not None else None
        skills = skills or []
        if skills and len(skills) != len(index.uris):
            raise ValueError(f"{len(skills)} skills for an index of {len(index.uris)}")
        self.knowledge = np.array([s.skill_type == "knowledge" for s in skills], dtype=np.float64)
        levels = {r: i for i, r in enumerate(REUSE_LEVELS)}
        self.reuse = np.array([levels.get(s.reuse_level, -1) for s in skills], dtype=np.int64)

    @property
    def method(self) -> str:
        if self.reranker is not None:
            return self.reranker.method
        return FIRST_STAGE + ("" if self.phrases else "-nophrase") + ("" if self.lexical else "-nolex")

    # ------------------------------------------------------------------------------ encoder passes
    def _encode_tokens(self, texts: list[str]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per text: word-piece vectors (n, d), their character offsets (n, 2), attention-mask row sums."""
        return self.encoder.encode_tokens(texts)

    @staticmethod
    def _phrase_vectors(text: str, hidden: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Unit sentence vector and unit vectors of every 1..4-word phrase that is not only stopwords."""
        sent = hidden.mean(0)
        sent = sent / (np.linalg.norm(sent) + 1e-9)
        words = [(m.start(), m.end(), m.group(0).casefold()) for m in WORD_RE.finditer(text)]
        if not words:
            return sent, np.zeros((0, hidden.shape[1]), np.float32)
        starts = np.array([w[0] for w in words])
        piece_start = offsets[:, 0]
        real = offsets[:, 1] > offsets[:, 0]
        word_of = np.searchsorted(starts, piece_start, side="right") - 1
        ends = np.array([w[1] for w in words])
        valid = real & (word_of >= 0) & (piece_start < ends[np.clip(word_of, 0, None)])
        n = len(words)
        sums = np.zeros((n + 1, hidden.shape[1]), np.float32)
        counts = np.zeros(n + 1, np.float32)
        np.add.at(sums, word_of[valid] + 1, hidden[valid])
        np.add.at(counts, word_of[valid] + 1, 1)
        csum, ccount = np.cumsum(sums, 0), np.cumsum(counts)
        stop = np.array([w[2] in STOPWORDS or not any(c.isalnum() for c in w[2]) for w in words])
        i_idx, j_idx = [], []
        for i in range(n):
            for j in range(i + 1, min(n, i + MAX_PHRASE_WORDS) + 1):
                if not stop[i:j].all():
                    i_idx.append(i)
                    j_idx.append(j)
        if not i_idx:
            return sent, np.zeros((0, hidden.shape[1]), np.float32)
        ii, jj = np.array(i_idx), np.array(j_idx)
        c = ccount[jj] - ccount[ii]
        ok = c > 0
        vec = (csum[jj[ok]] - csum[ii[ok]]) / c[ok, None]
        vec /= np.linalg.norm(vec, axis=1, keepdims=True) + 1e-9
        return sent, vec.astype(np.float32)

    def _lexical_hits(self, text: str) -> set[int]:
        words = normalise(text).split()
        hits: set[int] = set()
        lex = self.index.lexicon
        for i in range(len(words)):
            for j in range(i + 1, min(len(words), i + MAX_LEXICAL_WORDS) + 1):
                found = lex.get(" ".join(words[i:j]))
                if found:
                    hits.update(found)
        return hits

    # --------------------------------------------------------------------------------- scoring
    def _score_chunk(self, text: str, sent: np.ndarray, phrases: np.ndarray, skill_sim: np.ndarray) -> dict[int, float]:
        """Scores of the candidate skills for one chunk, given its similarity to every skill's best label."""
        idx = self.index
        hits = np.fromiter(self._lexical_hits(text), dtype=np.int64) if self.lexical else np.zeros(0, np.int64)
        k = min(self.n_candidates, len(skill_sim))
        cand = np.argpartition(-skill_sim, k - 1)[:k] if k < len(skill_sim) else np.arange(len(skill_sim))
        if len(hits):
            cand = np.union1d(cand, hits)
        score = W_SENTENCE * skill_sim[cand] if self.phrases else skill_sim[cand].copy()
        if self.phrases and len(phrases):
            counts = idx.label_count[cand]
            cstarts = np.concatenate([[0], np.cumsum(counts)[:-1]])
            rows = np.repeat(idx.starts[cand] - cstarts, counts) + np.arange(int(counts.sum()))
            phrase_sim = idx.emb[rows] @ phrases.T  # (rows, n_phrases)
            score = score + W_PHRASE * np.maximum.reduceat(phrase_sim.max(1), cstarts)
        elif self.phrases:
            score = score + W_PHRASE * skill_sim[cand]
        if len(hits):
            score = score + W_LEXICAL * np.isin(cand, hits)
        return dict(zip(cand.tolist(), score.tolist(), strict=True))

    def _first_stage(
        self, texts: Sequence[str]
    ) -> tuple[list[dict[int, float]], np.ndarray, list[np.ndarray], list[np.ndarray]]:
        """Contextual-phrase scores per text (candidate skill -> score), the unit outcome vectors, per text the
        best-label similarity of every skill (the sentence part of the first stage, kept for the second) and the
        unit vectors of its pieces (a long outcome is cut; a skill keeps its best piece)."""
        pieces: list[str] = []
        owner: list[int] = []
        for t, text in enumerate(texts):
            for piece in chunks(text):
                pieces.append(piece)
                owner.append(t)
        encoded = self._encode_tokens(pieces) if pieces else []
        merged: list[dict[int, float]] = [{} for _ in texts]
        dim = self.index.emb.shape[1]
        sent_sum = np.zeros((len(texts), dim), np.float32)
        label_best: list[np.ndarray | None] = [None] * len(texts)
        piece_vecs: list[list[np.ndarray]] = [[] for _ in texts]
        block = 64
        for b in range(0, len(pieces), block):
            vecs = [
                self._phrase_vectors(pieces[i], encoded[i][0], encoded[i][1])
                for i in range(b, min(b + block, len(pieces)))
            ]
            sims = np.stack([v[0] for v in vecs]) @ self.index.emb.T  # (block, n_labels)
            for j, (sent, phrases) in enumerate(vecs):
                t = owner[b + j]
                sent_sum[t] += sent
                piece_vecs[t].append(sent)
                skill_sim = np.maximum.reduceat(sims[j], self.index.starts)
                prev = label_best[t]
                label_best[t] = skill_sim if prev is None else np.maximum(prev, skill_sim)
                for k, s in self._score_chunk(pieces[b + j], sent, phrases, skill_sim).items():
                    if s > merged[t].get(k, -9.0):
                        merged[t][k] = s
        sent_unit = sent_sum / (np.linalg.norm(sent_sum, axis=1, keepdims=True) + 1e-9)
        best = [x if x is not None else np.zeros(len(self.index.uris)) for x in label_best]
        return merged, sent_unit, best, [np.stack(v) if v else sent_unit[t : t + 1] for t, v in enumerate(piece_vecs)]

    def _best_label(self, cand: np.ndarray, vec: np.ndarray) -> np.ndarray:
        """Similarity of `vec` to the best label of each candidate skill."""
        idx = self.index
        counts = idx.label_count[cand]
        cstarts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        rows = np.repeat(idx.starts[cand] - cstarts, counts) + np.arange(int(counts.sum()))
        return np.maximum.reduceat(idx.emb[rows] @ vec, cstarts)

    def _topics(self, contexts: Sequence[Context | None]) -> list[np.ndarray | None]:
        """Unit vector of each outcome's topic: the offer's title, else its subject, else its description's start.
        Each distinct topic is encoded once (the outcomes of one offer share it)."""
        topics = [topic_text(c) for c in contexts]
        distinct = sorted({t for t in topics if t})
        vecs = dict(zip(distinct, self.encoder.encode(distinct), strict=True)) if distinct else {}
        return [vecs[t] if t else None for t in topics]

    def candidates(
        self, texts: Sequence[str], contexts: Sequence[Context | None] | None = None
    ) -> list[tuple[np.ndarray, dict[str, np.ndarray], bool]]:
        """Per text: the second stage's candidate skills (the first stage's best RERANK_POOL), their similarity
        features, and whether a context was used. The training script fits the weights on exactly these."""
        if self.descriptions is None:
            raise ValueError("the second stage needs the skill description index (service.matcher builds it)")
        with one_blas_thread():
            return self._candidates(texts, contexts)

    def _candidates(
        self, texts: Sequence[str], contexts: Sequence[Context | None] | None
    ) -> list[tuple[np.ndarray, dict[str, np.ndarray], bool]]:
        assert self.descriptions is not None
        merged, sent_unit, label_best, pieces = self._first_stage(texts)
        topics = self._topics(contexts) if contexts is not None else [None] * len(texts)
        desc = self.descriptions
        out = []
        for t, scores in enumerate(merged):
            best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:RERANK_POOL]
            cand = np.array([k for k, _ in best], dtype=np.int64)
            sent = sent_unit[t]
            cand_desc = np.asarray(desc[cand], dtype=np.float32)
            feats: dict[str, np.ndarray] = {
                "phrase": np.array([s for _, s in best], dtype=np.float64),
                "label": label_best[t][cand].astype(np.float64),
                "pref": (self.index.emb[self.index.starts[cand]] @ pieces[t].T).max(1).astype(np.float64),
                "desc": (cand_desc @ pieces[t].T).max(1).astype(np.float64),
                "mention": np.isin(cand, np.fromiter(self._lexical_hits(texts[t]), dtype=np.int64)).astype(np.float64),
            }
            topic = topics[t]
            if topic is not None:
                ctx = sent + topic
                ctx /= np.linalg.norm(ctx) + 1e-9
                feats["topic_desc"] = (cand_desc @ topic).astype(np.float64)
                feats["ctx_desc"] = (cand_desc @ ctx).astype(np.float64)
                feats["topic_label"] = self._best_label(cand, topic).astype(np.float64)
                feats["ctx_label"] = self._best_label(cand, ctx).astype(np.float64)
            out.append((cand, feats, topic is not None))
        return out

    def rank(
        self, texts: Sequence[str], top_k: int = 10, contexts: Sequence[Context | None] | None = None
    ) -> list[list[Match]]:
        """Top-k skills per text (already checked with `check_text`), best first; `contexts`, when given, has one
        entry (or None) per text. With the second stage, a score is the probability that the skill is taught."""
        if contexts is not None and len(contexts) != len(texts):
            raise ValueError(f"{len(contexts)} contexts for {len(texts)} texts")
        if not texts:
            return []
        with one_blas_thread():
            return self._rank(texts, top_k, contexts)

    def _rank(self, texts: Sequence[str], top_k: int, contexts: Sequence[Context | None] | None) -> list[list[Match]]:
        if self.reranker is None or self.descriptions is None:
            merged = self._first_stage(texts)[0]
            ranked = [sorted(m.items(), key=lambda kv: (-kv[1], kv[0]))[:top_k] for m in merged]
        else:
            ranked = []
            for cand, feats, has_context in self.candidates(texts, contexts):
                w = self.reranker.weights(has_context)
                p = w.probability(design(feats, w.names, self.knowledge[cand], self.reuse[cand]))
                order = sorted(range(len(cand)), key=lambda i: (-p[i], int(cand[i])))[:top_k]
                ranked.append([(int(cand[i]), float(p[i])) for i in order])
        return [[Match(self.index.uris[k], self.index.labels[k], round(s, 4)) for k, s in best] for best in ranked]
