#include "netns/undo/undo_child.hpp"

#include <fcntl.h>
#include <linux/netlink.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "netns/undo/socket_abort.hpp"
#include "netns/undo/undo_protocol.hpp"

namespace crashlab::undo {

namespace {
enum class Kind { Free, Namespace, File };

// All zero when free, so the table costs no space in the binary (.bss).
struct Held {
  Kind kind = Kind::Free;
  uint64_t id = 0;
  int fd = 0;    // the namespace, or the file's directory
  int diag = 0;  // a NETLINK_SOCK_DIAG socket inside the namespace, opened at EOF (-1 before)
  char name[kNameSize] = {};
};

// 4 namespaces and a capture per running case: room for a thousand at once.
constexpr int kCapacity = 4096;
Held g_held[kCapacity];  // only the child touches it
int g_used = 0;          // entries at and beyond it have never been used

Held* find(uint64_t id) {
  for (int i = 0; i < g_used; ++i)
    if (g_held[i].kind != Kind::Free && g_held[i].id == id) return &g_held[i];
  return nullptr;
}

int hold(Kind kind, const Request& req, int fd) {
  if (fd < 0) return EBADF;
  if (find(req.id)) return EEXIST;
  for (int i = 0; i < kCapacity; ++i) {
    Held& h = g_held[i];
    if (h.kind != Kind::Free) continue;
    if (i >= g_used) g_used = i + 1;
    h.kind = kind;
    h.id = req.id;
    h.fd = fd;
    h.diag = -1;
    std::memcpy(h.name, req.name, kNameSize);
    h.name[kNameSize - 1] = 0;
    return 0;
  }
  return ENOSPC;
}

int hold_namespace(const Request& req, int fd) { return hold(Kind::Namespace, req, fd); }

int remove_if_abandoned(const Request& req, int fd) {
  if (req.name[0] == 0 || std::memchr(req.name, '/', kNameSize) || !std::memchr(req.name, 0, kNameSize)) return EINVAL;
  return hold(Kind::File, req, fd);
}

int release(const Request& req, int fd) {
  if (fd >= 0) return EINVAL;
  Held* h = find(req.id);
  if (!h) return ENOENT;
  ::close(h->fd);
  *h = Held{};
  return 0;
}

using Handler = int (*)(const Request&, int fd);
constexpr Handler kHandlers[] = {hold_namespace, remove_if_abandoned, release};
static_assert(sizeof kHandlers / sizeof *kHandlers == size_t(Op::Count));

// One request and the descriptor that came with it (-1: none). False at EOF.
bool receive(Request& req, int& fd, ssize_t& size) {
  iovec iov{&req, sizeof req};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  for (;;) {
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    size = ::recvmsg(0, &msg, MSG_CMSG_CLOEXEC);
    if (size < 0 && errno == EINTR) continue;
    if (size <= 0) return false;
    fd = -1;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
    if (msg.msg_flags & MSG_CTRUNC) size = -EMFILE;  // the fd could not be taken
    return true;
  }
}

int answer(const Request& req, int fd, ssize_t size) {
  if (size == -EMFILE) return EMFILE;
  if (size != ssize_t(sizeof req) || uint32_t(req.op) >= uint32_t(Op::Count)) return EINVAL;
  return kHandlers[uint32_t(req.op)](req, fd);
}

void serve() {
  Request req;
  int fd = -1;
  ssize_t size = 0;
  while (receive(req, fd, size)) {
    const Reply reply{req.id, answer(req, fd, size), 0};
    if (reply.error && fd >= 0) ::close(fd);
    if (::send(0, &reply, sizeof reply, MSG_NOSIGNAL) < 0 && errno != EINTR) return;
  }
}

// Sockets first, in rounds: the runner's endpoints die at about the moment we
// are told (PR_SET_PDEATHSIG), so a socket may turn orphan after a first pass.
// Done when a round finds nothing left to abort; bounded at about a second.
bool abort_sockets() {
  bool ok = true, any = false;
  for (Held& h : g_held) {
    if (h.kind != Kind::Namespace) continue;
    any = true;
    if (::setns(h.fd, CLONE_NEWNET) == 0)
      h.diag = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    ok = ok && h.diag >= 0;
  }
  if (!any) return true;
  const timespec pause{0, 20'000'000};
  for (int round = 0; round < 50; ++round) {
    int aborted = 0;
    for (Held& h : g_held) {
      if (h.kind != Kind::Namespace || h.diag < 0) continue;
      const int n = abort_tcp_sockets(h.diag);
      if (n > 0) aborted += n;
      ok = ok && n >= 0;
    }
    if (aborted == 0 && round > 0) return ok;
    ::nanosleep(&pause, nullptr);
  }
  return false;
}

bool undo_all() {
  bool ok = abort_sockets();
  for (Held& h : g_held) {
    if (h.kind == Kind::Free) continue;
    if (h.kind == Kind::File && ::unlinkat(h.fd, h.name, 0) != 0 && errno != ENOENT) ok = false;
    if (h.diag >= 0) ::close(h.diag);
    ::close(h.fd);
    h = Held{};
  }
  return ok;
}
}  // namespace

void run_undo_child(int channel) {
  sigset_t all;
  ::sigfillset(&all);
  ::sigprocmask(SIG_BLOCK, &all, nullptr);  // only SIGKILL stops it
  ::setpgid(0, 0);                          // out of the caller's process group (Ctrl-C)
  ::prctl(PR_SET_NAME, "crashlab-undo", 0, 0, 0);
  ::dup2(channel, 0);
  ::syscall(SYS_close_range, 1u, ~0u, 0u);  // hold nothing of the parent's but the channel
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &files);
  }
  serve();
  ::_exit(undo_all() ? 0 : 1);
}

}  // namespace crashlab::undo
