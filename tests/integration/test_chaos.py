"""The short form of `make chaos`: 20 seconds of mixed load while random
services (gateway and intake included) are SIGKILLed, frozen and restarted;
then every acknowledged ticket and comment exists exactly once, the bus has
converged, metrics agrees with intake, and every store reopens cleanly.
The seed is printed; HD_CHAOS_SEED replays one."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "chaos"))
import chaos  # noqa: E402


def test_chaos_short(ctx):
    seed = os.environ.get("HD_CHAOS_SEED")
    chaos.run(ctx.bin_dir, seconds=int(os.environ.get("HD_CHAOS_SECONDS", "20")),
              seed=int(seed) if seed else None)
