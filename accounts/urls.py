from allauth.account import views as allauth_views
from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

login_view = auth_views.LoginView.as_view()
logout_view = auth_views.LogoutView.as_view()

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", login_view, name="login"),
    path("logout/", logout_view, name="logout"),
    # By mobile number, through django-allauth: only the views these flows need, under their
    # allauth names (allauth's own templates and views reverse them).
    path("phone/signup/", allauth_views.signup, name="account_signup"),
    path("phone/login/", allauth_views.request_login_code, name="account_request_login_code"),
    path(
        "phone/login/confirm/",
        allauth_views.confirm_login_code,
        name="account_confirm_login_code",
    ),
    path("phone/verify/", allauth_views.verify_phone, name="account_verify_phone"),
    path("phone/", allauth_views.change_phone, name="account_change_phone"),
    # Names allauth reverses for pages we already have (the first route of a path answers).
    path("login/", login_view, name="account_login"),
    path("logout/", logout_view, name="account_logout"),
    path("login/", login_view, name="account_inactive"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/", views.PasswordResetView.as_view(), name="account_reset_password"),
    path(
        "password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("profile/", views.profile, name="profile"),
    path("organisations/start/", views.organisation_start, name="organisation-start"),
    path("organisations/new/", views.organisation_create, name="organisation-create"),
    path(
        "organisations/new-for-enterprise/",
        views.enterprise_account_create,
        name="enterprise-account-create",
    ),
    path("organisations/join/", views.organisation_join, name="organisation-join"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path("organisations/<int:pk>/verify/", views.organisation_verify, name="organisation-verify"),
    path("memberships/<int:pk>/decide/", views.membership_decide, name="membership-decide"),
    path("regions/options/", views.region_options, name="region-options"),
]
