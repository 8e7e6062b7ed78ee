#!/usr/bin/env python3
"""Soak trial of issue #15 (make soak; not part of make test or .ci/run). As root.

Four trials, each with its own requirement; a final report gives one line per trial
with PASS/FAIL and the exit status is non-zero on any leak, crash, hang or
non-distorted failure:

  kills      SOAK_KILLS (150) runs of `crashlab run CASES` killed at a random moment
             (SOAK_KILL_MIN_S..SOAK_KILL_MAX_S, 0.3..10 s; mostly SIGKILL, some SIGINT
             and SIGTERM). Within SOAK_CLEAN_S (5 s) of the kill nothing may be left:
             no process of the run (crashlab, its endpoint, crashlab-undo,
             crashlab-tracefs; tcpdump before the capture moved into the runner), no network namespace the kernel still keeps
             (every namespace the run referenced just before the kill is watched by
             netlink NSID from a scratch namespace, as tests/sys/leak_test.cpp does), no
             crashlab tracefs instance whose owner is gone, no new mount in
             /proc/self/mountinfo, no .pcap or other stray file in --out beyond
             complete result JSON files, `ip -o link` of the initial namespace
             unchanged. /sys/kernel/slab/net_namespace/objects is recorded too.
  catalogue  the whole catalogue SOAK_CATALOGUE (5) times, one run each, with
             SOAK_BUSY (2) busy loops loading the cores: every non-passing case must
             be `distorted`, never `fail` or `error`.
  at-once    `crashlab run CASES --repeat SOAK_REPEAT --jobs SOAK_JOBS` (10 and 1000:
             every case x 10 at once, past the default admission limit):
             the same requirement; kernel_events_lost summed.
  fuzz       every file of tests/data/fuzz/ and every shipped case through
             `crashlab validate`, the malformed --set strings (set-bad-*.txt) through
             `crashlab run --set`, a FIFO, a symlink loop and a missing path: exit
             status 0, 1 or 2 only, never a signal, never a hang (SOAK_FUZZ_TIMEOUT_S).

SOAK_TRIALS picks trials and their order (default "fuzz at-once kills catalogue"); CRASHLAB the
binary (default build/crashlab); SOAK_CASES the catalogue (default cases).
Every wait is bounded and says, on failure, what it waited for, the last value seen
and how long it waited. A trap removes what the script started (busy loops, temp dirs,
a runner still running).
"""
import argparse
import json
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def env(name, default):
    return os.environ.get(name, default)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--crashlab", default=env("CRASHLAB", os.path.join(ROOT, "build", "crashlab")))
    p.add_argument("--cases", default=env("SOAK_CASES", os.path.join(ROOT, "cases")))
    p.add_argument("--trials", default=env("SOAK_TRIALS", "fuzz at-once kills catalogue"))
    p.add_argument("--kills", type=int, default=int(env("SOAK_KILLS", "150")))
    p.add_argument("--kill-min", type=float, default=float(env("SOAK_KILL_MIN_S", "0.3")))
    p.add_argument("--kill-max", type=float, default=float(env("SOAK_KILL_MAX_S", "10")))
    p.add_argument("--clean-within", type=float, default=float(env("SOAK_CLEAN_S", "5")))
    p.add_argument("--catalogue", type=int, default=int(env("SOAK_CATALOGUE", "5")))
    p.add_argument("--busy", type=int, default=int(env("SOAK_BUSY", "2")))
    p.add_argument("--repeat", type=int, default=int(env("SOAK_REPEAT", "10")))
    p.add_argument("--jobs", type=int, default=int(env("SOAK_JOBS", "1000")))
    # per pass over the catalogue: the at-once run gets it --repeat times
    p.add_argument("--run-timeout", type=float, default=float(env("SOAK_RUN_TIMEOUT_S", "900")))
    p.add_argument("--fuzz-timeout", type=float, default=float(env("SOAK_FUZZ_TIMEOUT_S", "30")))
    p.add_argument("--seed", type=int, default=int(env("SOAK_SEED", str(int(time.time())))))
    return p.parse_args()


def log(*a):
    print(*a, flush=True)


# --------------------------------------------------------------------------- cleanup
STARTED = []  # Popen objects this script started and must end
TEMP_DIRS = []


def end(proc):
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL) if getattr(proc, "own_group", False) else proc.kill()
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            log(f"  cleanup: pid {proc.pid} did not end within 10 s of SIGKILL")


