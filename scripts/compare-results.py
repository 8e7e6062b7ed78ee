#!/usr/bin/env python3
"""Compare two catalogue runs' result files, ignoring times and timestamps.

usage: compare-results.py BEFORE_DIR AFTER_DIR

For each case (the newest result per case in each folder) it compares the verdict,
the fault, each side's state sequence, application outcomes, error, state at the
end and liveness (the states only of a side that survived), and the model's prediction: whether it detects, its error, the
kinds of its firings and its reasoning with every number masked. Exit 0 when the
two runs agree on every case, 1 when anything differs (each difference printed),
2 on bad input. Used to show a restructuring changed no behaviour.
"""
import json
import pathlib
import re
import sys


def newest_per_case(folder):
    out = {}
    for path in sorted(pathlib.Path(folder).rglob("*.json")):
        try:
            r = json.loads(path.read_text())
        except (OSError, ValueError) as e:
            sys.exit(f"compare-results: {path}: {e}")
        if not isinstance(r, dict) or "case" not in r:
            continue
        out[r["case"]] = r  # sorted by name: the timestamp suffix makes the last the newest
    return out


def masked(text):
    return re.sub(r"[-+]?\d+(\.\d+)?", "#", text or "")


def essence(r):
    sides = {}
    for role, s in sorted((r.get("sides") or {}).items()):
        p = s.get("predicted")
        sides[role] = {
            # The side the fault killed races its own teardown (FIN_WAIT1 or not):
            # only a survivor's states say anything.
            "states": [x["state"] for x in s.get("states", [])] if s.get("alive", True) else "(died)",
            "app": s.get("app"),
            "error": s.get("error"),
            "state_at_end": s.get("state_at_end"),
            "alive": s.get("alive"),
            "predicted": None if p is None else {
                "detects": p.get("detected_after_ms") is not None,
                "error": p.get("error"),
                "firings": [f["kind"] for f in p.get("schedule", [])],
                "reason": masked(p.get("reason")),
            },
        }
    fault = r.get("fault") or {}
    return {"verdict": r.get("verdict"), "fault": [fault.get("type"), fault.get("target")],
            "failures": sorted(f"{f['side']}.{f['field']}" for f in r.get("failures", [])), "sides": sides}


def diff(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            yield from diff(a.get(k), b.get(k), f"{path}.{k}" if path else k)
    elif a != b:
        yield f"{path}: {json.dumps(a)} -> {json.dumps(b)}"


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    before, after = newest_per_case(sys.argv[1]), newest_per_case(sys.argv[2])
    if not before or not after:
        print("compare-results: a folder holds no result files", file=sys.stderr)
        return 2
    differences = 0
    for case in sorted(set(before) | set(after)):
        if case not in before or case not in after:
            print(f"{case}: only in {'after' if case in after else 'before'}")
            differences += 1
            continue
        lines = list(diff(essence(before[case]), essence(after[case])))
        for line in lines:
            print(f"{case}: {line}")
        differences += bool(lines)
        if not lines:
            print(f"{case}: same")
    print(f"{len(set(before) | set(after))} cases, {differences} differ")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
