from django.contrib import admin
from django.urls import include, path

from meetings import views as meetings_views
from mentorship import home
from mentorship.accounts import views as account_views

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", account_views.healthz, name="healthz"),
    path("favicon.ico", account_views.favicon, name="favicon"),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("mentorship.accounts.urls")),
    # Matching first: "proposals/" would otherwise be read as a program's slug.
    path("programs/", include("matching.urls")),
    # Insights (HR dashboards, the at-risk list, exports) sits under /programs/ too, beside the pages it reads.
    path("programs/", include("insights.urls")),
    path("programs/", include("programs.urls")),
    path("relationships/", include("relationships.urls")),
    path("meetings/", include("meetings.urls")),
    path("notifications/", include("mentorship.notifications.urls")),
    path("calendar/<str:token>.ics", meetings_views.feed, name="calendar_feed"),
    # Operators' pages (superusers): every management page sits under a /manage/ segment (see accounts.mfa).
    path("manage/audit/", include("mentorship.notifications.urls_audit")),
    path("", include("mentorship.privacy.urls")),
    path("admin/", admin.site.urls),
]
