"""Curated Q&A and guidance store (KCIO-style): format, import/export, search, answers.

Never imports matrix-nio.
"""
