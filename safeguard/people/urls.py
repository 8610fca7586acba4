from django.urls import path

from safeguard.people import views

app_name = "people"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/two-factor/", views.verify, name="verify"),
    path("sign-in/recovery-code/", views.verify_recovery, name="verify_recovery"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("account/", views.account, name="account"),
    path("account/password/", views.change_password, name="change_password"),
    path("account/two-factor/set-up/", views.enrol, name="enrol"),
    path("account/two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
]
