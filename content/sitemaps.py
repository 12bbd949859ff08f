"""sitemap.xml: the public portal pages, FAQ categories and published pages."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import NoReverseMatch, reverse

from content.models import FaqCategory, Page

# Pages anyone can open without signing in; missing apps are skipped.
PUBLIC_URL_NAMES = ["home", "catalog:index", "content:help", "content:contact", "content:sitemap"]


class PortalSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        names = []
        for name in PUBLIC_URL_NAMES:
            try:
                reverse(name)
            except NoReverseMatch:
                continue
            names.append(name)
        return names

    def location(self, item):
        return reverse(item)


class FaqCategorySitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return FaqCategory.objects.published()

    def lastmod(self, item):
        return item.updated_at


class PageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Page.objects.published()

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"portal": PortalSitemap, "help": FaqCategorySitemap, "pages": PageSitemap}
