"""Build the built-in ESCO extract shipped in models/skills/data from an official download.

    python -m models.skills.extract ../shared/esco

The extract keeps skills (URI, labels, type, reuse level, description), skill groups, broader relations and the
four collections of ESCO v1.1.1 in English: enough to map outcomes offline on a fresh machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

from models.skills.esco import ATTRIBUTION, BUILTIN_EXTRACT, BUILTIN_VERSION, EscoError, read_release, save_extract


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m models.skills.extract PATH [PATH...]  (the ESCO v1.1.1 CSV download)", file=sys.stderr)
        return 2
    try:
        release = read_release([Path(a) for a in args])
    except EscoError as exc:
        print(f"extract: error: {exc}", file=sys.stderr)
        return 2
    if release.version != BUILTIN_VERSION:
        print(
            f"extract: error: the built-in extract is {BUILTIN_VERSION}, this download is {release.version}",
            file=sys.stderr,
        )
        return 2
    save_extract(release, BUILTIN_EXTRACT)
    (BUILTIN_EXTRACT.parent / "ATTRIBUTION.md").write_text(
        f"# ESCO {release.version} (English)\n\n{ATTRIBUTION}\n\n"
        f"`{BUILTIN_EXTRACT.name}` is an extract (skills, skill groups, broader relations, digital / green /\n"
        f"transversal / language collections) of the official CSV download: {release.source}.\n"
        "Built with `python -m models.skills.extract PATH`. The European Commission does not endorse this project.\n",
        encoding="utf-8",
    )
    print(
        f"{BUILTIN_EXTRACT}: {len(release.skills)} skills, {len(release.groups)} groups, "
        f"{len(release.broader)} broader relations, {BUILTIN_EXTRACT.stat().st_size / 1e6:.1f} MB"
    )
    for w in release.warnings:
        print(f"warning: {w}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
