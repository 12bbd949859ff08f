"""Pagination for tables too large to count on every page view."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    """Use PostgreSQL's row estimate for an unfiltered table.

    COUNT(*) over millions of usage rows takes seconds on PostgreSQL; the
    planner's estimate is instant and close enough to number the pages.
    Filtered lists are counted exactly.
    """

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where:
            connection = connections[queryset.db]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                        [queryset.model._meta.db_table],
                    )
                    row = cursor.fetchone()
                if row and row[0] > 10_000:
                    return int(row[0])
        return super().count
