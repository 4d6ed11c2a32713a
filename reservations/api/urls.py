from django.urls import path, re_path

from . import baskets, docs, kinds, series, staff_baskets, staff_bookings, staff_items, staff_kinds, staff_users, views
from .http import not_found_view

app_name = "api"
urlpatterns = [
    path("api/docs", docs.docs, name="docs"),
    path("api/v1/openapi.json", docs.openapi_document, name="openapi"),
    path("api/v1/auth/tokens", views.tokens, name="tokens"),
    path("api/v1/auth/tokens/<str:token_id>", views.token_detail, name="token"),
    path("api/v1/items", views.items, name="items"),
    path("api/v1/items/<str:item_id>", views.item, name="item"),
    path("api/v1/items/<str:item_id>/schedule", views.schedule, name="item_schedule"),
    path("api/v1/reservations", views.reservations, name="reservations"),
    path("api/v1/reservations/<str:reservation_id>", views.reservation, name="reservation"),
    path(
        "api/v1/reservations/<str:reservation_id>/prolong-options",
        views.reservation_prolong_options,
        name="reservation_prolong_options",
    ),
    path("api/v1/reservations/<str:reservation_id>/prolong", views.reservation_prolong, name="reservation_prolong"),
    path("api/v1/reservations/<str:reservation_id>/cancel", views.reservation_cancel, name="reservation_cancel"),
    path("api/v1/series", series.series_list, name="series_list"),
    path("api/v1/series/preview", series.series_preview_route, name="series_preview"),
    path("api/v1/series/<str:series_id>", series.series_detail, name="series"),
    path("api/v1/series/<str:series_id>/cancel", series.series_cancel, name="series_cancel"),
    path("api/v1/baskets", baskets.baskets, name="baskets"),
    path("api/v1/baskets/<str:basket_id>", baskets.basket, name="basket"),
    path("api/v1/baskets/<str:basket_id>/prolong", baskets.basket_prolong, name="basket_prolong"),
    path("api/v1/baskets/<str:basket_id>/cancel", baskets.basket_cancel, name="basket_cancel"),
    path("api/v1/kinds", kinds.kinds, name="kinds"),
    path("api/v1/kinds/<str:kind_id>", kinds.kind, name="kind"),
    path("api/v1/kinds/<str:kind_id>/bookings", kinds.kind_bookings, name="kind_bookings"),
    path("api/v1/kits", baskets.kit_list, name="kits"),
    path("api/v1/kits/<str:kit_id>/bookings", baskets.kit_bookings, name="kit_bookings"),
    path("api/v1/staff/baskets", staff_baskets.baskets, name="staff_baskets"),
    path("api/v1/staff/baskets/<str:basket_id>", staff_baskets.basket, name="staff_basket"),
    path(
        "api/v1/staff/baskets/<str:basket_id>/check-out", staff_baskets.basket_check_out, name="staff_basket_check_out"
    ),
    path("api/v1/staff/baskets/<str:basket_id>/check-in", staff_baskets.basket_check_in, name="staff_basket_check_in"),
    path("api/v1/staff/baskets/<str:basket_id>/cancel", staff_baskets.basket_cancel, name="staff_basket_cancel"),
    path("api/v1/staff/kits", baskets.staff_kits, name="staff_kits"),
    path("api/v1/staff/kits/<str:kit_id>", baskets.staff_kit, name="staff_kit"),
    path("api/v1/staff/kinds", staff_kinds.kinds, name="staff_kinds"),
    path("api/v1/staff/kinds/<str:kind_id>", staff_kinds.kind, name="staff_kind"),
    path("api/v1/staff/kinds/<str:kind_id>/units", staff_kinds.kind_units, name="staff_kind_units"),
    path(
        "api/v1/staff/kinds/<str:kind_id>/units/<str:unit_id>/remove",
        staff_kinds.kind_unit_remove,
        name="staff_kind_unit_remove",
    ),
    path("api/v1/staff/reservations/<str:reservation_id>/swap", staff_kinds.reservation_swap, name="staff_swap"),
    path("api/v1/staff/items", staff_items.items, name="staff_items"),
    path("api/v1/staff/items/<str:item_id>", staff_items.item, name="staff_item"),
    path("api/v1/staff/items/<str:item_id>/retire", staff_items.item_retire, name="staff_item_retire"),
    path("api/v1/staff/reservations", staff_bookings.reservations, name="staff_reservations"),
    path("api/v1/staff/overdue", staff_bookings.overdue_list, name="staff_overdue"),
    path("api/v1/staff/reservations/<str:reservation_id>", staff_bookings.reservation, name="staff_reservation"),
    path(
        "api/v1/staff/reservations/<str:reservation_id>/check-out",
        staff_bookings.reservation_check_out,
        name="staff_check_out",
    ),
    path(
        "api/v1/staff/reservations/<str:reservation_id>/check-in",
        staff_bookings.reservation_check_in,
        name="staff_check_in",
    ),
    path(
        "api/v1/staff/reservations/<str:reservation_id>/cancel", staff_bookings.reservation_cancel, name="staff_cancel"
    ),
    path(
        "api/v1/staff/reservations/<str:reservation_id>/override",
        staff_bookings.reservation_override,
        name="staff_override",
    ),
    path("api/v1/staff/audit/<str:kind>/<str:entity_id>", staff_bookings.audit_trail, name="staff_audit"),
    path("api/v1/staff/users", staff_users.users, name="staff_users"),
    path("api/v1/staff/users/<str:user_id>/role", staff_users.user_role, name="staff_user_role"),
    path("api/v1/staff/users/<str:user_id>/deactivate", staff_users.user_deactivate, name="staff_user_deactivate"),
    path("api/v1/staff/users/<str:user_id>/reactivate", staff_users.user_reactivate, name="staff_user_reactivate"),
    re_path(r"^api(?:/.*)?$", not_found_view),
]
