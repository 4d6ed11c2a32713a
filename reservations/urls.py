from django.conf import settings
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import include, path

handler404 = "reservations.errorpages.not_found"
handler403 = "reservations.errorpages.forbidden"
handler500 = "reservations.middleware.server_error"

urlpatterns = [
    path("", include("reservations.api.urls")),
    path("accounts/", include("reservations.accounts.urls")),
    path("staff/", include("reservations.staff.urls")),
    path("", include("reservations.labels.urls")),
    path("", include("reservations.web.urls")),
]

if settings.DEBUG:
    urlpatterns += staticfiles_urlpatterns()