def cleanup():
    for proc in reversed(STARTED):
        end(proc)
    STARTED.clear()
    for d in TEMP_DIRS:
        shutil.rmtree(d, ignore_errors=True)
    TEMP_DIRS.clear()


def on_signal(sig, _frame):
    raise SystemExit(128 + sig)


# --------------------------------------------------------------------------- probes
def wait_until(pred, what, timeout, show):
    """Polls pred() every 50 ms up to timeout s. Returns (ok, seconds, last value)."""
    t0 = time.monotonic()
    while True:
        ok = pred()
        if ok:
            return True, time.monotonic() - t0, None
        if time.monotonic() - t0 >= timeout:
            return False, time.monotonic() - t0, f"waited {timeout:.1f} s for {what}; last seen: {show()}"
        time.sleep(0.05)


def pids():
    return [int(d) for d in os.listdir("/proc") if d.isdigit()]


def read(path, mode="r"):
    try:
        with open(path, mode) as f:
            return f.read()
    except OSError:
        return None


def ppid_of(pid):
    s = read(f"/proc/{pid}/stat")
    if not s:
        return None
    return int(s[s.rfind(")") + 2:].split()[1])


def descendants(root):
    children = {}
    for p in pids():
        pp = ppid_of(p)
        if pp is not None:
            children.setdefault(pp, []).append(p)
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def ours(tag, out_dir, exes):
    """Processes of this run: its tag in their environment, our binaries without any
    soak tag (another soak run's are not this run's), or its out folder on their
    command line (tcpdump)."""
    found = []
    me = os.getpid()
    for p in pids():
        if p == me:
            continue
        environ = read(f"/proc/{p}/environ", "rb") or b""
        cmd = (read(f"/proc/{p}/cmdline", "rb") or b"").replace(b"\0", b" ")
        try:
            exe = os.readlink(f"/proc/{p}/exe")
        except OSError:
            exe = ""
        tagged = b"CRASHLAB_SOAK_TAG=" in environ
        if (f"CRASHLAB_SOAK_TAG={tag}\0".encode() in environ or (exe in exes and not tagged)
                or (out_dir and (out_dir + "/").encode() in cmd)):
            comm = (read(f"/proc/{p}/comm") or "?").strip()
            state = (read(f"/proc/{p}/stat") or "? ? ?").rsplit(")", 1)[-1].split()[0]
            found.append(f"{p}:{comm}({state})")
    return found


def netns_refs(pid_list):
    """net:[inode] -> a /proc path to open it, for every namespace the pids are in or
    hold an fd of."""
    out = {}
    for p in pid_list:
        paths = [f"/proc/{p}/ns/net"]
        try:
            paths += [f"/proc/{p}/fd/{fd}" for fd in os.listdir(f"/proc/{p}/fd")]
        except OSError:
            pass
        for path in paths:
            try:
                link = os.readlink(path)
            except OSError:
                continue
            if link.startswith("net:[") and link not in out:
                out[link] = path
    return out


class NamespaceWatch:
    """Namespaces the kernel still keeps, by netlink NSID, from a scratch namespace
    (tests/sys/leak_test.cpp's NamespaceWatch): a namespace given an NSID there is listed
    by RTM_GETNSID until the kernel frees it; the NSID holds no reference. The scratch
    namespace is a child process (`unshare -n`) whose rtnetlink socket we receive; the
    initial namespace gets no NSID."""

    RTM_NEWNSID, RTM_GETNSID = 88, 90
    NETNSA_NSID, NETNSA_FD = 1, 3

    def __init__(self):
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        code = ("import socket,sys;s=socket.socket(socket.AF_NETLINK,socket.SOCK_RAW,0);"
                "u=socket.socket(fileno=int(sys.argv[1]));socket.send_fds(u,[b'x'],[s.fileno()]);u.recv(1)")
        self.holder = subprocess.Popen(["unshare", "-n", sys.executable, "-c", code, str(b.fileno())],
                                       pass_fds=[b.fileno()])
        STARTED.append(self.holder)
        b.close()
        a.settimeout(10)
        _, fds, _, _ = socket.recv_fds(a, 1, 1)
        self.keep = a  # closing it ends the holder
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0, fileno=fds[0])
        self.sock.settimeout(5)
        self.seq = 0
        self.own = os.readlink("/proc/self/ns/net")

    def _request(self, msg_type, flags, payload):
        self.seq += 1
        hdr = struct.pack("=LHHLL", 16 + len(payload), msg_type, flags, self.seq, 0)
        self.sock.send(hdr + payload)
        count = 0
        while True:
            data = self.sock.recv(65536)
            off = 0
            while off + 16 <= len(data):
                ln, typ, _, _, _ = struct.unpack_from("=LHHLL", data, off)
                if typ == 3:  # NLMSG_DONE
                    return count
                if typ == 2:  # NLMSG_ERROR
                    err = struct.unpack_from("=i", data, off + 16)[0]
                    if err:
                        raise OSError(-err, os.strerror(-err))
                    return count
                if typ == self.RTM_NEWNSID:
                    count += 1
                off += (ln + 3) & ~3
                if ln == 0:
                    break

    def watch(self, path):
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return False
        try:
            attrs = struct.pack("=HHi", 8, self.NETNSA_NSID, -1) + struct.pack("=HHI", 8, self.NETNSA_FD, fd)
            self._request(self.RTM_NEWNSID, 0x1 | 0x4, struct.pack("=Bxxx", 0) + attrs)  # REQUEST|ACK
            return True
        except OSError:
            return False
        finally:
            os.close(fd)

    def alive(self):
        return self._request(self.RTM_GETNSID, 0x1 | 0x300, struct.pack("=Bxxx", 0))  # REQUEST|DUMP


