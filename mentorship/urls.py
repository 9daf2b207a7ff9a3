from django.contrib import admin
from django.urls import include, path

from mentorship.accounts import views as account_views

admin.site.site_header = "Mentorship administration"
admin.site.site_title = "Mentorship admin"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", account_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("mentorship.accounts.urls")),
    path("admin/", admin.site.urls),
]
