"""Staff-defined customer segments and the per-customer profile they read.

Imports: billing, portal and below only. Higher apps (catalog, enrollment,
promotions) read segments; enrollment adds its own condition type
("enrolled in a program") through :func:`segments.conditions.condition_register`
from its ``AppConfig.ready()``.
"""
