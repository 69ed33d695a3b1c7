"""The README shows what `make demo` really prints (tools/readme_demo.py writes that block)."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_readme_demo_block_is_what_the_demo_prints() -> None:
    check = subprocess.run([sys.executable, str(ROOT / "tools" / "readme_demo.py"), "--check"],
                           capture_output=True, text=True, timeout=900, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
