from django.urls import path

from . import catalogue_views, csv_views, desk_views, overdue_views, report_views, retire_views, user_views

app_name = "staff"
urlpatterns = [
    path("", report_views.home, name="home"),
    path("items/", catalogue_views.items, name="items"),
    path("items/new/", catalogue_views.item_new, name="item_new"),
    path("items/import/", catalogue_views.item_import, name="item_import"),
    path("items/import/template.csv", csv_views.import_template, name="item_import_template"),
    path("items/<str:item_id>/", catalogue_views.item_detail, name="item"),
    path("items/<str:item_id>/retire/", catalogue_views.item_retire, name="item_retire"),
    path("items/<str:item_id>/retire/confirm/", retire_views.item_retire, name="item_retire_confirm"),
    path("bookings/", desk_views.bookings, name="bookings"),
    path("bookings/new/", desk_views.booking_new, name="booking_new"),
    path("bookings/<str:reservation_id>/", desk_views.booking, name="booking"),
    path("bookings/<str:reservation_id>/check-out/", desk_views.booking_check_out, name="check_out"),
    path("bookings/<str:reservation_id>/check-in/", desk_views.booking_check_in, name="check_in"),
    path("bookings/<str:reservation_id>/cancel/", desk_views.booking_cancel, name="cancel"),
    path("bookings/<str:reservation_id>/override/", desk_views.booking_override, name="override"),
    path("overdue/", desk_views.overdue, name="overdue"),
    path("overdue/<str:reservation_id>/check-in/", overdue_views.overdue_check_in, name="overdue_check_in"),
    path("overdue/<str:reservation_id>/remind/", overdue_views.overdue_remind, name="overdue_remind"),
    path("grid/", report_views.grid, name="grid"),
    path("export/", csv_views.export, name="export"),
    path("users/", user_views.users, name="users"),
    path("users/<str:user_id>/", user_views.user_detail, name="user"),
    path("users/<str:user_id>/role/", user_views.user_action, {"action": "role"}, name="user_role"),
    path("users/<str:user_id>/deactivate/", user_views.user_action, {"action": "deactivate"}, name="user_deactivate"),
    path("users/<str:user_id>/reactivate/", user_views.user_action, {"action": "reactivate"}, name="user_reactivate"),
    path("users/<str:user_id>/set-password-link/", user_views.user_action, {"action": "link"}, name="user_link"),
    path("users/<str:user_id>/invite/", user_views.user_action, {"action": "invite"}, name="user_invite"),
]
