"""Benchmarks for backcheck: ``python -m benchmarks`` (see ``docs/performance.md``).

Every row replays one fixed, seeded workload of simulated users walking the real triage flow,
and every row that has a baseline measures that baseline in the same run, so a ratio never
compares numbers from two different machines or two different days.
"""
