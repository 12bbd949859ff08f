from django.contrib.sitemaps.views import sitemap
from django.urls import path

from content import views
from content.sitemaps import SITEMAPS

app_name = "content"

urlpatterns = [
    path("help/", views.help_centre, name="help"),
    path("help/questions/<int:pk>/feedback/", views.faq_feedback, name="faq-feedback"),
    path("help/<slug:slug>/", views.faq_category, name="faq-category"),
    path("pages/<slug:slug>/", views.page_detail, name="page"),
    path("contact/", views.contact, name="contact"),
    path("contact/sent/<str:number>/", views.contact_sent, name="contact-sent"),
    path("contact/requests/", views.request_list, name="request-list"),
    path("contact/requests/<str:number>/", views.request_detail, name="request-detail"),
    path("sitemap/", views.site_map, name="sitemap"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap-xml"),
]
