#!/usr/bin/env python3
"""Checks that the GitHub Actions workflow parses and still describes both jobs."""
import sys

import yaml

path = sys.argv[1]
with open(path) as f:
    wf = yaml.safe_load(f)
jobs = wf.get("jobs", {})
problems = []
for name in ("privileged", "unprivileged"):
    if name not in jobs:
        problems.append(f"job '{name}' is missing")
        continue
    job = jobs[name]
    if not str(job.get("runs-on", "")).startswith("ubuntu-"):
        problems.append(f"{name}: runs-on must be a GitHub-hosted Ubuntu runner")
    runs = " ".join(str(s.get("run", "")) for s in job.get("steps", []))
    uses = [s.get("uses", "") for s in job.get("steps", [])]
    if not any(u.startswith("actions/upload-artifact") for u in uses):
        problems.append(f"{name}: uploads no artifacts")
    if "apt-get install" not in runs:
        problems.append(f"{name}: installs nothing from apt")
want = {"privileged": "sudo -E env CRASHLAB_REQUIRE_PRIVILEGES=1 make test", "unprivileged": "unshare -Urn ctest"}
for name, cmd in want.items():
    if name in jobs and cmd not in " ".join(str(s.get("run", "")) for s in jobs[name]["steps"]):
        problems.append(f"{name}: does not run '{cmd}'")
if problems:
    print("\n".join(f"{path}: {p}" for p in problems))
    sys.exit(1)
print(f"{path}: ok ({', '.join(jobs)})")
