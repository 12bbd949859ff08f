"""Signals enrollment sends; apps above connect in their AppConfig.ready()."""

from django.dispatch import Signal

# sender=Enrollment; kwargs: enrollment, change (EnrollmentStatusChange)
enrollment_status_changed = Signal()
# sender=Order; kwargs: order
order_placed = Signal()
