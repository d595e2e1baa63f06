"""Normalisation rules: each rule in one place, pure, tested, and explainable.

`NORMALISER_VERSION` is part of every record's `input_hash` (see `models.normalise.reuse`): bump it whenever a
rule or a reference table changes, so that the next harvest normalises every listing again instead of reusing
records normalised by the old rules.
"""

NORMALISER_VERSION = "1.7.0"
