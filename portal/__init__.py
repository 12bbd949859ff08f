"""The project: settings, URLs, Celery app and deployment-wide configuration.

Holds no domain models; `UtilityProfile` is the deployment's own settings
(name, time zone, support contacts, logo) that staff may override.
"""

from .celery import app as celery_app

__all__ = ["celery_app"]
