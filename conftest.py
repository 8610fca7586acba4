"""Settings for every test run: the `test` posture (DEBUG off, fast hashing, immediate tasks)."""

import os

os.environ["SAFEGUARD_ENV"] = "test"
os.environ.setdefault("SAFEGUARD_REQUIRE_MFA", "false")