def slab_objects():
    s = read("/sys/kernel/slab/net_namespace/objects")
    return int(s.split()[0]) if s else None


def links():
    r = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True, timeout=10)
    # the counters and state of a link may move; what it is may not
    return sorted(" ".join(l.split("\\")[0].split()[:2]) for l in r.stdout.splitlines())


def mounts():
    lines = (read("/proc/self/mountinfo") or "").splitlines()
    return set(" ".join(l.split()[3:]) for l in lines)  # without the mount ids


def tracefs_instances():
    """crashlab-* instances of the tracefs superblock, listed from a private mount
    namespace (tracefs has one superblock: any mount shows every instance)."""
    r = subprocess.run(["unshare", "-m", "sh", "-c",
                        "mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || exit 3; "
                        "ls /sys/kernel/tracing/instances"], capture_output=True, text=True, timeout=10)
    if r.returncode != 0:
        return None
    return [n for n in r.stdout.split() if n.startswith("crashlab-")]


def stale_instances(mine):
    """Instances whose owner pid is one of our runs' or is gone."""
    inst = tracefs_instances()
    if inst is None:
        return []
    out = []
    for n in inst:
        parts = n.split("-")
        pid = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else -1
        if pid in mine or not os.path.exists(f"/proc/{pid}"):
            out.append(n)
    return out


def complete_result(path):
    try:
        with open(path) as h:
            return "verdict" in json.load(h)
    except (OSError, ValueError):
        return False


def strays(out_dir):
    """Files in --out other than complete result JSON files, the capture a result
    kept (a failed or distorted case keeps `<its name>.pcap` beside `<its name>.json`),
    and `latest`. A capture without its complete result is unfinished: a leak."""
    bad = []
    for dirpath, dirnames, files in os.walk(out_dir):
        for f in files:
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, out_dir)
            if f == "latest" and os.path.islink(path):
                continue
            if f.endswith(".json") and complete_result(path):
                continue
            if f.endswith(".pcap") and complete_result(path[: -len(".pcap")] + ".json"):
                continue
            bad.append(rel)
    return bad


