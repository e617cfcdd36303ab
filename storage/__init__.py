"""Keeping cases: sealing to reviewers' keys, the database, the hash chain, and export.

Nothing here imports `telegram` or `handlers`: the store must be usable (and auditable) on its own.
"""
