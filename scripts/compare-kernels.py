#!/usr/bin/env python3
"""The same cases run on several kernels, side by side.

usage: compare-kernels.py DIR...    (one folder of result files per kernel, e.g. the
                                     --out of `crashlab run`; scripts/kernel-matrix)

One row per case and side that detects or is predicted to: per kernel the verdict and
the detection measured against the model's prediction ("PASS 3012/3000": 3012 ms
measured, 3000 ms predicted; "-" for none). A row is marked with `*` when the kernels
disagree on what happened (verdict, failed expectations, state sequence, what the
application saw, the model's prediction: the fields scripts/compare-results.py compares,
times left out); the differences follow the table, then each kernel's pass count.
Exit 0 when every case passed on every kernel, 1 otherwise, 2 on bad input.
"""
import importlib.util
import pathlib
import sys

_spec = importlib.util.spec_from_file_location("compare_results", pathlib.Path(__file__).with_name("compare-results.py"))
compare_results = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compare_results)


def kernel_of(results, folder):
    for r in results.values():
        k = (r.get("environment") or {}).get("kernel")
        if k:
            return k
    return pathlib.Path(folder).name


def ms(v):
    return "-" if v is None else f"{v:.0f}"


def cell(r, role):
    if r is None:
        return "(not run)"
    verdict = (r.get("verdict") or "?").upper()
    if verdict == "ERROR":
        return "ERROR"
    s = (r.get("sides") or {}).get(role) or {}
    p = s.get("predicted") or {}
    return f"{verdict} {ms(s.get('detected_after_ms'))}/{ms(p.get('detected_after_ms'))}"


def rows_of(r):
    """The sides worth a row: those that detected or were predicted to."""
    out = []
    for role, s in sorted((r.get("sides") or {}).items()):
        if s.get("detected_after_ms") is not None or (s.get("predicted") or {}).get("detected_after_ms") is not None:
            out.append(role)
    return out or [next(iter(sorted(r.get("sides") or {"-": None})))]


def leaves(value, path=""):
    """Flattens an essence into {path: value}, lists and scalars as leaves."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            out.update(leaves(v, f"{path}.{k}" if path else k))
        return out
    return {path: value}


def short(v, limit=70):
    text = "-" if v is None else (", ".join(map(str, v)) if isinstance(v, list) else str(v))
    return text if len(text) <= limit else text[: limit - 3] + "..."


# Differences not worth a line: the verdict and failures have their own lines, and the
# model's reasoning text differs whenever its numbers' shape does (each side's firings
# and detection say what matters).
SKIP = ("verdict", "failures")


def differences(essences, names):
    """One line per field on which the kernels that ran the case disagree."""
    present = [(n, leaves(e)) for n, e in zip(names, essences) if e is not None]
    if len(present) < 2:
        return []
    paths = sorted(set().union(*(set(flat) for _, flat in present)))
    out = []
    for path in paths:
        if path in SKIP or path.endswith(".predicted.reason"):
            continue
        values = [flat.get(path) for _, flat in present]
        if any(v != values[0] for v in values):
            out.append(f"{path}: " + " | ".join(f"{n}: {short(v)}" for (n, _), v in zip(present, values)))
    return out


def main():
    folders = sys.argv[1:]
    if len(folders) < 1 or any(f in ("-h", "--help") for f in folders):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    runs = [compare_results.newest_per_case(f) for f in folders]
    if not all(runs):
        empty = [f for f, r in zip(folders, runs) if not r]
        print(f"compare-kernels: no result files in {' '.join(empty)}", file=sys.stderr)
        return 2
    names = [kernel_of(r, f) for r, f in zip(runs, folders)]
    cases = sorted(set().union(*runs))
    width = max(len(c) for c in cases) + 2
    cells = [cell(r, role) for run in runs for r in run.values() for role in rows_of(r)]
    col = max(len(x) for x in names + cells) + 2
    print("per kernel: verdict, then detection measured/predicted in ms after the fault; * the kernels differ")
    print(f"{'case':<{width}}{'side':<8}" + "".join(f"{n:<{col}}" for n in names).rstrip())
    notes = []
    for case in cases:
        results = [run.get(case) for run in runs]
        # a case that errored somewhere has no essence worth comparing there
        essences = [None if r is None or r.get("verdict") == "error" else compare_results.essence(r) for r in results]
        diffs = differences(essences, names)
        if any(r is None for r in results):
            diffs.append("not run on " + ", ".join(n for n, r in zip(names, results) if r is None))
        verdicts = [(r or {}).get("verdict") for r in results]
        if any(v != verdicts[0] for v in verdicts):
            diffs.insert(0, "verdict: " + " | ".join(f"{n}: {v or 'not run'}" for n, v in zip(names, verdicts)))
        differ = bool(diffs)
        for name, r in zip(names, results):
            if r and r.get("verdict") == "error":
                diffs.append(f"{name}: could not run: {short(r.get('error'), 100)}")
            for f in (r or {}).get("failures", []):
                diffs.append(f"{name} failed {f['side']}.{f['field']}: expected {short(f['expected'])}, seen {short(f['seen'])}")
        first = next(r for r in results if r is not None)
        for i, role in enumerate(rows_of(first)):
            mark = "*" if differ and i == 0 else " "
            label = case if i == 0 else ""
            print(f"{label:<{width - 2}}{mark} {role:<8}" + "".join(f"{cell(r, role):<{col}}" for r in results).rstrip())
        if diffs:
            notes.append((case, diffs))
    if notes:
        print("\nwhere they differ, and what failed:")
        for case, lines in notes:
            for line in lines:
                print(f"  {case}: {line}")
    print()
    all_pass = True
    for name, run, folder in zip(names, runs, folders):
        verdicts = [r.get("verdict") for r in run.values()]
        passed = verdicts.count("pass")
        observers = sorted({((r.get("environment") or {}).get("observer") or {}).get("name") or "none" for r in run.values() if r.get("verdict") != "error"})
        print(f"{name}: {passed}/{len(cases)} passed, {verdicts.count('fail')} failed, "
              f"{verdicts.count('error')} error, {len(cases) - len(run)} not run (observer: {', '.join(observers)}; {folder})")
        all_pass = all_pass and passed == len(cases)
    return 0 if all_pass else 1


if __name__ == "__main__":
    sys.exit(main())
