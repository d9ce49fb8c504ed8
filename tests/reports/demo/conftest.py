"""The report tests on the demo share one demo load for the package."""

import pytest

from tests.conftest import demo_in_a_transaction


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    yield from demo_in_a_transaction(django_db_blocker)
