"""Loaded with `-p tests.testenv` before pytest-django reads the settings: every test run gets its
own AFTERSALES_HOME, so tests never touch ./var."""

import os
import tempfile

os.environ.setdefault("AFTERSALES_HOME", tempfile.mkdtemp(prefix="aftersales-test-"))
