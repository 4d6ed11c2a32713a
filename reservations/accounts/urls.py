from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("password/", views.password_change, name="password_change"),
    path("set-password/<str:user_id>/<str:token>/", views.set_password, name="set_password"),
    path("profile/", views.profile, name="profile"),
]
