from django.urls import path

from . import calendar_views, schedule_views, views

app_name = "web"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("items/<str:item_id>/", views.item_detail, name="item"),
    path("items/<str:item_id>/book/", views.book, name="book"),
    path("schedule/", schedule_views.schedule, name="schedule"),
    path("bookings/", views.my_bookings, name="my_bookings"),
    path("bookings/<str:reservation_id>/", views.booking, name="booking"),
    path("bookings/<str:reservation_id>/calendar.ics", calendar_views.booking_ics, name="booking_ics"),
    path("bookings/<str:reservation_id>/prolong/", views.prolong, name="prolong"),
    path("bookings/<str:reservation_id>/cancel/", views.cancel, name="cancel"),
    path("calendar/<str:token>.ics", calendar_views.feed, name="calendar_feed"),
]
