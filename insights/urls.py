from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("homes/<int:customer_pk>/", views.dashboard, name="dashboard"),
    path("homes/<int:customer_pk>/smart-meter/<str:fuel>/", views.smart_meter, name="smart-meter"),
    path("homes/<int:customer_pk>/data/<slug:key>.csv", views.chart_csv, name="csv"),
]
