from django.contrib import admin

from promotions.models import Promotion


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    list_display = ["name", "slot", "headline", "segment", "product", "priority", "publish_at"]
    list_filter = ["slot", "segment", "audience"]
    search_fields = ["name", "headline"]
    list_select_related = ["segment", "product"]
    autocomplete_fields = ["product"]
    filter_horizontal = ["shown_with"]
