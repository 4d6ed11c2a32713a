from django.urls import path

from . import user_views, views

app_name = "staff"
urlpatterns = [
    path("", views.home, name="home"),
    path("items/", views.items, name="items"),
    path("items/new/", views.item_new, name="item_new"),
    path("items/import/", views.item_import, name="item_import"),
    path("items/<str:item_id>/", views.item_detail, name="item"),
    path("items/<str:item_id>/retire/", views.item_retire, name="item_retire"),
    path("bookings/", views.bookings, name="bookings"),
    path("bookings/new/", views.booking_new, name="booking_new"),
    path("bookings/<str:reservation_id>/", views.booking, name="booking"),
    path("bookings/<str:reservation_id>/check-out/", views.booking_check_out, name="check_out"),
    path("bookings/<str:reservation_id>/check-in/", views.booking_check_in, name="check_in"),
    path("bookings/<str:reservation_id>/cancel/", views.booking_cancel, name="cancel"),
    path("bookings/<str:reservation_id>/override/", views.booking_override, name="override"),
    path("overdue/", views.overdue, name="overdue"),
    path("grid/", views.grid, name="grid"),
    path("export/", views.export, name="export"),
    path("users/", user_views.users, name="users"),
    path("users/<str:user_id>/", user_views.user_detail, name="user"),
    path("users/<str:user_id>/role/", user_views.user_action, {"action": "role"}, name="user_role"),
    path("users/<str:user_id>/deactivate/", user_views.user_action, {"action": "deactivate"}, name="user_deactivate"),
    path("users/<str:user_id>/reactivate/", user_views.user_action, {"action": "reactivate"}, name="user_reactivate"),
    path("users/<str:user_id>/set-password-link/", user_views.user_action, {"action": "link"}, name="user_link"),
]
