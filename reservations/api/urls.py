from django.urls import path, re_path

from . import views
from .http import not_found_view

app_name = "api"
urlpatterns = [
    path("api/docs", views.docs, name="docs"),
    path("api/v1/openapi.json", views.openapi_document, name="openapi"),
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
    re_path(r"^api(?:/.*)?$", not_found_view),
]
