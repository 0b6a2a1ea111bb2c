from tests.applications.conftest import Api, alice, api, cal, item, reviewer  # noqa: F401 - shared fixtures
