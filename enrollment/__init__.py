"""Cart → login → eligibility → recommendations → order → status tracking.

Imports: catalog, segments, billing, portal, users and below. Fulfilment of
a program dispatches through ``enrollment.fulfilment`` keyed by the
product's kind, so a program's own app (e.g. rebates for the Peak Time Rebate)
holds its fulfilment without enrollment importing it at module level.
"""
