"""Targeted promotions in the marketing spots, and cross-sell.

Imports: catalog, segments, billing, portal and below. Shown through
``catalog.spots`` (the provider is registered in ``AppConfig.ready()``).
"""
