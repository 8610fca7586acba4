"""pytest plugin, loaded first (`-p safeguard.testing` in pyproject): the test posture is chosen before
pytest-django reads the settings, so every run (make test, a bare `pytest`, an IDE) gets the same:
DEBUG off, fast password hashing, tasks run immediately, MFA off unless a test turns it on.
"""

import os

os.environ["SAFEGUARD_ENV"] = "test"
os.environ.setdefault("SAFEGUARD_REQUIRE_MFA", "false")
