"""Benchmarks for ddt-timetravel: ratios measured side by side in one run.

``python -m bench`` (or ``make bench``) runs every script and prints its table;
``python -m bench --smoke`` runs them with tiny sizes, once, as the test suite
does. Nothing here asserts a speed: the numbers are for reading.
"""
