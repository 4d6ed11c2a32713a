"""Role checks for staff pages, on the server, for every request.

Anonymous → the sign-in page (with ?next=); signed in without the role → a 403 page. The
staff API (reservations.api.http.route with role=...) answers 401 and 403 instead, checking
the same properties (`user.is_staff`, `user.is_admin`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

View = Callable[..., HttpResponse]


def _role_required(check: Callable[[Any], bool], needed: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (user.is_active and check(user)):
                return render(request, "staff/403.html", {"needed": needed}, status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = _role_required(lambda user: bool(getattr(user, "is_staff", False)), "staff")
admin_required = _role_required(lambda user: bool(getattr(user, "is_admin", False)), "admin")
