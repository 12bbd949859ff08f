from django.urls import path

from enrollment import views

app_name = "enrollment"

urlpatterns = [
    path("cart/", views.cart_detail, name="cart"),
    path("cart/add/", views.cart_add_view, name="cart-add"),
    path("cart/lines/<int:line_id>/remove/", views.cart_line_remove_view, name="cart-line-remove"),
    path("checkout/", views.checkout, name="checkout"),
    path("my-programs/", views.order_list, name="order-list"),
    path("my-programs/orders/<str:number>/", views.order_detail, name="order-detail"),
    path(
        "my-programs/enrollments/<int:pk>/leave/",
        views.enrollment_leave_view,
        name="enrollment-leave",
    ),
]
