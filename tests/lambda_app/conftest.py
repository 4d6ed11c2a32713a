from __future__ import annotations

import pytest

from tests.lambda_app.events import HOSTS


@pytest.fixture
def hosts(settings):
    """Django accepts every host the events here come from."""
    settings.ALLOWED_HOSTS = HOSTS
