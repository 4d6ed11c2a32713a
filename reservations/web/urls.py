from django.urls import path

from reservations.waitlist import pages as waitlist_pages

from . import basket_views, calendar_views, kind_views, schedule_views, series_views, views

app_name = "web"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("items/<str:item_id>/", views.item_detail, name="item"),
    path("items/<str:item_id>/book/", views.book, name="book"),
    path("items/<str:item_id>/repeat/", series_views.series_new, name="series_new"),
    path("series/<str:series_id>/", series_views.series, name="series"),
    path("series/<str:series_id>/cancel/", series_views.series_cancel, name="series_cancel"),
    path("schedule/", schedule_views.schedule, name="schedule"),
    path("bookings/", views.my_bookings, name="my_bookings"),
    path("bookings/<str:reservation_id>/", views.booking, name="booking"),
    path("bookings/<str:reservation_id>/calendar.ics", calendar_views.booking_ics, name="booking_ics"),
    path("bookings/<str:reservation_id>/prolong/", views.prolong, name="prolong"),
    path("bookings/<str:reservation_id>/cancel/", views.cancel, name="cancel"),
    path("bookings/<str:reservation_id>/confirm/", waitlist_pages.confirm, name="confirm_hold"),
    path("waitlist/", waitlist_pages.waitlist, name="waitlist"),
    path("waitlist/join/", waitlist_pages.join, name="waitlist_join"),
    path("waitlist/<str:entry_id>/leave/", waitlist_pages.leave, name="waitlist_leave"),
    path("basket/", basket_views.basket_new, name="basket_new"),
    path("basket/add/", basket_views.basket_add, name="basket_add"),
    path("basket/remove/", basket_views.basket_remove, name="basket_remove"),
    path("baskets/<str:basket_id>/", basket_views.basket, name="basket"),
    path("baskets/<str:basket_id>/prolong/", basket_views.basket_prolong, name="basket_prolong"),
    path("baskets/<str:basket_id>/cancel/", basket_views.basket_cancel, name="basket_cancel"),
    path("kits/", basket_views.kit_list, name="kits"),
    path("kits/<str:kit_id>/", basket_views.kit_detail, name="kit"),
    path("kinds/", kind_views.kind_list, name="kinds"),
    path("kinds/<str:kind_id>/", kind_views.kind_detail, name="kind"),
    path("calendar/<str:token>.ics", calendar_views.feed, name="calendar_feed"),
]
