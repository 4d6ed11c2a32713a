from django.urls import path

from . import views

app_name = "labels"
urlpatterns = [
    path("i/<str:item_id>", views.scan_view, name="scan"),  # short: the QR code stays small
]
