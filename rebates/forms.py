from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rebates.baselines import BaselineParamError, method_choices, method_get, methods
from rebates.models import (
    CHANNEL_CHOICES,
    WEEKDAY_CHOICES,
    Participant,
    PeakEvent,
    PtrProgram,
    Track,
)
from rebates.scheduling import EventRequest, event_problems


class CommaSeparatedChoiceField(forms.MultipleChoiceField):
    """Checkboxes stored as a comma- (or nothing-) separated string."""

    def __init__(self, *, separator: str = ",", **kwargs):
        self.separator = separator
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, str):
            return [v for v in (value.split(self.separator) if self.separator else value) if v]
        return value

    def clean(self, value):
        chosen = super().clean(value)
        order = [key for key, _label in self.choices]
        return self.separator.join(sorted(chosen, key=order.index))


class TrackForm(forms.ModelForm):
    channels = CommaSeparatedChoiceField(choices=CHANNEL_CHOICES, required=False)

    class Meta:
        model = Track
        fields = [
            "name",
            "channels",
            "notify_day_before",
            "day_before_at",
            "notify_day_of",
            "day_of_at",
            "same_day_reminder",
            "reminder_minutes_before",
            "send_results",
            "post_event_content",
        ]


def _params_help() -> str:
    parts = []
    for name, method in methods().items():
        if method.params:
            defaults = ", ".join(f'"{p.name}": {p.default}' for p in method.params)
            parts.append(f"{name}: {{{defaults}}}")
        else:
            parts.append(f"{name}: {{}}")
    return "; ".join(parts)


class PtrProgramForm(forms.ModelForm):
    event_weekdays = CommaSeparatedChoiceField(
        choices=WEEKDAY_CHOICES, separator="", label=_("Days events may be called")
    )
    baseline_method = forms.ChoiceField(choices=method_choices, label=_("Baseline method"))
    baseline_params = forms.JSONField(
        required=False,
        label=_("Baseline parameters"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = PtrProgram
        fields = [
            "name",
            "code",
            "is_active",
            "description",
            "season_starts_on",
            "season_ends_on",
            "rebate_per_kwh",
            "enabling_technology_rebate_per_kwh",
            "earliest_start",
            "latest_end",
            "max_event_hours",
            "event_weekdays",
            "max_events_per_season",
            "baseline_method",
            "baseline_params",
            "baseline_lookback_days",
            "exclude_prior_event_days",
            "exclude_outage_days",
            "participation",
            "eligible_rate_codes",
            "default_track",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["baseline_params"].help_text = _(
            "JSON; blank for the defaults. Defaults: %(defaults)s"
        ) % {"defaults": _params_help()}

    def clean(self):
        data = super().clean()
        name = data.get("baseline_method")
        if name:
            try:
                data["baseline_params"] = method_get(name).params_clean(
                    data.get("baseline_params") or {}
                )
            except BaselineParamError as exc:
                self.add_error("baseline_params", str(exc))
        return data


class PeakEventScheduleForm(forms.ModelForm):
    """Staff call an event; every rule of rebates.scheduling shows by its field."""

    end_date = forms.DateField(
        required=False,
        label=_("Last day"),
        widget=AdminDateWidget,
        help_text=_("Leave blank for a one-day event; set it for consecutive peak days."),
    )
    zone = forms.ChoiceField(required=False, label=_("Zone"))

    class Meta:
        model = PeakEvent
        fields = [
            "program",
            "start_date",
            "end_date",
            "start_time",
            "end_time",
            "kind",
            "zone",
            "segment",
            "note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zones = (
            Participant.objects.exclude(zone="")
            .order_by("zone")
            .values_list("zone", flat=True)
            .distinct()
        )
        self.fields["zone"].choices = [("", _("All participants"))] + [(z, z) for z in zones]

    def clean(self):
        data = super().clean()
        needed = ("program", "start_date", "start_time", "end_time")
        if any(data.get(f) is None for f in needed) or self.errors:
            return data
        request = EventRequest(
            program=data["program"],
            start_date=data["start_date"],
            end_date=data.get("end_date") or data["start_date"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            zone=(data.get("zone") or "").strip(),
            segment=data.get("segment"),
        )
        for field, messages in event_problems(request, now=timezone.now()).items():
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, message)
        return data

    def _post_clean(self):
        # The model's own checks (instants, status) run in the service.
        pass


def validation_messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]
