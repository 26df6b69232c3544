"""Golden files: HTTP bodies recorded once (with the binaries before a
change) and compared byte for byte after it, under golden/<name>.json.
HD_GOLDEN_WRITE=1 records instead of comparing."""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def check(name, got):
    """got: {key: normalized text}. Every differing key is listed."""
    path = os.path.join(HERE, "golden", f"{name}.json")
    if os.environ.get("HD_GOLDEN_WRITE"):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(got, f, ensure_ascii=False, indent=1, sort_keys=True)
            f.write("\n")
        return
    with open(path, encoding="utf-8") as f:
        want = json.load(f)
    assert sorted(got) == sorted(want), (sorted(got), sorted(want))
    diff = [f"{k}:\n got  {got[k]}\n want {want[k]}" for k in sorted(want) if got[k] != want[k]]
    assert not diff, "\n".join(diff)
