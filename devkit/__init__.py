"""Maintainer tools: the fictional sample generator, the leak/loss audit, export writers,
the NLP corpus builder, scorer measurement and the stem-cache builder.

Not part of the product wheel. Tests, `bench/` and `scripts/` import them from the project
root (`python -m devkit.<tool>` from a checkout).
"""
