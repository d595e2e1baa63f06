"""One place that wires the active ESCO release, the encoder, the cached index and the matcher together."""

from __future__ import annotations

from functools import lru_cache

from models.skills.embed import Encoder
from models.skills.esco import EscoRelease, load_active
from models.skills.index import Progress, get_descriptions, get_index, log
from models.skills.matcher import Matcher
from models.skills.rerank import load as load_reranker


@lru_cache(maxsize=4)
def encoder(device: str = "cpu") -> Encoder:
    """The encoder on `device` ("cpu", "cuda", "auto"); cheap: the model (and torch) load on first use."""
    return Encoder(device=device)


def release() -> EscoRelease:
    return load_active()


def matcher(
    rel: EscoRelease | None = None,
    enc: Encoder | None = None,
    progress: Progress | None = log.info,
    second_stage: bool = True,
) -> Matcher:
    """Matcher for the active release, both stages; builds the skill and description indexes on first use (cached
    afterwards). `second_stage=False` leaves the shipped weights unread: train_rerank fits new ones."""
    rel = rel or release()
    enc = enc or encoder()
    index = get_index(rel, enc, progress=progress)
    descriptions = get_descriptions(rel, enc, progress=progress)
    return Matcher(
        index, enc, descriptions=descriptions, skills=rel.skills, reranker=load_reranker() if second_stage else None
    )
