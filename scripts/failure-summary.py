#!/usr/bin/env python3
"""Print, after a ctest run, the failure lines of each failed test from its JUnit file.

A CI log keeps the head and the tail of a long run; ctest prints a failed test's output
where the test ended, in the middle. This repeats what matters at the end: each failed
test's name and its gtest failure messages (bounded, never the whole output).
Usage: scripts/failure-summary.py JUNIT.xml [MAX_LINES_PER_TEST]
"""
import re
import sys
import xml.etree.ElementTree as ET

# gtest's "file:line: Failure" and the lines after it; crashlab's verdict rows.
MARKERS = re.compile(r"(: Failure$|^Expected|^Value of|^  Actual|^Which is|^FAIL |^FAILED |^DISTORTED |^ERROR |"
                     r"distorted|error: |^\[  FAILED  \])")


def failure_lines(output, limit):
    lines, keep = [], 0
    for line in output.splitlines():
        if MARKERS.search(line):
            keep = 3  # the marker and the two lines that say what was expected and seen
        if keep:
            lines.append(line[:300])
            keep -= 1
        if len(lines) >= limit:
            lines.append("[... more in the test's own output above]")
            break
    return lines


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    try:
        root = ET.parse(sys.argv[1]).getroot()
    except (OSError, ET.ParseError) as e:
        sys.exit(f"failure-summary: {sys.argv[1]}: {e}")
    failed = [tc for tc in root.iter("testcase") if tc.get("status") == "fail"]
    if not failed:
        return
    print(f"crashlab: {len(failed)} failed test(s), their failure lines (the whole output is above):")
    for tc in failed:
        print(f"--- {tc.get('name')}")
        out = tc.findtext("system-out") or ""
        for line in failure_lines(out, limit) or ["(no failure line found; see the output above)"]:
            print("    " + line)


if __name__ == "__main__":
    main()
