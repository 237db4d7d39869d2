"""`make bench`: a synthetic organisation in a throwaway SQLite database, and the time and
number of queries of the pages that grow with it (HR dashboard, profile, CSV export).

docs/benchmarks.md explains what is measured and why, and records the numbers.
"""
