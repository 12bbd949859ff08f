"""Keep the cached footer links in step with the pages staff edit."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from content.models import Page
from content.selectors import FOOTER_CACHE_KEY


@receiver([post_save, post_delete], sender=Page, dispatch_uid="content-footer-cache")
def footer_cache_clear(sender, **kwargs):
    cache.delete(FOOTER_CACHE_KEY)
