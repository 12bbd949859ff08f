from django.urls import path

from segments import views

app_name = "segments"

urlpatterns = [
    path("", views.home_profile, name="home-profile"),
]
