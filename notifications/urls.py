from django.urls import path

from notifications import views, webhooks

app_name = "notifications"

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/contacts/<str:channel>/add/", views.contact_add, name="contact-add"),
    path("preferences/contacts/<int:pk>/remove/", views.contact_remove, name="contact-remove"),
    path(
        "preferences/contacts/<int:pk>/resend/",
        views.sms_confirmation_resend,
        name="sms-confirmation-resend",
    ),
    path("preferences/opt-out/<str:channel>/", views.channel_opt_out, name="channel-opt-out"),
    path("push/subscribe/", views.push_subscribe, name="push-subscribe"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("webhooks/twilio/sms/", webhooks.twilio_sms_inbound, name="twilio-sms"),
    path("webhooks/twilio/status/", webhooks.twilio_status, name="twilio-status"),
    path(
        "webhooks/twilio/voice/<uuid:message_uuid>/keypress/",
        webhooks.twilio_voice_keypress,
        name="twilio-voice-keypress",
    ),
    path("webhooks/email/", webhooks.email_receipt, name="email-receipt"),
]
