#include "netns/observe/diag/diag_sampler.hpp"

#include <poll.h>

#include <cerrno>
#include <cstring>

#include "netns/sys/clock.hpp"

namespace crashlab {

DiagSampler::DiagSampler(uint16_t port, std::chrono::microseconds period, SamplerFeeds feeds)
    : port_(port), period_(period), feeds_(feeds), thread_([this] { loop(); }) {}

DiagSampler::~DiagSampler() { stop(); }

void DiagSampler::stop() {
  stopping_ = true;
  stop_fd_.signal();
  if (thread_.joinable()) thread_.join();
}

void DiagSampler::watch(const NetNs& ns) {
  auto diag = std::make_unique<SockDiag>(ns);
  std::lock_guard lk(mu_);
  diags_[ns.inode()] = std::move(diag);
}

void DiagSampler::unwatch(const NetNs& ns) {
  std::lock_guard lk(mu_);
  diags_.erase(ns.inode());
}

std::string DiagSampler::resolution() const {
  if (period_.count() == 0) return "sampled on request";
  return std::to_string(period_.count()) + " us sampling (states shorter than that can be missed)";
}

void DiagSampler::loop() {
  pollfd fds[2] = {{stop_fd_.fd(), POLLIN, 0}, {feeds_.requests ? feeds_.requests->fd() : -1, POLLIN, 0}};
  const timespec period{time_t(period_.count() / 1000000), long(period_.count() % 1000000) * 1000};
  bool requested = false;
  while (!stopping_) {
    if (period_.count() > 0 || requested) {
      std::unique_lock lk(mu_);
      const bool changed = sample_once();
      lk.unlock();
      const int64_t now = monotonic_ns();
      if (period_.count() > 0 && last_loop_sample_ns_ > 0 && now - last_loop_sample_ns_ > longest_gap_ns_)
        longest_gap_ns_ = now - last_loop_sample_ns_;
      last_loop_sample_ns_ = now;
      if ((changed || requested) && feeds_.changed) feeds_.changed->signal();
    }
    // With a period, that period (sock_diag has no state-change feed); without, the next
    // request. Either way stop() wakes it.
    if (::ppoll(fds, 2, period_.count() > 0 ? &period : nullptr, nullptr) < 0 && errno != EINTR) {
      loop_errno_ = errno;
      return;
    }
    requested = feeds_.requests && feeds_.requests->take();
  }
}

bool DiagSampler::sample_once(bool* failed) {
  std::vector<NamespaceDump> dumps;
  for (auto& [ino, diag] : diags_) {
    NamespaceDump& d = dumps.emplace_back(NamespaceDump{ino, std::nullopt});
    try {
      d.sockets = diag->dump(port_);
    } catch (const std::exception& e) {
      ++failed_dumps_;
      last_dump_error_ = e.what();
      if (failed) *failed = true;
    }
  }
  return fold_dumps(tracks_, dumps, monotonic_ns());
}

std::string DiagSampler::ended_early() const {
  const int err = loop_errno_;
  return err ? std::string("its thread ended early: ppoll: ") + std::strerror(err) : "";
}

void DiagSampler::sample_now() {
  std::lock_guard lk(mu_);
  bool failed = false;
  sample_once(&failed);
  for (int again = 0; failed && again < 2; ++again) {
    failed = false;
    sample_once(&failed);
  }
}

std::string DiagSampler::failed_dumps() const {
  std::lock_guard lk(mu_);
  if (failed_dumps_ == 0) return "";
  return "sock_diag dump failed " + std::to_string(failed_dumps_) + " time(s), last: " + last_dump_error_ +
         " (that namespace's sockets kept their last sampled state)";
}

std::vector<StateAt> DiagSampler::states(const ConnKey& side) {
  std::lock_guard lk(mu_);
  auto it = tracks_.find(side.text());
  return it == tracks_.end() ? std::vector<StateAt>{} : it->second.states;
}

std::optional<SockEntry> DiagSampler::latest(const ConnKey& side) {
  std::lock_guard lk(mu_);
  auto it = tracks_.find(side.text());
  if (it == tracks_.end() || !it->second.present) return std::nullopt;
  return it->second.last;
}

}  // namespace crashlab
