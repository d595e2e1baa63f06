"""ESCO skill mapping: import the taxonomy, embed its labels once, rank skills for learning outcomes.

See docs/skills.md for the method, the acceptance threshold and the measured figures.
"""
