"""A fast path for rendering message templates in bulk.

A peak-event fan-out renders hundreds of thousands of small templates, and
Django's template engine spends most of that time in generic machinery. Most
message templates use only text, `{{ variable.lookups }}` without filters and
`{% if variable %}...{% else %}...{% endif %}`. For those, this module turns
the parsed Django nodelist into a flat plan rendered with plain dict and
attribute lookups; everything else (filters, other tags, non-string values,
which Django localizes) falls back to Django itself, so the output is always
what Django would produce (tests compare both for every shipped template).
"""

from __future__ import annotations

from html import escape

from django.template import Context
from django.template.base import TextNode, Variable, VariableNode, render_value_in_context
from django.template.defaulttags import AutoEscapeControlNode, IfNode, TemplateLiteral
from django.utils import translation
from django.utils.safestring import SafeData

_MISSING = object()


class _Fallback(Exception):  # noqa: N818 - control flow, not an error
    pass


def _simple_variable(filter_expression) -> tuple[str, ...] | None:
    var = filter_expression.var
    if filter_expression.filters or not isinstance(var, Variable) or var.lookups is None:
        return None
    if any(bit.startswith("_") for bit in var.lookups):
        return None
    return var.lookups


def plan(nodelist, autoescape: bool) -> list | None:
    """A render plan for `nodelist`, or None if it needs Django."""
    steps: list = []
    for node in nodelist:
        if isinstance(node, TextNode):
            steps.append(("text", node.s))
        elif isinstance(node, VariableNode):
            lookups = _simple_variable(node.filter_expression)
            if lookups is None:
                return None
            steps.append(("var", lookups, autoescape))
        elif isinstance(node, IfNode):
            branches = []
            for condition, body in node.conditions_nodelists:
                if condition is None:
                    test = None
                elif isinstance(condition, TemplateLiteral):
                    test = _simple_variable(condition.value)
                    if test is None:
                        return None
                else:
                    return None
                sub = plan(body, autoescape)
                if sub is None:
                    return None
                branches.append((test, sub))
            steps.append(("if", branches))
        elif isinstance(node, AutoEscapeControlNode):
            sub = plan(node.nodelist, node.setting)
            if sub is None:
                return None
            steps.extend(sub)
        else:
            return None
    return steps


def _lookup(context: dict, lookups: tuple[str, ...]):
    current = context
    for bit in lookups:
        if isinstance(current, dict):
            current = current.get(bit, _MISSING)
        else:
            current = getattr(current, bit, _MISSING)
        if current is _MISSING:
            return _MISSING
        if callable(current):
            raise _Fallback
    return current


def _run(steps: list, context: dict, out: list) -> None:
    for step in steps:
        kind = step[0]
        if kind == "text":
            out.append(step[1])
        elif kind == "var":
            value = _lookup(context, step[1])
            if value is _MISSING:
                continue
            if not isinstance(value, str):
                raise _Fallback  # numbers, dates: Django localizes them
            if step[2] and not isinstance(value, SafeData):
                value = escape(value)  # what django.utils.html.escape does, minus lazy

            out.append(value)
        else:
            for test, body in step[1]:
                if test is None:
                    _run(body, context, out)
                    break
                value = _lookup(context, test)
                if value is not _MISSING and value:
                    _run(body, context, out)
                    break


class FastTemplate:
    """Renders like `template` (a django.template.Template) from a dict."""

    def __init__(self, template, autoescape: bool) -> None:
        self.template = template
        self.autoescape = autoescape
        self.steps = plan(template.nodelist, autoescape)

    def render(self, context: dict, language: str | None = None) -> str:
        if self.steps is not None:
            out: list[str] = []
            try:
                _run(self.steps, context, out)
            except _Fallback:
                pass
            else:
                return "".join(out)
        if language is None:
            return self.template.render(Context(context, autoescape=self.autoescape))
        with translation.override(language):
            return self.template.render(Context(context, autoescape=self.autoescape))


__all__ = ["FastTemplate", "plan", "render_value_in_context"]
