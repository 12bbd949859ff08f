from django.urls import path

from rebates import views

app_name = "rebates"

urlpatterns = [
    path("", views.peak_savings, name="peak_savings"),
    path("events/<int:event_id>/", views.peak_event_detail, name="event_detail"),
    path("join/", views.opt_in, name="opt_in"),
    path("calendar.ics", views.calendar_feed, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed_token, name="calendar_token"),
]
