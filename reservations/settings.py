"""One settings module: every value comes from the environment, with safe local defaults.

`APP_ENV=production` (set by zappa_settings.json) switches on the production guards:
the process refuses to start with DEBUG on, the default SECRET_KEY or no ALLOWED_HOSTS.
In AWS, SECRET_KEY comes from SSM Parameter Store (SECRET_KEY_PARAMETER names the parameter).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in env(name, default).split(",") if part.strip()]


APP_ENV = env("APP_ENV", "local")
AWS_REGION = env("AWS_REGION", env("AWS_DEFAULT_REGION", "eu-west-1"))
PRODUCTION = APP_ENV == "production"


def secret_from_ssm(name: str, region: str) -> str:
    """The value of the SSM parameter `name`, decrypted: one GetParameter, at cold start (settings
    load once per process, so it is read once per process).

    One request signed with botocore's SigV4 signer, not an SSM client: the client would load SSM's
    service model (and a second botocore session), tens of ms of every cold start for this one call.
    AWS_ENDPOINT_URL_SSM / AWS_ENDPOINT_URL are honoured as botocore does. Up to 3 attempts on a
    connection error, a 5xx or throttling; anything else refuses to start, naming the parameter.
    """
    import json
    import time

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import EnvProvider
    from botocore.exceptions import BotoCoreError
    from botocore.httpsession import URLLib3Session
    from botocore.session import Session

    endpoint = env("AWS_ENDPOINT_URL_SSM") or env("AWS_ENDPOINT_URL") or f"https://ssm.{region}.amazonaws.com"
    body = json.dumps({"Name": name, "WithDecryption": True})
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonSSM.GetParameter"}
    # Lambda puts the role's credentials in the environment; a botocore session costs ~8 ms more.
    credentials, problem = EnvProvider().load() or Session().get_credentials(), "no AWS credentials"
    for attempt in range(3 if credentials else 0):
        request = AWSRequest(method="POST", url=endpoint.rstrip("/") + "/", data=body, headers=headers)
        SigV4Auth(credentials.get_frozen_credentials(), "ssm", region).add_auth(request)
        try:
            response = URLLib3Session(timeout=(1, 3)).send(request.prepare())
        except BotoCoreError as error:  # connection refused, timeouts, TLS
            problem = str(error)
        else:
            if response.status_code == 200:
                return str(json.loads(response.content)["Parameter"]["Value"])
            problem = f"{response.status_code} {response.content[:300].decode(errors='replace')}"
            if response.status_code < 500 and b"Throttl" not in response.content:
                break
        time.sleep(0.1 * 2**attempt)
    raise ImproperlyConfigured(f"Refusing to start: SECRET_KEY could not be read from SSM parameter {name}: {problem}")


DEFAULT_SECRET_KEY = "local-development-only-not-secret"
# In AWS the function's environment names the parameter (SECRET_KEY_PARAMETER); SECRET_KEY wins if set.
SECRET_KEY_PARAMETER = env("SECRET_KEY_PARAMETER")
SECRET_KEY = env("SECRET_KEY") or (
    secret_from_ssm(SECRET_KEY_PARAMETER, AWS_REGION) if SECRET_KEY_PARAMETER else DEFAULT_SECRET_KEY
)
DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")

if PRODUCTION:
    problems = []
    if DEBUG:
        problems.append("DEBUG must be off")
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:  # Django's W009
        problems.append("SECRET_KEY must be set to a long random value")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must list the site's host names")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems))

INSTALLED_APPS = [
    # auth and contenttypes stay installed (the auth middleware imports from them) but are
    # never migrated: there is no relational database.
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "reservations.accounts",
    "reservations.web",
    "reservations.staff",
    "reservations",
]
if not PRODUCTION and importlib.util.find_spec("localdev") is not None:
    INSTALLED_APPS.append("localdev")  # `manage.py load_demo`; the folder is not in the Lambda zip

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "reservations.middleware.SecurityHeadersMiddleware",
    "reservations.middleware.StoreUnavailableMiddleware",
    "reservations.accounts.prefetch.RequestScopeMiddleware",
    "reservations.audit.channel.ChannelMiddleware",  # page or API, on each audit entry
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Innermost: the designed 404/403 pages under DEBUG too (Django's 404 page lists every URL).
    "reservations.errorpages.DesignedErrorPagesMiddleware",
]

ROOT_URLCONF = "reservations.urls"
WSGI_APPLICATION = "reservations.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reservations.web.context_processors.site",
            ],
        },
    }
]

# No relational database at all: everything lives in DynamoDB.
DATABASES: dict[str, dict[str, str]] = {}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["reservations.accounts.backends.DynamoBackend"]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "web:catalogue"
LOGOUT_REDIRECT_URL = "accounts:sign_in"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "reservations.accounts.validators.MaximumLengthValidator"},
]

# Set-password links (new users created by an admin) stop working after this long, or once used.
PASSWORD_RESET_TIMEOUT = int(env("SET_PASSWORD_LINK_SECONDS", str(3 * 24 * 3600)))

SESSION_ENGINE = "reservations.accounts.session_store"
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(14 * 24 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
# Readable by the page's own scripts on purpose: browser callers of the API send it back as the
# X-CSRFToken header (README: JSON API). HttpOnly would add nothing (Django's docs: the token is
# in every form anyway) and would break that.
CSRF_COOKIE_HTTPONLY = False
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Messages travel in a signed cookie, so showing a message never writes the session.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds the domain and all its subdomains to HTTPS in browsers for months and is
        # slow to undo: the operator opts in (SECURE_HSTS_PRELOAD=1), so check --deploy stays quiet.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

LANGUAGE_CODE = "en-gb"
USE_I18N = False
USE_TZ = True
# The site's time zone: every time is stored in UTC and shown in this zone.
TIME_ZONE = env("SITE_TIME_ZONE", "Europe/Amsterdam")

STATIC_URL = env("STATIC_URL", "/static/")
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Hashed names: the manifest lives here and is shipped in the Lambda package (see staticstorage.py).
STATIC_MANIFEST_DIR = BASE_DIR / "reservations" / "static_manifest"
STATIC_BUCKET = env("STATIC_BUCKET")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if STATIC_BUCKET:
    # In AWS: collectstatic uploads to S3 (django-storages) with hashed names and long cache headers.
    STATIC_DOMAIN = env("STATIC_DOMAIN", f"{STATIC_BUCKET}.s3.{AWS_REGION}.amazonaws.com")  # or CloudFront's
    STATIC_URL = f"https://{STATIC_DOMAIN}/"
    STORAGES["staticfiles"] = {
        "BACKEND": "reservations.staticstorage.S3StaticStorage",
        "OPTIONS": {
            "bucket_name": STATIC_BUCKET,
            "region_name": AWS_REGION,
            "custom_domain": STATIC_DOMAIN,  # URLs are built without an S3 client
            "querystring_auth": False,
            "default_acl": None,  # the bucket policy (or CloudFront's access) decides who reads
            "file_overwrite": True,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
elif env_bool("STATIC_MANIFEST", False):
    # `make package`: the same manifest as the S3 upload would write, built offline.
    STORAGES["staticfiles"] = {"BACKEND": "reservations.staticstorage.LocalManifestStorage"}

DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# DynamoDB. No endpoint and AWS credentials present → real DynamoDB in AWS_REGION.
DYNAMODB_ENDPOINT_URL = env("DYNAMODB_ENDPOINT_URL") or None
DYNAMODB_TABLE_PREFIX = env("DYNAMODB_TABLE_PREFIX", "reservations-local-")
# HTTP connections the shared botocore client keeps: a Lambda serves one request at a time, so
# botocore's 10 is plenty there; a threaded server (local runs, load tests) wants more.
DYNAMODB_MAX_POOL_CONNECTIONS = int(env("DYNAMODB_MAX_POOL_CONNECTIONS", "10"))
# Unset: the budget in reservations/store/connection.py (3 s). Load tests against the local server raise it.
DYNAMODB_READ_TIMEOUT_SECONDS = float(env("DYNAMODB_READ_TIMEOUT_SECONDS", "0")) or None

# Sign-in throttling: failures per window before a pause.
SIGNIN_MAX_FAILURES_PER_ACCOUNT = int(env("SIGNIN_MAX_FAILURES_PER_ACCOUNT", "5"))
SIGNIN_MAX_FAILURES_PER_ADDRESS = int(env("SIGNIN_MAX_FAILURES_PER_ADDRESS", "20"))
SIGNIN_THROTTLE_WINDOW_SECONDS = int(env("SIGNIN_THROTTLE_WINDOW_SECONDS", "900"))

# JSON API
API_TOKEN_LIFETIME_SECONDS = int(env("API_TOKEN_LIFETIME_SECONDS", str(30 * 24 * 3600)))
API_IDEMPOTENCY_SECONDS = 24 * 3600  # how long an answer is replayed
# How long a request's claim on its key lasts while it runs: about the function's timeout
# (zappa_settings.json: 30 s), so a request killed mid-way blocks its retries only that long.
API_IDEMPOTENCY_CLAIM_SECONDS = int(env("API_IDEMPOTENCY_CLAIM_SECONDS", "35"))
# CORS for app origins (django-cors-headers), only under /api/. None by default.
CORS_ALLOWED_ORIGINS = env_list("API_CORS_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = ["accept", "authorization", "content-type", "idempotency-key", "if-match"]
CORS_EXPOSE_HEADERS = ["Location", "ETag", "Retry-After"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
if env_bool("FAST_PASSWORD_HASHER", False):
    # Tests only: the production hasher costs about 0.2 s per check.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Chatty at INFO on every process start ("Found credentials...", pynamodb's settings file).
        "botocore": {"level": "WARNING"},
        "pynamodb": {"level": "WARNING"},
    },
}

# Email: Django's API everywhere. Amazon SES in AWS (django-ses), the console locally, locmem in tests.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django_ses.SESBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
AWS_SES_REGION_NAME = env("SES_REGION", AWS_REGION)
AWS_SES_REGION_ENDPOINT = f"email.{AWS_SES_REGION_NAME}.amazonaws.com"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Reservations <reservations@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in emails: the site's public address, with the stage if it is an execute-api URL.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
# Scheduled jobs (reservations/jobs.py).
REMINDER_LEAD_MINUTES = int(env("REMINDER_LEAD_MINUTES", "60"))
