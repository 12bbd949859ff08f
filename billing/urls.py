from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("", views.homes, name="homes"),
    path("link/", views.claim, name="claim"),
    path("switch/", views.switch, name="switch"),
    path("<int:customer_pk>/household/", views.household, name="household"),
    path(
        "<int:customer_pk>/household/invitations/<int:invitation_pk>/cancel/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path(
        "<int:customer_pk>/household/members/<int:access_pk>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path("join/<str:token>/", views.join, name="join"),
]
