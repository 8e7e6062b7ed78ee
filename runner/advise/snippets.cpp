#include "runner/advise/snippets.hpp"

#include <algorithm>
#include <functional>

namespace crashlab::runner::advise {

namespace {
using std::to_string;

bool per_socket(const Settings& s) { return s.scope == Scope::Socket; }
bool sets_keepalive(const Settings& s) { return s.keepalive && per_socket(s); }

std::string c_snippet(const Settings& s, const Request&) {
  std::string t;
  if (s.keepalive) t += "int on = 1;\nsetsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);\n";
  if (sets_keepalive(s))
    t += "int idle = " + to_string(s.keepidle_s) + ", intvl = " + to_string(s.keepintvl_s) + ", cnt = " + to_string(s.keepcnt) +
         ";\nsetsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);\n"
         "setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl);\n"
         "setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt);\n";
  if (s.user_timeout_ms)
    t += "unsigned int user_timeout_ms = " + to_string(*s.user_timeout_ms) +
         ";\nsetsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms, sizeof user_timeout_ms);\n";
  return t.empty() ? "/* nothing to set per socket */\n" : t;
}

std::string python_snippet(const Settings& s, const Request&) {
  std::string t;
  if (s.keepalive) t += "sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)\n";
  if (sets_keepalive(s))
    t += "sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, " + to_string(s.keepidle_s) +
         ")\nsock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, " + to_string(s.keepintvl_s) +
         ")\nsock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, " + to_string(s.keepcnt) + ")\n";
  if (s.user_timeout_ms)
    t += "sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, " + to_string(*s.user_timeout_ms) + ")  # ms\n";
  return t.empty() ? "# nothing to set per socket\n" : t;
}

std::string go_snippet(const Settings& s, const Request&) {
  std::string t = "// Go 1.23+; net.ListenConfig has the same two fields for servers.\nd := net.Dialer{\n";
  if (sets_keepalive(s))
    t += "\tKeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: " + to_string(s.keepidle_s) +
         " * time.Second, Interval: " + to_string(s.keepintvl_s) + " * time.Second, Count: " + to_string(s.keepcnt) + "},\n";
  else if (s.keepalive)
    t += "\t// -1 leaves the kernel's values (the sysctls); 0 would mean Go's own 15 s / 15 s / 9\n"
         "\tKeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: -1, Interval: -1, Count: -1},\n";
  else
    t += "\tKeepAlive: -1, // Go turns keepalive on (15 s) unless told not to\n";
  if (s.user_timeout_ms)
    t += "\tControl: func(network, address string, c syscall.RawConn) error {\n"
         "\t\tvar serr error\n"
         "\t\tif err := c.Control(func(fd uintptr) {\n"
         "\t\t\tserr = unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_USER_TIMEOUT, " + to_string(*s.user_timeout_ms) +
         ")\n\t\t}); err != nil {\n\t\t\treturn err\n\t\t}\n\t\treturn serr\n\t}, // golang.org/x/sys/unix\n";
  return t + "}\n";
}

std::string java_snippet(const Settings& s, const Request&) {
  std::string t;
  if (s.keepalive) t += "socket.setOption(StandardSocketOptions.SO_KEEPALIVE, true);\n";
  if (sets_keepalive(s))
    t += "socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, " + to_string(s.keepidle_s) +
         ");      // jdk.net, JDK 11+\nsocket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, " + to_string(s.keepintvl_s) +
         ");\nsocket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, " + to_string(s.keepcnt) + ");\n";
  if (s.user_timeout_ms)
    t += "// TCP_USER_TIMEOUT=" + to_string(*s.user_timeout_ms) +
         ": the JDK has no option for it. Busy connections need it from native code,\n"
         "// or net.ipv4.tcp_retries2 on the host (crashlab advise --scope sysctl --traffic busy).\n";
  return t.empty() ? "// nothing to set per socket\n" : t;
}

std::string libpq_snippet(const Settings& s, const Request&) {
  std::string t = "keepalives=" + std::string(s.keepalive ? "1" : "0");
  if (sets_keepalive(s))
    t += " keepalives_idle=" + to_string(s.keepidle_s) + " keepalives_interval=" + to_string(s.keepintvl_s) +
         " keepalives_count=" + to_string(s.keepcnt);
  if (s.user_timeout_ms) t += " tcp_user_timeout=" + to_string(*s.user_timeout_ms);
  return "# connection string (or the PGKEEPALIVES... / PGTCPUSERTIMEOUT environment)\n" + t + "\n";
}

std::string postgresql_snippet(const Settings& s, const Request&) {
  std::string t = "# postgresql.conf: the server turns SO_KEEPALIVE on for every TCP client connection\n";
  if (sets_keepalive(s))
    t += "tcp_keepalives_idle = " + to_string(s.keepidle_s) + "\ntcp_keepalives_interval = " + to_string(s.keepintvl_s) +
         "\ntcp_keepalives_count = " + to_string(s.keepcnt) + "\n";
  else
    t += "tcp_keepalives_idle = 0        # 0: the kernel's value (the sysctls)\n";
  if (s.user_timeout_ms) t += "tcp_user_timeout = " + to_string(*s.user_timeout_ms) + "   # ms, PostgreSQL 12+\n";
  return t;
}

std::string redis_snippet(const Settings&, const Request& r) {
  const int n = redis_tcp_keepalive(r);
  std::string t = "# redis.conf: one number sets TCP_KEEPIDLE=N, TCP_KEEPINTVL=N/3 and TCP_KEEPCNT=3 (anetKeepAlive);\n"
                  "# Redis cannot set the interval or count apart, nor TCP_USER_TIMEOUT.\n";
  if (!r.wants_idle()) return t + "# Busy connections only: nothing in redis.conf; net.ipv4.tcp_retries2 on the host decides.\n";
  if (n == 0) return t + "# No tcp-keepalive value meets this request for idle connections.\n";
  const Settings rs = redis_keepalive(n);
  const SideOutcome idle = evaluate_idle(rs, r.hz);
  t += "tcp-keepalive " + to_string(n) + "\n# = TCP_KEEPIDLE " + to_string(rs.keepidle_s) + ", TCP_KEEPINTVL " +
       to_string(rs.keepintvl_s) + ", TCP_KEEPCNT 3: idle detection " + duration_text(*idle.detection.earliest_ms) + " to " +
       duration_text(*idle.detection.worst_ms) + ", outages up to " + duration_text(idle.tolerated_ms.value_or(0)) +
       " survived\n";
  if (r.wants_busy()) t += "# Busy connections: net.ipv4.tcp_retries2 on the host (crashlab advise --scope sysctl --traffic busy).\n";
  return t;
}

std::string sysctl_snippet(const Settings& s, const Request&) {
  std::string t;
  if (per_socket(s)) {
    t = "# Per socket: no sysctl is needed. Namespace-wide equivalents of the keepalive values\n"
        "# (defaults for sockets that turn SO_KEEPALIVE on without setting them):\n";
    if (s.keepalive)
      t += "# net.ipv4.tcp_keepalive_time = " + to_string(s.keepidle_s) + "\n# net.ipv4.tcp_keepalive_intvl = " +
           to_string(s.keepintvl_s) + "\n# net.ipv4.tcp_keepalive_probes = " + to_string(s.keepcnt) + "\n";
    if (s.user_timeout_ms) t += "# TCP_USER_TIMEOUT has no sysctl: the nearest is net.ipv4.tcp_retries2 (--scope sysctl).\n";
    return t;
  }
  t = "# /etc/sysctl.d/90-dead-peer.conf (per network namespace); SO_KEEPALIVE must still be on per socket\n";
  if (s.keepalive)
    t += "net.ipv4.tcp_keepalive_time = " + to_string(s.keepidle_s) + "\nnet.ipv4.tcp_keepalive_intvl = " +
         to_string(s.keepintvl_s) + "\nnet.ipv4.tcp_keepalive_probes = " + to_string(s.keepcnt) + "\n";
  if (s.tcp_retries2 != model::KernelParams{}.tcp_retries2) t += "net.ipv4.tcp_retries2 = " + to_string(s.tcp_retries2) + "\n";
  return t;
}

struct Target {
  const char* target;
  const char* title;
  std::function<std::string(const Settings&, const Request&)> make;
};

const std::vector<Target> kTargets = {
    {"c", "C (setsockopt)", c_snippet},
    {"python", "Python (socket)", python_snippet},
    {"go", "Go (net.Dialer, KeepAliveConfig)", go_snippet},
    {"java", "Java (jdk.net.ExtendedSocketOptions)", java_snippet},
    {"libpq", "libpq connection parameters", libpq_snippet},
    {"postgresql", "PostgreSQL server settings", postgresql_snippet},
    {"redis", "Redis (tcp-keepalive)", redis_snippet},
    {"sysctl", "sysctl", sysctl_snippet},
};
}  // namespace

Settings redis_keepalive(int n) {
  Settings s;
  s.keepalive = true;
  s.keepidle_s = n;
  s.keepintvl_s = std::max(1, n / 3);
  s.keepcnt = 3;
  return s;
}

int redis_tcp_keepalive(const Request& r) {
  for (int n = int(r.detect_within_ms / 1000); n >= 1; --n) {
    const Settings s = redis_keepalive(n);
    if ((s.keepidle_s + 3 * s.keepintvl_s) * 1000 > r.detect_within_ms) continue;  // timers are never early
    // Two intervals between the first and the last probe, each at most 1/8 late: smaller n only shortens them.
    if (r.survive_outage_ms > 0 && 2 * (s.keepintvl_s * 1125.0 + r.tick_ms()) < double(r.survive_outage_ms)) break;
    if (side_meets(evaluate_idle(s, r.hz), r)) return n;
  }
  return 0;
}

std::vector<Snippet> snippets(const Settings& s, const Request& r) {
  std::vector<Snippet> out;
  for (const Target& t : kTargets) out.push_back({t.target, t.title, t.make(s, r)});
  return out;
}

}  // namespace crashlab::runner::advise
