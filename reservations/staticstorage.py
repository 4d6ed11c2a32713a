"""Static files: hashed names (a manifest), on S3 in AWS, with the manifest shipped in the package.

`collectstatic` with STATIC_BUCKET set uploads every file, and its content-hashed copy, to the
bucket with a year-long immutable Cache-Control, and writes the manifest (original name →
hashed name) to reservations/static_manifest/ on the machine that ran it. The Lambda package
carries that manifest, so rendering `{% static %}` reads a local file and builds the URL from
STATIC_DOMAIN (CloudFront, or the bucket's own domain): no S3 request and no boto3 client per
cold start. Without the manifest every `{% static %}` fails loudly (manifest_strict).

`make package` builds the same manifest offline with LocalManifestStorage (same hashing, local
files), so a package can be built without AWS credentials.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3ManifestStaticStorage


def manifest_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.STATIC_MANIFEST_DIR)


class S3StaticStorage(S3ManifestStaticStorage):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("manifest_storage", manifest_storage())
        super().__init__(**kwargs)


class LocalManifestStorage(ManifestStaticFilesStorage):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("manifest_storage", manifest_storage())
        super().__init__(**kwargs)
