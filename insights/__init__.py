"""Usage and cost insights for one customer at one premise (read-only on billing).

Pure calculations live in `calculations.py`, plotly figure builders in
`charts.py`, reads in `selectors.py`; the only table of its own holds the
precomputed neighbor comparisons.
"""
