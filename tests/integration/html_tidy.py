"""HTML checks of the help center's and the customers' pages."""
import os
import subprocess
import tempfile

from harness import scaled


def tidy_errors(html):
    """`tidy -q -e` on a page (str or bytes; Debian's tidy): its error lines
    (warnings are allowed), or all it said when it failed without one."""
    data = html.encode("utf-8") if isinstance(html, str) else html
    with tempfile.NamedTemporaryFile("wb", suffix=".html", delete=False) as f:
        f.write(data)
    try:
        p = subprocess.run(["tidy", "-q", "-e", "--show-warnings", "no", f.name],
                           capture_output=True, text=True, timeout=scaled(30))
    finally:
        os.unlink(f.name)
    assert p.returncode in (0, 1, 2), p
    errors = [ln for ln in p.stderr.splitlines() if "Error:" in ln]
    return errors or ([p.stderr] if p.returncode == 2 else [])
