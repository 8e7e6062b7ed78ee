#include "netns/observe/observation.hpp"

#include <algorithm>
#include <cstdio>

#include "netns/wire/tcp_state.hpp"

namespace crashlab {

namespace {
const int kTimeWait = tcp_state_from_name("TIME_WAIT");
const int kClose = tcp_state_from_name("CLOSE");
const int kSynRecv = tcp_state_from_name("SYN_RECV");
constexpr std::chrono::microseconds kSamplingPeriod(1000);  // without tracepoints

const int kEstablished = tcp_state_from_name("ESTABLISHED");


bool is_fin_state(int s) {
  static const int fw1 = tcp_state_from_name("FIN_WAIT1"), fw2 = tcp_state_from_name("FIN_WAIT2"),
                   closing = tcp_state_from_name("CLOSING");
  return s == fw1 || s == fw2 || s == closing;
}
}  // namespace

bool is_request_socket(const std::vector<StateAt>& sampled) {
  return !sampled.empty() && sampled.front().state == kSynRecv &&
         std::none_of(sampled.begin(), sampled.end(), [](const StateAt& s) { return s.state == kEstablished; });
}

std::vector<StateAt> without_end(std::vector<StateAt> sampled) {
  std::erase_if(sampled, [](const StateAt& s) { return s.state == kClose; });
  // A dump that missed it for a moment made a CLOSE and a second SYN_RECV of one
  // socket: with the CLOSE gone, that is one state, kept at its first sighting.
  sampled.erase(std::unique(sampled.begin(), sampled.end(),
                            [](const StateAt& a, const StateAt& b) { return a.state == b.state; }),
                sampled.end());
  return sampled;
}

Observation::Observation(uint16_t port) {
  try {
    trace_ = TraceObserver::start({port}, &traced_);
    note_ = trace_->notes();
  } catch (const TraceUnavailable& e) {
    note_ = std::string("tracepoints unavailable, sampling with sock_diag: ") + e.what();
  }
  if (trace_)
    sampler_ = std::make_unique<DiagSampler>(port, std::chrono::microseconds(0), SamplerFeeds{&traced_, &changed_});
  else
    sampler_ = std::make_unique<DiagSampler>(port, kSamplingPeriod, SamplerFeeds{nullptr, &changed_});
}

std::string Observation::note() const {
  std::lock_guard lk(mu_);
  std::string n = note_;
  if (!trace_) {
    char gap[96];
    std::snprintf(gap, sizeof gap, "sampler's longest gap %.1f ms", sampler_->longest_gap_ms());
    n += (n.empty() ? "" : "; ") + std::string(gap);
    if (std::string early = sampler_->ended_early(); !early.empty()) n += "; " + early;
  }
  if (sampler_)
    if (std::string failed = sampler_->failed_dumps(); !failed.empty()) n += (n.empty() ? "" : "; ") + failed;
  for (const auto& side : incomplete_)
    n += (n.empty() ? "" : "; ") + std::string("tracepoint stream incomplete for ") + side +
         ": its final CLOSE comes from sock_diag, sampled after the next traced event or at the end";
  return n;
}

uint64_t Observation::lost_events() const {
  if (!trace_) return 0;
  std::lock_guard lk(mu_);
  return trace_->lost() + incomplete_.size();
}

std::string Observation::name() const { return trace_ ? "tracepoint" : sampler_->name(); }

std::string Observation::resolution() const {
  return trace_ ? "exact (kernel tracepoint sock:inet_sock_set_state)" : sampler_->resolution();
}

std::vector<StateAt> Observation::traced_states(const ConnKey& side) {
  std::vector<StateAt> out;
  for (const KernelEvent& e : trace_->events()) {
    if (e.kind != KernelEvent::Kind::StateChange) continue;
    if (e.saddr != side.local_addr || e.sport != side.local_port || e.daddr != side.remote_addr ||
        e.dport != side.remote_port)
      continue;
    out.push_back({e.t_ns, e.newstate});
  }
  // A TIME_WAIT socket is a separate mini-socket: the tracepoint shows the full
  // socket going FIN_WAIT2 -> CLOSE at the moment the TIME_WAIT one replaced it.
  auto sampled = sampler_->states(side);
  // A listener's request socket never passes through inet_sock_set_state:
  // sock_diag, sampled at each traced event (its SYN-ACK retransmissions), is all
  // that shows it.
  if (out.empty() && is_request_socket(sampled)) return without_end(std::move(sampled));
  bool saw_time_wait = false;
  for (const auto& s : sampled) saw_time_wait |= s.state == kTimeWait;
  if (saw_time_wait && out.size() >= 2 && out.back().state == kClose && is_fin_state(out[out.size() - 2].state))
    out.back().state = kTimeWait;
  // The kernel unhashes a socket a few microseconds before its CLOSE event is
  // written, and a trace can lose events (the old perf observer did). If sock_diag
  // saw the socket vanish after the last traced state, take the CLOSE from it and
  // say so for as long as the trace lacks it, rather than report a socket that
  // never closed.
  const bool missing_close = !out.empty() && !sampled.empty() && sampled.back().state == kClose &&
                             sampled.back().t_ns > out.back().t_ns && out.back().state != kClose &&
                             out.back().state != kTimeWait;
  if (missing_close) out.push_back(sampled.back());
  std::lock_guard lk(mu_);
  if (missing_close)
    incomplete_.insert(side.text());
  else
    incomplete_.erase(side.text());
  return out;
}

std::vector<std::string> Observation::kernel_timeline() {
  std::vector<std::string> out;
  if (trace_)
    for (const KernelEvent& e : trace_->events()) out.push_back(std::to_string(e.t_ns) + " " + to_string(e));
  return out;
}

std::vector<KernelEvent> Observation::kernel_events() { return trace_ ? trace_->events() : std::vector<KernelEvent>{}; }

std::vector<StateAt> Observation::states(const ConnKey& side) {
  if (trace_) return traced_states(side);
  std::vector<StateAt> sampled = sampler_->states(side);
  return is_request_socket(sampled) ? without_end(std::move(sampled)) : sampled;
}

std::optional<std::string> Observation::current_state(const ConnKey& side) {
  sampler_->sample_now();
  if (auto e = sampler_->latest(side)) return tcp_state_name(e->state);
  return std::nullopt;
}

}  // namespace crashlab
