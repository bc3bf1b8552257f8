"""Settings shared by every environment; every value comes from the environment.

The defaults make `make run` work on a fresh machine: SQLite and files on disk.
"""

from datetime import timedelta
from pathlib import Path

import django_stubs_ext
import environ
from django.utils.translation import gettext_lazy as _

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# A development-only default; production.py refuses to start without a real one.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="xaso-insecure-development-key-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# True on a real deployment: demo data is refused, security settings are enforced.
XASO_PRODUCTION = env.bool("XASO_PRODUCTION", default=False)

INSTALLED_APPS = [
    # The Django admin with django-otp's site: it asks for the TOTP code too.
    "config.admin_config.OTPAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # Listed so the API docs use its bundled Swagger UI, not a CDN.
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "xaso.core",
    "xaso.applicants",
    "xaso.dossiers",
    "xaso.civil_registry",
    "xaso.documents",
    "xaso.work_calendar",
    "xaso.signatures",
    "xaso.interop",
    "xaso.portal",
    "xaso.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xaso.core.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "xaso.core.middleware.RequestContextMiddleware",
    "xaso.core.middleware_2fa.TwoFactorEnforcementMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xaso.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'xaso.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default lives in var/, which a fresh clone does not have yet.
    if str(DATABASES["default"]["NAME"]).startswith(str(VAR_DIR)):
        VAR_DIR.mkdir(exist_ok=True)
    # Take the write lock at BEGIN so concurrent writers wait instead of failing with
    # "database is locked" (Django >= 5.1), and let readers run beside one writer (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("XASO_DB_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out accounts and addresses before the password check.
    "axes.backends.AxesStandaloneBackend",
    "xaso.core.auth_backends.PositionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Sessions end after a period without activity and when the browser closes.
SESSION_COOKIE_AGE = env.int("XASO_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lockout after repeated failures, per account and, separately, per address.
AXES_FAILURE_LIMIT = env.int("XASO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("XASO_LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "xaso.core.views.auth.lockout_response"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_VERBOSE = False

# TOTP two-factor: staff may enrol; administrators must when this is on.
XASO_REQUIRE_2FA_FOR_ADMINS = env.bool("XASO_REQUIRE_2FA_FOR_ADMINS", default=False)
OTP_TOTP_ISSUER = "XãSố"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("Tiếng Anh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("XASO_STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS: list[Path] = []
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("XASO_MEDIA_ROOT", default=VAR_DIR / "media")

# Files on disk by default; S3-compatible storage when XASO_USE_S3 is on (production.py).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

EMAIL_CONFIG = env.email_url("XASO_EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("XASO_DEFAULT_FROM_EMAIL", default="XãSố <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Shared cache: the public lookup's per-address rate limit. Files in var/cache by default
# (shared by every process of one machine); several machines need a shared one, e.g.
# `dbcache://xaso_cache` after `manage.py createcachetable`, or a Redis URL.
CACHES = {
    "default": env.cache_url("XASO_CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}"),
}

# SMS to applicants (xaso/notifications/backends.py): console or file in development,
# the HTTP gateway adapter in production.
XASO_SMS_BACKEND = env.str(
    "XASO_SMS_BACKEND", default="xaso.notifications.backends.ConsoleSmsBackend"
)
XASO_SMS_FILE_PATH = env.path("XASO_SMS_FILE_PATH", default=VAR_DIR / "sms.jsonl")
XASO_SMS_GATEWAY_URL = env.str("XASO_SMS_GATEWAY_URL", default="")
XASO_SMS_GATEWAY_TOKEN = env.str("XASO_SMS_GATEWAY_TOKEN", default="")
XASO_SMS_SENDER = env.str("XASO_SMS_SENDER", default="XASO")
XASO_SMS_STRIP_DIACRITICS = env.bool("XASO_SMS_STRIP_DIACRITICS", default=True)

# Durable background jobs stored in the database (docs/adr/0002-background-jobs.md).
TASKS = {
    "default": {
        "BACKEND": env.str("XASO_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("XASO_LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# One-stop desk (docs: shared/domain/onestop.md). Defaults follow ND 61/2018 where the
# 2025 texts were not reviewed; each is a setting so a unit can follow the newer rule.
XASO_DOSSIER_FIRST_DAY_IS_RECEIPT_DAY = env.bool(
    "XASO_DOSSIER_FIRST_DAY_IS_RECEIPT_DAY", default=False
)
XASO_MAX_EXTENSIONS = env.int("XASO_MAX_EXTENSIONS", default=1)
XASO_SUPPLEMENT_WINDOW_DAYS = env.int("XASO_SUPPLEMENT_WINDOW_DAYS", default=3)
XASO_UPLOAD_MAX_BYTES = env.int("XASO_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# Public address of this deployment, printed in receipt QR codes.
XASO_PUBLIC_BASE_URL = env.str("XASO_PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
# Public dossier lookup and rating (no login): attempts per client address per window.
XASO_LOOKUP_RATE_LIMIT = env.int("XASO_LOOKUP_RATE_LIMIT", default=20)
XASO_LOOKUP_RATE_WINDOW_SECONDS = env.int("XASO_LOOKUP_RATE_WINDOW_SECONDS", default=600)
# Work calendar TV screen: seconds between data reloads (the page's JavaScript); smart-TV
# browsers without JavaScript reload the whole page after XASO_TV_FULL_RELOAD_SECONDS.
XASO_TV_REFRESH_SECONDS = env.int("XASO_TV_REFRESH_SECONDS", default=60)
XASO_TV_FULL_RELOAD_SECONDS = env.int("XASO_TV_FULL_RELOAD_SECONDS", default=300)

# Civil registry: catalog codes of the "thay đổi, cải chính, bổ sung thông tin hộ tịch"
# procedure, whose national code is Unknown (shared/domain/procedures.md), comma-separated.
XASO_CIVIL_CORRECTION_PROCEDURE_CODES = env.list(
    "XASO_CIVIL_CORRECTION_PROCEDURE_CODES", default=[]
)
# Digital signatures (xaso/signatures; ND 30/2020 PL I). RFC 3161 time-stamping authority:
# empty = sign without a timestamp (works offline).
XASO_TSA_URL = env.str("XASO_TSA_URL", default="")
XASO_TSA_TIMEOUT_SECONDS = env.int("XASO_TSA_TIMEOUT_SECONDS", default=10)
# PKCS#11 module of the USB tokens (the CA's driver); SoftHSM2 for development and tests.
XASO_PKCS11_LIB = env.str("XASO_PKCS11_LIB", default="/usr/lib/softhsm/libsofthsm2.so")
# Signing forms list the tokens plugged into this machine (a laptop deployment); off where
# the tokens are never on the server.
XASO_PKCS11_LIST_TOKENS = env.bool("XASO_PKCS11_LIST_TOKENS", default=True)
XASO_SOFTHSM2_CONF = env.str(
    "XASO_SOFTHSM2_CONF", default=str(VAR_DIR / "softhsm" / "softhsm2.conf")
)
# Real size of the unit's seal in the organisation signature (mm); not given by ND 30.
XASO_SEAL_DIAMETER_MM = env.float("XASO_SEAL_DIAMETER_MM", default=36.0)
# Revocation (OCSP/CRL) is fetched when reachable; False = never go online when verifying.
XASO_SIGNATURE_FETCH_REVOCATION = env.bool("XASO_SIGNATURE_FETCH_REVOCATION", default=True)
# Largest PDF accepted by the verification pages and API (bytes).
XASO_VERIFY_MAX_BYTES = env.int("XASO_VERIFY_MAX_BYTES", default=20 * 1024 * 1024)

# Electronic exchange, edXML packages of QCVN 102:2016 (xaso/interop). Caps on packages
# received; an attachment cannot exceed ~7.1 MiB (libxml2 text limit without huge_tree).
XASO_EDXML_MAX_PACKAGE_BYTES = env.int("XASO_EDXML_MAX_PACKAGE_BYTES", default=40 * 1024 * 1024)
XASO_EDXML_MAX_ATTACHMENTS = env.int("XASO_EDXML_MAX_ATTACHMENTS", default=50)
XASO_EDXML_MAX_ATTACHMENT_BYTES = env.int(
    "XASO_EDXML_MAX_ATTACHMENT_BYTES", default=7 * 1024 * 1024
)
XASO_EDXML_MAX_DEPTH = env.int("XASO_EDXML_MAX_DEPTH", default=32)
# XML signature of packages sent; which algorithm the national platform expects is Unknown
# (documents.md §9.6). RSA-SHA1 of older packages is accepted on receipt while this is on.
XASO_EDXML_SIGNATURE_ALGORITHM = env.str("XASO_EDXML_SIGNATURE_ALGORITHM", default="rsa-sha256")
XASO_EDXML_ACCEPT_SHA1 = env.bool("XASO_EDXML_ACCEPT_SHA1", default=True)
# Outbox of packages to other agencies: HTTP timeout and attempts before giving up.
XASO_INTEROP_TIMEOUT_SECONDS = env.int("XASO_INTEROP_TIMEOUT_SECONDS", default=30)
XASO_INTEROP_MAX_ATTEMPTS = env.int("XASO_INTEROP_MAX_ATTEMPTS", default=10)
# Refuse packages received without an XML signature (many agencies do not sign yet).
XASO_INTEROP_REQUIRE_SIGNATURE = env.bool("XASO_INTEROP_REQUIRE_SIGNATURE", default=False)
# A signed package whose signer certificate does not chain to the unit's trust anchors:
# "flag" = register it and show "chưa xác thực được chuỗi chứng thư" with the signer's name
# (the signature itself is intact; the CA may simply not be imported yet), "refuse" =
# refuse it like a broken signature. A tampered package is always refused.
XASO_INTEROP_UNTRUSTED_SIGNATURE = env.str("XASO_INTEROP_UNTRUSTED_SIGNATURE", default="flag")
# Documents: OCR of scanned incoming documents with Tesseract's Vietnamese model
# (system packages tesseract-ocr, tesseract-ocr-vie, poppler-utils). Off by default.
XASO_OCR_ENABLED = env.bool("XASO_OCR_ENABLED", default=False)
# Documents: day 1 of a handling deadline in working days is the assignment day (True) or
# the next working day (False, as BLDS 2015 Đ147 counts).
XASO_DOCUMENT_FIRST_DAY_IS_ASSIGNMENT_DAY = env.bool(
    "XASO_DOCUMENT_FIRST_DAY_IS_ASSIGNMENT_DAY", default=False
)
