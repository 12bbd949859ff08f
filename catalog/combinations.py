"""Which products may be enrolled together: pure rules over a selection.

The same rules apply to a bundle staff defined and to a collection a
customer builds in the cart:

- products sharing an *exclusive group* are mutually exclusive (two electric
  rates), also against what the premise is already enrolled in;
- an "excludes" relation forbids two products together (either direction);
- a bundle limits what may be added beside it: anything but the denied
  products, only the allowed ones, or nothing;
- a "requires" relation needs the other product in the order or already
  enrolled.

Each problem names the cart lines involved so the customer can remove one,
and carries a customer-readable message.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from django.utils.translation import gettext as _

LineKey = tuple[str, int]  # ("product", id) or ("bundle", id)


@dataclass(frozen=True)
class ProductRef:
    id: int
    name: str
    exclusive_group: str = ""


@dataclass(frozen=True)
class BundleRef:
    id: int
    name: str
    product_ids: frozenset[int]
    additions_policy: str = "any"  # any | listed | none
    allowed: frozenset[int] = frozenset()
    denied: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Relations:
    requires: dict[int, frozenset[int]] = field(default_factory=dict)
    excludes: frozenset[frozenset[int]] = frozenset()


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    lines: tuple[LineKey, ...] = ()
    suggest_product_id: int | None = None


def combination_problems(
    *,
    product_ids: list[int],
    bundles: list[BundleRef],
    catalog: dict[int, ProductRef],
    relations: Relations,
    enrolled_ids: frozenset[int] = frozenset(),
) -> list[Problem]:
    """Every reason the selection cannot be ordered together (empty: fine).

    ``product_ids`` are the standalone lines; ``catalog`` names every product
    referred to (in the selection, enrolled, or required).
    """
    problems: list[Problem] = []
    sources: dict[int, list[LineKey]] = defaultdict(list)
    for pid in product_ids:
        sources[pid].append(("product", pid))
    for bundle in bundles:
        for pid in bundle.product_ids:
            sources[pid].append(("bundle", bundle.id))
    selected = set(sources)

    def name(pid: int) -> str:
        ref = catalog.get(pid)
        return ref.name if ref else f"#{pid}"

    def lines_of(*pids: int) -> tuple[LineKey, ...]:
        keys: list[LineKey] = []
        for pid in pids:
            for key in sources.get(pid, []):
                if key not in keys:
                    keys.append(key)
        return tuple(keys)

    # Exclusive groups, within the selection and against enrolments.
    groups: dict[str, list[int]] = defaultdict(list)
    for pid in sorted(selected):
        group = catalog[pid].exclusive_group if pid in catalog else ""
        if group:
            groups[group].append(pid)
    for members in groups.values():
        for a, b in combinations(members, 2):
            problems.append(
                Problem(
                    "exclusive",
                    _("%(a)s and %(b)s cannot be combined: choose one of them.")
                    % {"a": name(a), "b": name(b)},
                    lines_of(a, b),
                )
            )
    for pid in sorted(selected):
        group = catalog[pid].exclusive_group if pid in catalog else ""
        if not group:
            continue
        for enrolled in sorted(enrolled_ids - {pid}):
            if enrolled in catalog and catalog[enrolled].exclusive_group == group:
                problems.append(
                    Problem(
                        "exclusive_enrolled",
                        _(
                            "You are already enrolled in %(enrolled)s at this address; it cannot "
                            "be combined with %(new)s. Leave %(enrolled)s first."
                        )
                        % {"enrolled": name(enrolled), "new": name(pid)},
                        lines_of(pid),
                    )
                )

    # "Excludes" relations, either direction.
    for pair in sorted(relations.excludes, key=sorted):
        a, b = sorted(pair)
        if a in selected and b in selected:
            problems.append(
                Problem(
                    "excludes",
                    _("%(a)s cannot be combined with %(b)s.") % {"a": name(a), "b": name(b)},
                    lines_of(a, b),
                )
            )
        else:
            for mine, theirs in ((a, b), (b, a)):
                if mine in selected and theirs in enrolled_ids:
                    problems.append(
                        Problem(
                            "excludes_enrolled",
                            _(
                                "%(new)s cannot be combined with %(enrolled)s, which you are "
                                "enrolled in at this address."
                            )
                            % {"new": name(mine), "enrolled": name(theirs)},
                            lines_of(mine),
                        )
                    )

    # What each bundle allows beside it.
    for bundle in bundles:
        for pid in sorted(selected - bundle.product_ids):
            other_lines = tuple(k for k in sources[pid] if k != ("bundle", bundle.id))
            if not other_lines:
                continue
            message = None
            if bundle.additions_policy == "none":
                message = _("%(bundle)s cannot be combined with other programs, such as %(p)s.")
            elif pid in bundle.denied or (
                bundle.additions_policy == "listed" and pid not in bundle.allowed
            ):
                message = _("%(p)s cannot be added to %(bundle)s.")
            if message:
                problems.append(
                    Problem(
                        "bundle_addition",
                        message % {"bundle": bundle.name, "p": name(pid)},
                        (("bundle", bundle.id), *other_lines),
                    )
                )

    # "Requires": the other product in the order or already enrolled.
    for pid in sorted(selected):
        for needed in sorted(relations.requires.get(pid, frozenset())):
            if needed not in selected and needed not in enrolled_ids:
                problems.append(
                    Problem(
                        "requires",
                        _("%(p)s requires %(needed)s: add it to your cart too.")
                        % {"p": name(pid), "needed": name(needed)},
                        lines_of(pid),
                        suggest_product_id=needed,
                    )
                )
    return problems
