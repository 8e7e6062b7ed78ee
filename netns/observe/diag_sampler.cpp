#include "netns/observe/diag_sampler.hpp"

#include <set>

#include "netns/clock.hpp"

namespace crashlab {

namespace {
constexpr int kClose = 7;
ConnKey key_of(const SockEntry& e) { return {e.saddr, e.sport, e.daddr, e.dport}; }
}  // namespace

DiagSampler::DiagSampler(uint16_t port, std::chrono::microseconds interval)
    : port_(port), interval_(interval), thread_([this] { loop(); }) {}

DiagSampler::~DiagSampler() { stop(); }

void DiagSampler::stop() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
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
  return std::to_string(interval_.count()) + " us sampling (states shorter than that can be missed)";
}

void DiagSampler::loop() {
  std::unique_lock lk(mu_);
  while (!stopping_) {
    sample_once();
    // A sampling period, not a wait for an event: sock_diag has no state-change feed.
    cv_.wait_for(lk, interval_, [this] { return stopping_; });
  }
}

void DiagSampler::sample_once() {
  std::vector<SockEntry> seen;
  for (auto& [ino, diag] : diags_) {
    try {
      auto part = diag->dump(port_);
      seen.insert(seen.end(), part.begin(), part.end());
    } catch (const std::exception&) {
      // A namespace being torn down; its sockets read as gone.
    }
  }
  int64_t now = monotonic_ns();
  std::set<std::string> present;
  for (const SockEntry& e : seen) {
    if (e.state == 10 /* LISTEN */) continue;
    std::string k = key_of(e).text();
    present.insert(k);
    Track& t = tracks_[k];
    if (t.states.empty() || t.states.back().state != e.state) t.states.push_back({now, e.state});
    t.last = e;
    t.present = true;
  }
  for (auto& [k, t] : tracks_) {
    if (t.present && !present.count(k)) {
      t.present = false;
      if (t.states.back().state != kClose) t.states.push_back({now, kClose});
    }
  }
}

void DiagSampler::sample_now() {
  std::lock_guard lk(mu_);
  sample_once();
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
