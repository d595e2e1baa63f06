"""Normalisation rules: each rule in one place, pure, tested, and explainable."""
