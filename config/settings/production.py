"""Production: only what differs from base. Every value comes from the environment."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *

DEBUG = False
XASO_PRODUCTION = True
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
if SECRET_KEY.startswith("xaso-insecure") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a random string of 50+ characters.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

if env.bool("XASO_USE_S3", default=False):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("XASO_S3_BUCKET"),
            "endpoint_url": env.str("XASO_S3_ENDPOINT_URL", default=None),
            "access_key": env.str("XASO_S3_ACCESS_KEY_ID"),
            "secret_key": env.str("XASO_S3_SECRET_ACCESS_KEY"),
            "region_name": env.str("XASO_S3_REGION", default=None),
            "default_acl": None,
            "querystring_auth": True,
        },
    }

# Behind a reverse proxy, axes must see the client address, not the proxy's.
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list(
    "XASO_CLIENT_IP_HEADERS", default=["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
)
AXES_IPWARE_PROXY_COUNT = env.int("XASO_PROXY_COUNT", default=1)
