"""Keep test runs away from ./var: every run gets its own AFTERSALES_HOME (set before settings load)."""

import os
import tempfile

os.environ.setdefault("AFTERSALES_HOME", tempfile.mkdtemp(prefix="aftersales-test-"))
