"""Run every integration test against real binaries.

usage: run.py BIN_DIR [TOOLS_DIR] [name-filter]
Each test_*.py module holds test_* functions taking a Ctx. Prints one line per
test and ends with "integration: N passed, M failed".
"""
import importlib.util
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


class Ctx:
    def __init__(self, bin_dir, tools_dir):
        self.bin_dir = bin_dir
        self.tools_dir = tools_dir
        self.root = os.path.abspath(os.path.join(HERE, "..", ".."))


def main():
    bin_dir = sys.argv[1]
    tools_dir = sys.argv[2] if len(sys.argv) > 2 else ""
    only = sys.argv[3] if len(sys.argv) > 3 else ""
    ctx = Ctx(bin_dir, tools_dir)
    passed = failed = 0
    for fname in sorted(os.listdir(HERE)):
        if not (fname.startswith("test_") and fname.endswith(".py")):
            continue
        spec = importlib.util.spec_from_file_location(fname[:-3], os.path.join(HERE, fname))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for name in [n for n in dir(mod) if n.startswith("test_")]:
            full = f"{fname[:-3]}.{name}"
            if only and only not in full:
                continue
            t0 = time.time()
            try:
                getattr(mod, name)(ctx)
                passed += 1
                print(f"PASS {full} ({time.time() - t0:.1f}s)", flush=True)
            except Exception:
                failed += 1
                print(f"FAIL {full} ({time.time() - t0:.1f}s)\n{traceback.format_exc()}", flush=True)
    print(f"integration: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
