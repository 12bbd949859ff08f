from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.catalog_index, name="index"),
    path("bundles/<slug:slug>/", views.bundle_detail, name="bundle-detail"),
    path("<slug:slug>/", views.product_detail, name="product-detail"),
]
