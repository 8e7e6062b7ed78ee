#include "netns/undo/undo_agent.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "netns/sys/errors.hpp"
#include "netns/undo/undo_child.hpp"

namespace crashlab {

namespace {
constexpr const char* kWhatOp[] = {"hold a namespace", "take a file to remove if abandoned", "release"};
static_assert(std::size(kWhatOp) == size_t(undo::Op::Count));
}  // namespace

UndoHandle::UndoHandle(UndoHandle&& o) noexcept
    : agent_(std::exchange(o.agent_, nullptr)), id_(std::exchange(o.id_, 0)) {}

UndoHandle& UndoHandle::operator=(UndoHandle&& o) noexcept {
  if (this != &o) {
    reset();
    agent_ = std::exchange(o.agent_, nullptr);
    id_ = std::exchange(o.id_, 0);
  }
  return *this;
}

void UndoHandle::reset() noexcept {
  if (auto* agent = std::exchange(agent_, nullptr)) agent->release(id_);
}

UndoAgent::UndoAgent() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) throw_errno("socketpair (crashlab-undo)");
  UniqueFd ours(fds[0]), theirs(fds[1]);
  const pid_t pid = ::fork();
  if (pid < 0) throw_errno("fork (crashlab-undo)");
  if (pid == 0) undo::run_undo_child(theirs.get());
  pid_ = pid;
  channel_ = std::move(ours);
  pidfd_ = UniqueFd(int(::syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd_) throw_errno("pidfd_open (crashlab-undo)");
}

UndoAgent::~UndoAgent() { close_and_wait(scaled(milliseconds(5000))); }

UndoAgent& UndoAgent::shared() {
  static UndoAgent* agent = new UndoAgent();  // never deleted: see the header
  return *agent;
}

UndoHandle UndoAgent::hold_namespace(int netns_fd) {
  return UndoHandle(this, exchange(undo::Op::HoldNamespace, 0, netns_fd, ""));
}

UndoHandle UndoAgent::remove_if_abandoned(const std::filesystem::path& file) {
  const std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : ".";
  const std::string name = file.filename().string();
  if (name.empty() || name.size() >= size_t(undo::kNameSize))
    throw_errno("crashlab-undo: a file name of 1 to 255 bytes, not " + file.string(), ENAMETOOLONG);
  UniqueFd dir_fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd) throw_errno("crashlab-undo: opening the folder " + dir.string());
  return UndoHandle(this, exchange(undo::Op::RemoveIfAbandoned, 0, dir_fd.get(), name));
}

uint64_t UndoAgent::exchange(undo::Op op, uint64_t id, int fd, const std::string& name) {
  std::lock_guard lk(mu_);
  if (!channel_) throw_errno("crashlab-undo (pid " + std::to_string(pid_) + ") was closed", EPIPE);
  undo::Request req;
  req.op = op;
  req.id = id ? id : next_id_++;
  std::memcpy(req.name, name.data(), std::min(name.size(), sizeof req.name - 1));
  iovec iov{&req, sizeof req};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  const std::string who = "crashlab-undo (pid " + std::to_string(pid_) + ")";
  while (::sendmsg(channel_.get(), &msg, MSG_NOSIGNAL) < 0)
    if (errno != EINTR) throw_errno("sending to " + who);
  // It answers at once; a bound keeps a stopped undo process from hanging us.
  const auto started = Clock::now();
  pollfd p{channel_.get(), POLLIN, 0};
  int ready;
  while ((ready = ::poll(&p, 1, poll_budget_ms(started + scaled(milliseconds(5000))))) < 0 && errno == EINTR) {
  }
  if (ready == 0) throw WaitTimeout(who + " to answer", "no answer", started);
  undo::Reply reply;
  ssize_t n;
  while ((n = ::recv(channel_.get(), &reply, sizeof reply, 0)) < 0 && errno == EINTR) {
  }
  if (n < 0) throw_errno("receiving from " + who);
  if (n != ssize_t(sizeof reply) || reply.id != req.id)
    throw_errno(who + " is gone or answered out of turn", n == 0 ? EPIPE : EPROTO);
  if (reply.error) throw_errno(who + " could not " + kWhatOp[size_t(op)], reply.error);
  return req.id;
}

void UndoAgent::release(uint64_t id) noexcept {
  try {
    exchange(undo::Op::Release, id, -1, "");
  } catch (const std::system_error& e) {
    // EPIPE: closed or gone, so it holds nothing any more, which is all a release asks.
    if (e.code().value() != EPIPE) std::fprintf(stderr, "crashlab: %s\n", e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crashlab: %s\n", e.what());
  }
}

std::optional<int> UndoAgent::close_and_wait(milliseconds timeout) {
  {
    std::lock_guard lk(mu_);
    channel_.reset();
  }
  if (pid_ <= 0) return std::nullopt;
  pollfd p{pidfd_.get(), POLLIN, 0};
  const auto deadline = Clock::now() + timeout;
  int ready;
  while ((ready = ::poll(&p, 1, poll_budget_ms(deadline))) < 0 && errno == EINTR) {
  }
  if (ready != 1) return std::nullopt;
  int status = 0;
  if (::waitpid(std::exchange(pid_, -1), &status, WNOHANG) <= 0) return std::nullopt;  // reaped elsewhere
  return status;
}

}  // namespace crashlab
