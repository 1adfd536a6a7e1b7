from tests.payments.scenarios import frozen_today, organiser, staff  # noqa: F401 - fixtures