# --------------------------------------------------------------------------- trials
def start_runner(a, args, tag, out):
    e = dict(os.environ, CRASHLAB_SOAK_TAG=tag)
    p = subprocess.Popen([a.crashlab, "run", *args, "--out", out, "--no-progress"], env=e,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    STARTED.append(p)
    return p


def trial_kills(a, tmp, rng):
    exes = {os.path.realpath(a.crashlab), os.path.realpath(os.path.join(os.path.dirname(a.crashlab), "crashlab-endpoint"))}
    watch = NamespaceWatch()
    slab_note = ("present" if slab_objects() is not None else "absent: /proc and NSID only")
    log(f"  /sys/kernel/slab/net_namespace/objects {slab_note}")
    leaks, hangs, cleanup_s, sigs = [], 0, [], {}
    slab_moved, slab_seen = 0, set()
    for i in range(a.kills):
        tag = f"soak-{os.getpid()}-{i}"
        out = os.path.join(tmp, f"kill-{i}")
        os.makedirs(out)
        links0, mounts0, slab0 = links(), mounts(), slab_objects()
        sig = rng.choices([signal.SIGKILL, signal.SIGINT, signal.SIGTERM], [8, 1, 1])[0]
        at = rng.uniform(a.kill_min, a.kill_max)
        p = start_runner(a, [a.cases], tag, out)
        time.sleep(at)
        if p.poll() is not None:
            log(f"  kill {i}: the run ended (status {p.returncode}) before the kill at {at:.1f} s")
        tree = descendants(p.pid)
        refs = netns_refs(tree)
        refs.pop(watch.own, None)
        watched = sum(watch.watch(path) for path in refs.values())
        kept_at_kill = watch.alive()
        t_kill = time.monotonic()
        try:
            p.send_signal(sig)
        except ProcessLookupError:
            pass
        problems = []
        if watched and not kept_at_kill:
            problems.append(f"the NSID watch sees none of the {watched} namespaces it was given: it is broken")
        try:
            p.communicate(timeout=a.clean_within if sig == signal.SIGKILL else 30)
        except subprocess.TimeoutExpired:
            hangs += 1
            problems.append(f"the runner did not exit within {30 if sig != signal.SIGKILL else a.clean_within} s "
                            f"of {sig.name}")
            p.kill()
            p.communicate()
        STARTED.remove(p)
        if p.returncode >= 0 and p.returncode not in (1, 130, 0) or (p.returncode < 0 and -p.returncode != sig):
            problems.append(f"exit status {p.returncode} after {sig.name}")
        deadline = t_kill + a.clean_within
        remaining = lambda: max(0.0, deadline - time.monotonic())
        checks = [
            ("processes", lambda: not ours(tag, out, exes), lambda: " ".join(ours(tag, out, exes))),
            ("namespaces kept by the kernel", lambda: watch.alive() == 0,
             lambda: f"{watch.alive()} of the {watched} watched"),
            ("stray files in --out", lambda: not strays(out), lambda: " ".join(strays(out))),
            ("tracefs instances", lambda: not stale_instances(set(tree)), lambda: " ".join(stale_instances(set(tree)))),
        ]
        for what, pred, show in checks:
            ok, _, msg = wait_until(pred, what, remaining(), show)
            if not ok:
                problems.append(msg)
        took = time.monotonic() - t_kill  # the slab count below is another's too: not part of it
        if slab0 is not None:
            slab_seen.update((slab0, slab_objects()))
            ok, _, msg = wait_until(lambda: slab_objects() <= slab0, "net_namespace slab objects back to "
                                    f"{slab0}", remaining(), lambda: slab_objects())
            if not ok:
                slab_moved += 1  # other workers' namespaces move it too: reported, not a leak by itself
                log(f"  kill {i + 1}: {msg} (not counted: other processes' namespaces move it too)")
        if links() != links0:
            problems.append(f"links of the initial namespace changed: {sorted(set(links()) ^ set(links0))}")
        added = mounts() - mounts0
        if added:
            problems.append(f"mounts added: {sorted(added)}")
        sigs[sig.name] = sigs.get(sig.name, 0) + 1
        cleanup_s.append(took)
        status = "clean" if not problems else "LEAK"
        log(f"  kill {i + 1}/{a.kills}: {sig.name} at {at:.1f} s, {len(tree)} processes, {watched} namespaces "
            f"watched ({kept_at_kill} kept at the kill), exit {p.returncode}; {status} after {took:.2f} s")
        for pr in problems:
            log(f"    {pr}")
        if problems:
            leaks.append((i, problems))
            # let the next run start from a clean machine
            wait_until(lambda: not ours(tag, out, exes) and watch.alive() == 0, "the leak to go", 120,
                       lambda: f"{ours(tag, out, exes)}, {watch.alive()} namespaces")
        shutil.rmtree(out, ignore_errors=True)
    end(watch.holder)
    cleanup_s.sort()
    median = cleanup_s[len(cleanup_s) // 2] if cleanup_s else 0
    summary = (f"{a.kills} kills ({', '.join(f'{k} {v}' for k, v in sorted(sigs.items()))}), {len(leaks)} with a leak, "
               f"{hangs} hangs; clean after median {median:.2f} s, max {max(cleanup_s, default=0):.2f} s"
               + (f"; slab count not back within {a.clean_within:.0f} s after {slab_moved}" if slab_moved else "")
               + (f"; /sys/kernel/slab/net_namespace/objects stayed at {min(slab_seen)} throughout (it does not follow "
                  "namespaces on this kernel: SLUB counts no full slabs without slub_debug)" if len(slab_seen) == 1 else
                  f"; net_namespace slab objects seen {min(slab_seen)}..{max(slab_seen)}" if slab_seen else
                  "; /sys/kernel/slab/net_namespace/objects absent"))
    return not leaks and not hangs, summary


def tally(out, label):
    files = []
    for dirpath, _, names in os.walk(out):
        files += [os.path.join(dirpath, n) for n in names if n.endswith(".json")]
    counts = {"pass": 0, "fail": 0, "distorted": 0, "error": 0}
    bad, lost = [], 0
    for f in files:
        try:
            with open(f) as h:
                r = json.load(h)
        except (OSError, ValueError) as e:
            bad.append(f"{os.path.basename(f)}: unreadable ({e})")
            continue
        v = r.get("verdict", "?")
        counts[v] = counts.get(v, 0) + 1
        lost += r.get("kernel_events_lost") or 0
        if v in ("fail", "error") or v not in counts:
            bad.append(f"{label} {r.get('case')} {v}: error={r.get('error')!r} failures={json.dumps(r.get('failures'))} "
                       f"distortions={json.dumps(r.get('distortions'))} runner={json.dumps(r.get('runner'))}")
    return counts, bad, lost, len(files)


def run_and_tally(a, args, out, label, passes=1):
    t0 = time.monotonic()
    limit = a.run_timeout * passes
    p = start_runner(a, args, f"soak-{os.getpid()}-{label}", out)
    try:
        text, _ = p.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGINT)
        try:
            text, _ = p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            text, _ = p.communicate()
        STARTED.remove(p)
        counts, bad, lost, n = tally(out, label)
        bad.append(f"{label}: still running after {limit:.0f} s (SOAK_RUN_TIMEOUT_S={a.run_timeout:.0f} per pass), "
                   f"stopped by SIGINT with {n} results: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        return counts, bad, lost, n, time.monotonic() - t0
    STARTED.remove(p)
    counts, bad, lost, n = tally(out, label)
    if p.returncode not in (0, 1):
        bad.append(f"{label}: exit status {p.returncode}; its last output: {text.strip().splitlines()[-3:]}")
    log(f"  {label}: exit {p.returncode} in {time.monotonic() - t0:.0f} s: {n} results: "
        + ", ".join(f"{v} {k}" for k, v in counts.items()) + f"; kernel_events_lost {lost}")
    summary_line = [l for l in text.splitlines() if " passed, " in l]
    if summary_line:
        log(f"    crashlab: {summary_line[-1].strip()}")
    return counts, bad, lost, n, time.monotonic() - t0


def trial_catalogue(a, tmp):
    busy = []
    for _ in range(a.busy):
        b = subprocess.Popen(["sh", "-c", "while :; do :; done"], start_new_session=True)
        b.own_group = True
        STARTED.append(b)
        busy.append(b)
    log(f"  {len(busy)} busy loops: pids {' '.join(str(b.pid) for b in busy)}")
    total, bad = {}, []
    try:
        for i in range(a.catalogue):
            counts, b, _, _, _ = run_and_tally(a, [a.cases], os.path.join(tmp, f"catalogue-{i}"), f"catalogue run {i + 1}")
            bad += b
            for k, v in (counts or {}).items():
                total[k] = total.get(k, 0) + v
    finally:
        for b in busy:
            end(b)
            STARTED.remove(b)
    for line in bad:
        log(f"    {line}")
    return not bad, f"{a.catalogue} runs under {a.busy} busy loops: " + ", ".join(f"{v} {k}" for k, v in total.items())


def trial_at_once(a, tmp):
    counts, bad, lost, n, took = run_and_tally(a, [a.cases, "--repeat", str(a.repeat), "--jobs", str(a.jobs)], os.path.join(tmp, "at-once"),
                                               f"--repeat {a.repeat} --jobs {a.jobs}", passes=a.repeat)
    for line in bad:
        log(f"    {line}")
    return not bad, (f"{n} results of {a.repeat} x the catalogue in one run in {took:.0f} s: " + ", ".join(f"{v} {k}" for k, v in (counts or {}).items())
                     + f"; kernel_events_lost {lost}")


def trial_fuzz(a, tmp):
    fuzz = os.path.join(ROOT, "tests", "data", "fuzz")
    inputs = []
    for f in sorted(os.listdir(fuzz)):
        path = os.path.join(fuzz, f)
        if f.startswith("set-bad-"):
            with open(path) as h:
                line = h.read().split("\n")[0]
            value = line[len("--set "):] if line.startswith("--set ") else line
            inputs.append((f, [a.crashlab, "run", "--set", value, "--out", os.path.join(tmp, "fuzz-out"),
                               "--no-progress", os.path.join(a.cases, "connect")]))
        elif f.endswith(".json"):
            inputs.append((f, [a.crashlab, "validate", path]))
    for dirpath, _, names in os.walk(a.cases):
        for n in sorted(names):
            if n.endswith(".json"):
                p = os.path.join(dirpath, n)
                inputs.append((os.path.relpath(p, ROOT), [a.crashlab, "validate", p]))
    hostile = os.path.join(tmp, "hostile")
    os.makedirs(os.path.join(hostile, "loop"))
    os.mkfifo(os.path.join(hostile, "fifo.json"))
    os.symlink(".", os.path.join(hostile, "loop", "self"))
    inputs += [("a FIFO", [a.crashlab, "validate", os.path.join(hostile, "fifo.json")]),
               ("a symlink loop", [a.crashlab, "validate", os.path.join(hostile, "loop")]),
               ("a missing path", [a.crashlab, "validate", os.path.join(hostile, "absent.json")])]
    codes, bad = {}, []
    for name, cmd in inputs:
        t0 = time.monotonic()
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=a.fuzz_timeout)
            rc = r.returncode
        except subprocess.TimeoutExpired:
            bad.append(f"{name}: hang: no exit within {a.fuzz_timeout:.0f} s")
            continue
        codes[rc] = codes.get(rc, 0) + 1
        if rc not in (0, 1, 2):
            what = f"signal {signal.Signals(-rc).name}" if rc < 0 else f"exit status {rc}"
            bad.append(f"{name}: {what} after {time.monotonic() - t0:.1f} s: {(r.stderr or '').strip()[-300:]}")
        elif name.startswith("set-bad-") and rc != 2:
            bad.append(f"{name}: a malformed --set exited {rc}, not 2 (refused)")
    for line in bad:
        log(f"    {line}")
    return not bad, (f"{len(inputs)} inputs: " + ", ".join(f"exit {k}: {v}" for k, v in sorted(codes.items()))
                     + f"; {len(bad)} crashes, hangs or unexpected exits")


def main():
    a = parse_args()
    if os.geteuid() != 0:
        log("soak: needs root (namespaces, tracefs)")
        return 2
    if not os.access(a.crashlab, os.X_OK):
        log(f"soak: no crashlab binary at {a.crashlab} (CRASHLAB= or --crashlab)")
        return 2
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(s) != signal.SIG_IGN:  # nohup's ignored SIGHUP stays ignored
            signal.signal(s, on_signal)
    tmp = tempfile.mkdtemp(prefix="crashlab-soak-")
    TEMP_DIRS.append(tmp)
    rng = random.Random(a.seed)
    load = read("/proc/loadavg").split()[:3]
    log(f"soak: {a.crashlab}, cases {a.cases}, seed {a.seed}, {os.cpu_count()} CPUs, load {' '.join(load)}, "
        f"kernel {os.uname().release}")
    trials = {"kills": lambda: trial_kills(a, tmp, rng), "catalogue": lambda: trial_catalogue(a, tmp),
              "at-once": lambda: trial_at_once(a, tmp), "fuzz": lambda: trial_fuzz(a, tmp)}
    report, t_all = [], time.monotonic()
    try:
        for name in a.trials.split():
            if name not in trials:
                log(f"soak: unknown trial {name!r} (one of {' '.join(trials)})")
                return 2
            t0 = time.monotonic()
            log(f"== {name}")
            ok, summary = trials[name]()
            report.append((name, ok, summary, time.monotonic() - t0))
            log(f"  {'PASS' if ok else 'FAIL'}: {summary}")
    finally:
        cleanup()
    log(f"== soak report ({time.monotonic() - t_all:.0f} s; load now {' '.join(read('/proc/loadavg').split()[:3])})")
    for name, ok, summary, took in report:
        log(f"{'PASS' if ok else 'FAIL'} {name:9s} {summary} [{took:.0f} s]")
    return 0 if all(ok for _, ok, _, _ in report) else 1


if __name__ == "__main__":
    sys.exit(main())
