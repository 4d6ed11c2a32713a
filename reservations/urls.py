from django.conf import settings
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import include, path

urlpatterns = [
    path("accounts/", include("reservations.accounts.urls")),
    path("staff/", include("reservations.staff.urls")),
    path("", include("reservations.web.urls")),
]

if settings.DEBUG:
    urlpatterns += staticfiles_urlpatterns()
