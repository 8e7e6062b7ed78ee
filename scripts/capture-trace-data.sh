#!/bin/bash
# Captures the tracefs files the trace parser tests read (tests/data/tracefs/):
# the six tracepoints' format files, events/header_page, and the raw per-CPU
# trace_pipe_raw pages of a private ftrace instance (trace_clock mono) while known
# TCP traffic ran in a throwaway network namespace:
#   IPv4  10.77.0.2:7101 -> 10.77.0.1:7001  connect, 5 bytes each way, close
#   IPv6  [fd00:77::2]:7102 -> [fd00:77::1]:7002  the same
#   reset 10.77.0.2:7103 -> 10.77.0.1:7003  nothing listens: RST, ECONNREFUSED
#   SYN   10.77.0.2:7104 -> 10.77.0.1:7004  SYNs dropped by nft: one SYN retransmit
#   burst 20 connections 10.77.0.2:<ephemeral> -> 10.77.0.1:7005 (several pages)
# capture.json records the kernel release and CLOCK_MONOTONIC before and after.
# Needs real root. tracefs is mounted only in a private mount namespace; the initial
# network namespace is not touched. Usage: scripts/capture-trace-data.sh [out-dir]
set -euo pipefail
out=$(realpath -m "${1:-$(dirname "$0")/../tests/data/tracefs}")
mkdir -p "$out"
export OUT="$out"

exec unshare --mount --propagation private bash -euo pipefail -c '
T=/sys/kernel/tracing
mount -t tracefs nodev $T
events="sock/inet_sock_set_state tcp/tcp_retransmit_skb tcp/tcp_receive_reset tcp/tcp_send_reset sock/inet_sk_error_report tcp/tcp_retransmit_synack"
for e in $events; do mkdir -p "$OUT/$e"; cat $T/events/$e/format > "$OUT/$e/format"; done
cat $T/events/header_page > "$OUT/header_page"  # cat: tracefs files are 0440
I=$T/instances/crashlab-capture-$$
mkdir $I
trap "echo 0 > $I/tracing_on; rmdir $I" EXIT
echo mono > $I/trace_clock
echo 64 > $I/buffer_size_kb
ports="sport >= 7001 && sport <= 7104 || dport >= 7001 && dport <= 7104 || dport == 7005 || sport == 7005"
for e in $events; do
  grep -q "sport;" $I/events/$e/format && echo "$ports" > $I/events/$e/filter
  echo 1 > $I/events/$e/enable
done
before=$(python3 -c "import time; print(time.monotonic_ns())")
unshare --net python3 - <<"PY"
import socket, subprocess, time
def sh(*a): subprocess.run(a, check=True)
sh("ip", "link", "set", "lo", "up")
sh("ip", "addr", "add", "10.77.0.1/24", "dev", "lo")
sh("ip", "addr", "add", "10.77.0.2/24", "dev", "lo")
sh("ip", "addr", "add", "fd00:77::1/128", "dev", "lo", "nodad")
sh("ip", "addr", "add", "fd00:77::2/128", "dev", "lo", "nodad")
sh("nft", "add table inet capture; add chain inet capture in { type filter hook input priority 0; };"
   " add rule inet capture in tcp dport 7004 drop")

def exchange(family, server, client):
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.bind(server); srv.listen(1)
    cli = socket.socket(family, socket.SOCK_STREAM)
    cli.bind(client); cli.connect(server)
    conn, _ = srv.accept()
    cli.sendall(b"hello"); conn.recv(5); conn.sendall(b"world"); cli.recv(5)
    cli.close(); time.sleep(0.05); conn.close(); srv.close()
    time.sleep(0.3)  # > 2^27 ns between bursts: the pages get time extends

exchange(socket.AF_INET, ("10.77.0.1", 7001), ("10.77.0.2", 7101))
exchange(socket.AF_INET6, ("fd00:77::1", 7002), ("fd00:77::2", 7102))
refused = socket.socket(); refused.bind(("10.77.0.2", 7103))
try: refused.connect(("10.77.0.1", 7003))
except ConnectionRefusedError: pass
refused.close(); time.sleep(0.3)
dropped = socket.socket(); dropped.bind(("10.77.0.2", 7104)); dropped.settimeout(1.5)
try: dropped.connect(("10.77.0.1", 7004))  # the first SYN retransmit comes after 1 s
except (TimeoutError, socket.timeout): pass
dropped.close()
burst = socket.socket(); burst.bind(("10.77.0.1", 7005)); burst.listen(32)
for _ in range(20):
    c = socket.socket(); c.bind(("10.77.0.2", 0)); c.connect(("10.77.0.1", 7005))
    a, _ = burst.accept(); c.close(); a.close()
burst.close()
PY
after=$(python3 -c "import time; print(time.monotonic_ns())")
for e in $events; do echo 0 > $I/events/$e/enable; done
rm -f "$OUT"/pages/*; mkdir -p "$OUT/pages"
for d in $I/per_cpu/cpu*; do
  python3 - "$d/trace_pipe_raw" "$OUT/pages/$(basename $d)" <<"PY"
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
n = 0
while True:
    try: page = os.read(fd, 4096)
    except BlockingIOError: break
    if not page: break
    open(f"{sys.argv[2]}-{n}.raw", "wb").write(page); n += 1
PY
done
printf "{\"kernel\": \"%s\", \"monotonic_before_ns\": %s, \"monotonic_after_ns\": %s}\n" \
  "$(uname -r)" "$before" "$after" > "$OUT/capture.json"
ls -l "$OUT/pages"
'
