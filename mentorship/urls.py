from django.contrib import admin
from django.urls import include, path

from meetings import views as meetings_views
from mentorship import home
from mentorship.accounts import views as account_views
from mentorship.common.caching import private_no_store

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", account_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("mentorship.accounts.urls")),
    # Matching first: "proposals/" would otherwise be read as a program's slug.
    path("programs/", include("matching.urls")),
    path("programs/", include("programs.urls")),
    path("relationships/", include("relationships.urls")),
    path("meetings/", include("meetings.urls")),
    path("notifications/", include("mentorship.notifications.urls")),
    # The feed is personal but fetched without a session (the token is the key): never cached.
    path("calendar/<str:token>.ics", private_no_store(meetings_views.feed), name="calendar_feed"),
    path("admin/", admin.site.urls),
]
