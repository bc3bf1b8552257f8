"""Fast, isolated settings for the test suite."""

from config.settings.base import *

DEBUG = False
SECRET_KEY = "xaso-tests-only"  # noqa: S105
# SQLite in memory unless DATABASE_URL names another database (PostgreSQL in CI).
if not env.str("DATABASE_URL", default=""):
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LANGUAGE_CODE = "vi"
# Serve static files from the apps directly (no collectstatic in tests).
WHITENOISE_AUTOREFRESH = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
XASO_SMS_BACKEND = "xaso.notifications.backends.MemorySmsBackend"
# SoftHSM reads its configuration when the process first loads it: a page listing tokens
# before the test tokens exist would bind it to the wrong one (tests turn it on).
XASO_PKCS11_LIST_TOKENS = False
