from django.urls import path

from . import recovery_views, views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("password/", views.password_change, name="password_change"),
    path("set-password/<str:user_id>/<str:token>/", views.set_password, name="set_password"),
    path("forgot-password/", recovery_views.forgot_password, name="forgot_password"),
    path("profile/", views.profile, name="profile"),
]
