"""Skill tests: a small ESCO subset (its index builds in seconds) in a session data directory, and helpers."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from models.skills import esco

REPO = Path(__file__).resolve().parents[3]
SHARED = REPO.parent / "shared"
# Skills the tests reason about, plus a few hundred neighbours so that ranking is not trivial.
ANCHORS = (
    "SQL",
    "Java (computer programming)",
    "work in teams",
    "statistics",
    "Python (computer programming)",
    "JavaScript",
    "manage budgets",
    "teach mathematics",
    "communication",
    "perform data analysis",
)
WORDS = ("data", "program", "team", "statist", "budget", "teach", "communicat", "software", "database")
OUTCOMES_DDL = """
create table learning_outcomes (
  outcome_id varchar primary key, source varchar not null, source_id varchar not null, position integer not null,
  text varchar not null, lang varchar, text_en varchar
)"""


def small_release() -> esco.EscoRelease:
    full = esco.load_extract(esco.BUILTIN_EXTRACT)
    keep = [s.uri for s in full.skills if s.label in ANCHORS]
    keep += [s.uri for s in full.skills if any(w in s.label.casefold() for w in WORDS)][:260]
    return esco.subset(full, keep)


@pytest.fixture(scope="session")
def skills_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory whose active ESCO release is the small subset; its index is built once per session."""
    data = tmp_path_factory.mktemp("skills-data")
    mp = pytest.MonkeyPatch()
    mp.setenv("MCATLAS_DATA_DIR", str(data))
    esco.save_extract(small_release(), esco.imported_extract_path())
    from models.skills import service

    service.matcher()  # builds and caches the index
    mp.undo()
    return data


@pytest.fixture
def skills_env(skills_data: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("MCATLAS_DATA_DIR", str(skills_data))
    monkeypatch.setenv("MCATLAS_DB", str(tmp_path / "w.duckdb"))
    return skills_data


@pytest.fixture(scope="session")
def matcher(skills_data: Path):  # noqa: ANN201
    mp = pytest.MonkeyPatch()
    mp.setenv("MCATLAS_DATA_DIR", str(skills_data))
    from models.skills import service

    m = service.matcher()
    mp.undo()
    return m


def uri_of(release: esco.EscoRelease, label: str) -> str:
    return next(s.uri for s in release.skills if s.label == label)


def _csv(rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def fake_esco_zip(path: Path, drop: tuple[str, ...] = ()) -> Path:
    """A tiny release in the official CSV layout (names, columns, multi-line altLabels) of ESCO v1.2.0."""
    s = "http://data.europa.eu/esco/skill/"
    skills = [
        {
            "conceptType": "KnowledgeSkillCompetence",
            "conceptUri": s + "a1",
            "skillType": "knowledge",
            "reuseLevel": "cross-sector",
            "preferredLabel": "SQL",
            "altLabels": "Structured Query Language\nSQL",
            "hiddenLabels": "",
            "status": "released",
            "modifiedDate": "",
            "scopeNote": "",
            "definition": "",
            "inScheme": "",
            "description": "The computer language SQL is a query language.",
        },
        {
            "conceptType": "KnowledgeSkillCompetence",
            "conceptUri": s + "a2",
            "skillType": "skill/competence",
            "reuseLevel": "transversal",
            "preferredLabel": "work in teams",
            "altLabels": "teamwork\nwork as a team",
            "hiddenLabels": "",
            "status": "released",
            "modifiedDate": "",
            "scopeNote": "",
            "definition": "",
            "inScheme": "",
            "description": "Work confidently within a group.",
        },
    ]
    groups = [
        {"conceptType": "SkillGroup", "conceptUri": s + "g0", "preferredLabel": "skills", "altLabels": "", "code": "S"},
        {
            "conceptType": "SkillGroup",
            "conceptUri": s + "g1",
            "preferredLabel": "working with computers",
            "altLabels": "",
            "code": "S5",
        },
    ]
    hierarchy = [
        {
            "Level 0 URI": s + "g0",
            "Level 0 preferred term": "skills",
            "Level 1 URI": s + "g1",
            "Level 1 preferred term": "working with computers",
            "Level 2 URI": "",
            "Level 2 preferred term": "",
            "Level 3 URI": "",
            "Level 3 preferred term": "",
            "Description": "",
            "Scope note": "",
            "Level 0 code": "S",
            "Level 1 code": "S5",
            "Level 2 code": "",
            "Level 3 code": "",
        }
    ]
    coll = {
        "conceptType": "KnowledgeSkillCompetence",
        "conceptUri": s + "a1",
        "preferredLabel": "SQL",
        "status": "released",
        "skillType": "knowledge",
        "reuseLevel": "cross-sector",
        "altLabels": "",
        "description": "",
        "broaderConceptUri": s + "g1",
        "broaderConceptPT": "working with computers",
    }
    broader = [
        {
            "conceptType": "KnowledgeSkillCompetence",
            "conceptUri": s + "a1",
            "broaderType": "SkillGroup",
            "broaderUri": s + "g1",
        }
    ]
    files = {
        "skills_en.csv": skills,
        "skillGroups_en.csv": groups,
        "skillsHierarchy_en.csv": hierarchy,
        "digitalSkillsCollection_en.csv": [coll],
        "greenSkillsCollection_en.csv": [coll],
        "transversalSkillsCollection_en.csv": [{**coll, "conceptUri": s + "a2"}],
        "languageSkillsCollection_en.csv": [coll],
        "broaderRelationsSkillPillar_en.csv": broader,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, rows in files.items():
            if name not in drop:
                zf.writestr(name, _csv(rows))
    return path
