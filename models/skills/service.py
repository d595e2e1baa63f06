"""One place that wires the active ESCO release, the encoder, the cached index and the matcher together."""

from __future__ import annotations

from functools import lru_cache

from models.skills.embed import Encoder
from models.skills.esco import EscoRelease, load_active
from models.skills.index import Progress, get_index, log
from models.skills.matcher import Matcher


@lru_cache(maxsize=2)
def encoder() -> Encoder:
    return Encoder()


def release() -> EscoRelease:
    return load_active()


def matcher(
    rel: EscoRelease | None = None, enc: Encoder | None = None, progress: Progress | None = log.info
) -> Matcher:
    """Matcher for the active release; builds the skill index on first use (cached afterwards)."""
    rel = rel or release()
    enc = enc or encoder()
    return Matcher(get_index(rel, enc, progress=progress), enc)
