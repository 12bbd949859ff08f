"""Programs and rates as products: categories, bundles, relations, eligibility.

Imports: segments, billing, portal and below. Enrollment (above) supplies the
facts only it knows (what a premise is enrolled in) through
:func:`catalog.eligibility.facts_provider_register`.
"""
