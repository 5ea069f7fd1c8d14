"""Builders that tests and benchmarks share: tiny and full-size random speech models, a
throwaway PostgreSQL cluster and a seeded review hearing. Nothing here runs in production."""
