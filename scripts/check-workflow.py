#!/usr/bin/env python3
"""Checks that the GitHub Actions workflow parses, still describes its jobs (the
privileged and unprivileged suites, one sweep sharded three ways then merged, and the
kernel matrix in a Debian 12 container), and installs the one package list
(scripts/packages.txt through scripts/packages.sh, or scripts/install-deps.sh on Debian)."""
import os
import re
import sys

import yaml

path = sys.argv[1]
list_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "packages.txt")
with open(list_path) as f:
    packages = [line.split("#")[0].split()[0] for line in f if line.split("#")[0].strip()]
with open(path) as f:
    wf = yaml.safe_load(f)
jobs = wf.get("jobs", {})
problems = []
JOBS = ("privileged", "unprivileged", "sweep-shard", "sweep-merge")
for name in JOBS:
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
    installs = [str(s.get("run", "")) for s in job.get("steps", []) if "apt-get install" in str(s.get("run", ""))]
    if not installs:
        problems.append(f"{name}: installs nothing from apt")
    for cmd in installs:
        if "scripts/packages.sh ubuntu" not in cmd:
            problems.append(f"{name}: apt-get install does not take its packages from scripts/packages.sh ubuntu")
        named = sorted(set(re.findall(r"[a-z0-9][a-z0-9.+-]+", cmd)) & set(packages))
        if named:
            problems.append(f"{name}: names packages itself ({' '.join(named)}); they belong in scripts/packages.txt")
km = jobs.get("kernel-matrix")
if km is None:
    problems.append("job 'kernel-matrix' is missing")
else:
    km_runs = " ".join(str(s.get("run", "")) for s in km.get("steps", []))
    km_uses = [str(s.get("uses", "")) for s in km.get("steps", [])]
    if not str(km.get("container", "")).startswith("debian:12"):
        problems.append("kernel-matrix: must run in a debian:12 container (vm-run fetches kernels with Debian's apt)")
    if "scripts/install-deps.sh" not in km_runs:
        problems.append("kernel-matrix: does not install the package list with scripts/install-deps.sh")
    if "scripts/kernel-matrix" not in km_runs:
        problems.append("kernel-matrix: does not run scripts/kernel-matrix")
    if not any(u.startswith("actions/cache") for u in km_uses):
        problems.append("kernel-matrix: caches no kernel packages")
    if not any(u.startswith("actions/upload-artifact") for u in km_uses):
        problems.append("kernel-matrix: uploads no artifacts")
want = {
    "privileged": "sudo -E env CRASHLAB_REQUIRE_PRIVILEGES=1 make test",
    "unprivileged": "unshare -Urn ctest",
    "sweep-shard": "sudo build/crashlab sweep ",
    "sweep-merge": "build/crashlab sweep --merge shards/sweep-shard-1 shards/sweep-shard-2 shards/sweep-shard-3",
}
for name, cmd in want.items():
    if name in jobs and cmd not in " ".join(str(s.get("run", "")) for s in jobs[name]["steps"]):
        problems.append(f"{name}: does not run '{cmd}'")
shard = jobs.get("sweep-shard", {})
shards = shard.get("strategy", {}).get("matrix", {}).get("shard")
if "sweep-shard" in jobs and shards != [1, 2, 3]:
    problems.append(f"sweep-shard: the matrix must be shard: [1, 2, 3], got {shards}")
shard_runs = " ".join(str(s.get("run", "")) for s in shard.get("steps", []))
if "sweep-shard" in jobs and "--shard ${{ matrix.shard }}/3" not in shard_runs:
    problems.append("sweep-shard: does not pass --shard ${{ matrix.shard }}/3")
merge = jobs.get("sweep-merge", {})
needs = merge.get("needs", [])
if "sweep-merge" in jobs and "sweep-shard" not in (needs if isinstance(needs, list) else [needs]):
    problems.append("sweep-merge: must need sweep-shard (it merges their folders)")
if "sweep-merge" in jobs and not any(str(s.get("uses", "")).startswith("actions/download-artifact") for s in merge.get("steps", [])):
    problems.append("sweep-merge: downloads no artifacts")
if not packages:
    problems.append(f"{list_path}: no packages")
if "PACKAGES" in wf.get("env", {}):
    problems.append("a workflow-level PACKAGES list: use scripts/packages.txt")
if problems:
    print("\n".join(f"{path}: {p}" for p in problems))
    sys.exit(1)
print(f"{path}: ok ({', '.join(jobs)})")
