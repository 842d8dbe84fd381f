"""Use cases: one module per family, called alike by routers, jobs and the CLI.

A service takes a unit of work and the ports it needs and returns domain values —
never ORM rows, never response models. It imports no FastAPI and no arq.
"""
