"""French levels to the EQF (models/normalise/levels_fr.py): the 2019 national framework (CNCP) and the 1969
nomenclature, as the decree of 8 January 2019 maps them; the reason is in the explanation trail."""

from __future__ import annotations

import pytest

from models import reference
from models.normalise.levels_fr import CNCP, NOMENCLATURE_1969, infer_eqf_french
from models.normalise.offer import normalise_item


def test_the_french_frameworks_are_rows_of_the_reference_table():
    rows = {(r["framework"], int(r["framework_level"])): int(r["eqf_level"]) for r in reference.rows("qf_levels")}
    assert all(rows[(CNCP, n)] == n for n in range(1, 9))  # niveau 3 = EQF 3 ... niveau 8 = EQF 8
    assert {n: rows.get((NOMENCLATURE_1969, n)) for n in range(1, 7)} == {1: None, 2: 6, 3: 5, 4: 4, 5: 3, 6: None}


@pytest.mark.parametrize(
    ("label", "framework", "eqf"),
    [
        ("niveau V (CAP, BEP, CFPA du premier degré)", None, 3),
        ("niveau IV (BP, BT, baccalauréat professionnel ou technologique)", None, 4),
        ("niveau III (BTS, DUT)", None, 5),
        ("Niveau II (licence ou maîtrise universitaire)", None, 6),
        ("Niveau 6", CNCP, 6),
        ("Niveau 8. Exemple: diplôme national de doctorat", CNCP, 8),
        ("niveau 7 (RNCP)", None, 7),  # names the register: CNCP level
        ("Niveau 3", NOMENCLATURE_1969, 3),  # a stated French framework: an arabic level is a CNCP level
    ],
)
def test_levels_that_map(label, framework, eqf):
    level = infer_eqf_french(label, framework)
    assert (level.value, level.rule) == (eqf, "eqf.inferred_from_framework_level") and "2019-14" in level.note


@pytest.mark.parametrize(
    ("label", "framework", "rule", "why"),
    [
        ("niveau I (supérieur à la maîtrise)", None, "eqf.not_inferred", "levels 7 and 8"),
        ("niveau V bis (préqualification)", None, "eqf.not_inferred", "V bis has no counterpart"),
        ("niveau VI (illettrisme, analphabétisme)", None, "eqf.not_inferred", "no counterpart"),
        ("sans niveau spécifique", CNCP, "eqf.not_inferred", "no qualification level"),
        ("Niveau 5", None, "eqf.absent", None),  # no French framework stated or named: not read as one
        ("niveau intermédiaire", CNCP, "eqf.absent", None),
        ("Master", None, "eqf.absent", None),
    ],
)
def test_levels_that_do_not(label, framework, rule, why):
    level = infer_eqf_french(label, framework)
    assert level.value is None and level.rule == rule
    assert why is None or why in (level.note or "")


def test_the_normaliser_explains_it_and_an_explicit_eqf_still_wins():
    item = normalise_item(
        {"source": "lheo", "level_raw": "niveau III (BTS, DUT)", "extras": {"level_framework": NOMENCLATURE_1969}}
    )
    (ex,) = [e for e in item["explanations"] if e["field"] == "eqf_level"]
    assert (item["eqf_level"], item["eqf_flag"]) == (5, "inferred")
    assert ex["rule"] == "eqf.inferred_from_framework_level" and ex["raw_field"] == "level_raw"
    assert "1969 nomenclature" in ex["note"] and "décret n° 2019-14" in ex["note"]
    stated = normalise_item({"source": "x", "level_raw": "Niveau 6 (EQF 6)", "extras": {"level_framework": CNCP}})
    assert stated["eqf_flag"] == "given"
    # niveau I: no EQF from the level, one explanation saying why, and other signals still count
    one = normalise_item(
        {"source": "x", "level_raw": "niveau I (supérieur à la maîtrise)", "certificate_type": "Master"}
    )
    assert (one["eqf_level"], one["eqf_flag"]) == (7, "inferred")
    none = normalise_item({"source": "x", "level_raw": "niveau I (supérieur à la maîtrise)"})
    rules = [e["rule"] for e in none["explanations"] if e["field"] == "eqf_level"]
    assert none["eqf_level"] is None and rules == ["eqf.not_inferred"]
