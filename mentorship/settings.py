"""Django settings for Mentorship, read from environment variables (see README, "Configuration")."""

from __future__ import annotations

from pathlib import Path

from mentorship.config import (
    ConfigError,
    database_from_env,
    email_from_env,
    env_bool,
    env_int,
    env_list,
    env_required,
    env_str,
    env_time_zone,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("MENTORSHIP_VAR_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DJANGO_DEBUG", default=True)
PRODUCTION = not DEBUG

if PRODUCTION:
    SECRET_KEY = env_required("DJANGO_SECRET_KEY", "when DJANGO_DEBUG=0 (production)")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ConfigError("DJANGO_SECRET_KEY", "must be at least 50 random characters in production")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ConfigError("DJANGO_ALLOWED_HOSTS", "must list the host names served, e.g. mentor.example.com")
else:
    # Development only: a fixed key keeps sessions valid across restarts of `make run`.
    SECRET_KEY = env_str("DJANGO_SECRET_KEY") or "dev-only-key-never-used-in-production-6f1c2b9e0d7a4c3b"
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", schemes={"http", "https"}).rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The Django admin for operators (active superusers), signed in through allauth: see accounts/operators.py.
    "mentorship.accounts.operators.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "mentorship.accounts",
    "mentorship.notifications",
    "programs",
    "relationships",
    "meetings",
    "matching",
    "insights",
    # The project package itself, last: it composes the apps (demo data, the reminder benchmark).
    "mentorship",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signed-in pages are private and never stored by browsers or proxies (issue 12).
    "mentorship.common.caching.PrivateNoStoreMiddleware",
    "mentorship.accounts.middleware.UserTimeZoneMiddleware",
    "mentorship.notifications.middleware.AuditMiddleware",
    "mentorship.notifications.middleware.BellFreshnessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "mentorship.accounts.mfa.AdminTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

if PRODUCTION:
    # Gunicorn serves the collected, compressed static files itself; runserver keeps Django's own serving.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "mentorship.urls"
WSGI_APPLICATION = "mentorship.wsgi.application"
ASGI_APPLICATION = "mentorship.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mentorship.accounts.context_processors.navigation",
                "mentorship.notifications.context_processors.notices",
            ],
        },
    },
]

DATABASES = {"default": database_from_env(f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    env_url("REDIS_URL", REDIS_URL, schemes={"redis", "rediss"})
    CACHES = {
        "default": {
            # Redis's own cache backend, except that an unreachable Redis is a cache miss, not an error page.
            "BACKEND": "mentorship.common.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that stopped answering costs each page a second at most, not the system's TCP timeouts.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Accounts -------------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "mentorship.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "mentorship.accounts.adapters.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "mentorship.accounts.forms.SignupDetailsForm"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ALLOW_SIGNUP = env_bool("ACCOUNT_ALLOW_SIGNUP", default=True)
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory" if PRODUCTION else "optional")
if ACCOUNT_EMAIL_VERIFICATION not in {"mandatory", "optional", "none"}:
    raise ConfigError("ACCOUNT_EMAIL_VERIFICATION", "expected mandatory, optional or none")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mentorship] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# allauth's rate limits (logins, failed logins, signups, resets, confirmations) stay at their defaults,
# which are on; ACCOUNT_RATE_LIMITS must never be set to False here.

SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_LOGIN_ON_GET = False
OIDC_SERVER_URL = env_str("OIDC_SERVER_URL")
_OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID")
if OIDC_SERVER_URL or _OIDC_CLIENT_ID:
    env_url("OIDC_SERVER_URL", OIDC_SERVER_URL, schemes={"https", "http"})
    SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": env_str("OIDC_PROVIDER_ID", "sso"),
                    "name": env_str("OIDC_NAME", "Company single sign-on"),
                    "client_id": env_required("OIDC_CLIENT_ID", "when OIDC_SERVER_URL is set"),
                    "secret": env_required("OIDC_CLIENT_SECRET", "when OIDC_SERVER_URL is set"),
                    "settings": {"server_url": OIDC_SERVER_URL},
                }
            ],
        }
    }
else:
    SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Program administrators and operators must set up two-factor sign-in (or use single sign-on) before any
# management page answers (see mentorship/accounts/mfa.py). On by default in production.
MFA_REQUIRED_FOR_ADMINS = env_bool("MFA_REQUIRED_FOR_ADMINS", default=PRODUCTION)
# Behind a reverse proxy, how many proxies' X-Forwarded-For entries to trust: the client's address then feeds the
# sign-in rate limits and the audit log. 0 (the default) uses the connecting address.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("ALLAUTH_TRUSTED_PROXY_COUNT", 0, minimum=0)
# Changing the email address asks for the password again (allauth asks for it before two-factor changes too).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Mentorship")

# Notifications ------------------------------------------------------------------------------------------
NOTIFICATIONS_AGREEMENT_PENDING_DAYS = env_int("NOTIFICATIONS_AGREEMENT_PENDING_DAYS", 3, minimum=1)
# After "mail server unreachable" the waiting emails are tried again this many seconds later (with jitter).
NOTIFICATIONS_SMTP_DOWN_RETRY_SECONDS = env_int("NOTIFICATIONS_SMTP_DOWN_RETRY_SECONDS", 60, minimum=1)

# Forms and front end --------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
MESSAGE_TAGS = {40: "danger"}

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

LANGUAGE_CODE = "en"
TIME_ZONE = env_time_zone("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# Email ----------------------------------------------------------------------------------------------------
_email = email_from_env("console://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
if _email.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Mentorship <mentorship@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery ---------------------------------------------------------------------------------------------------
# With REDIS_URL, Redis is the broker. Without it, kombu's filesystem transport lets `make run` start a real
# worker and beat with no server installed; the folders live under var/.
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # max_retries 0: a web request that publishes while Redis is away fails in milliseconds instead of
    # sleeping through kombu's reconnect attempts; the outbox row waits and the next scan hands it over.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "max_retries": 0}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        # Exchange tables; kombu would otherwise write them to ./control in whatever directory a process starts.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request must not hang when the broker is away: publishing gives up quickly, the outbox keeps the work.
CELERY_BROKER_CONNECTION_TIMEOUT = 1.5
CELERY_BROKER_CONNECTION_MAX_RETRIES = 0
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Security -------------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
    # Behind a TLS-terminating proxy the app sees plain HTTP; the proxy's header says what the client used.
    _proxy_header = env_str("DJANGO_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO")
    SECURE_PROXY_SSL_HEADER = (_proxy_header, "https") if _proxy_header else None
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Logging --------------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}},
}
