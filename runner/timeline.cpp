#include "runner/timeline.hpp"

#include <algorithm>

#include "netns/errors.hpp"
#include "netns/tcp_state.hpp"

namespace crashlab {

namespace {
using Json = nlohmann::json;

bool local_is(const KernelEvent& e, const ConnKey& k) { return e.saddr == k.local_addr && e.sport == k.local_port; }
bool remote_is(const KernelEvent& e, const ConnKey& k) { return e.daddr == k.remote_addr && e.dport == k.remote_port; }

Json entry(double t_ms, const std::string& side, const std::string& kind, const std::string& detail,
           const std::string& source) {
  return {{"t_ms", t_ms}, {"side", side.empty() ? Json(nullptr) : Json(side)}, {"kind", kind}, {"detail", detail},
          {"source", source}};
}

void add_kernel_events(CaseResult& res, const std::vector<KernelEvent>& kernel, Json& tl) {
  auto ms = [&](int64_t t) { return double(t - res.fault_t_ns) / 1e6; };
  for (auto& [role, side] : res.sides) {
    const ConnKey& k = side.key;
    for (const KernelEvent& e : kernel)
      if (e.kind == KernelEvent::Kind::Retransmit && e.t_ns >= res.fault_t_ns && local_is(e, k) && remote_is(e, k))
        side.retransmissions_t_ns.push_back(e.t_ns);
    // For the picture, a firing pairs with an observation within half a second.
    auto predicted = predicted_retransmissions(side);
    std::vector<double> seen;
    for (int64_t t : side.retransmissions_t_ns) seen.push_back(ms(t));
    auto pairs = pair_firings(predicted, seen, [](const PredictedFiring& f, double at) {
      return at >= f.at_ms - 500 && at <= f.at_ms + f.late_max_ms + 500;
    });
    std::vector<int> firing_of(seen.size(), -1);
    for (size_t i = 0; i < pairs.size(); ++i)
      if (pairs[i] >= 0) firing_of[size_t(pairs[i])] = int(i);
    size_t n = 0;
    for (const KernelEvent& e : kernel) {
      if (!local_is(e, k) || !remote_is(e, k)) continue;
      using K = KernelEvent::Kind;
      if (e.kind == K::Retransmit && e.t_ns >= res.fault_t_ns) {
        std::string kind = e.state == tcp_state_from_name("SYN_SENT") ? "syn_retransmit" : "retransmit";
        Json j = entry(ms(e.t_ns), role, kind, "#" + std::to_string(n + 1), "tracepoint");
        if (int f = firing_of[n]; f >= 0) {
          j["kind"] = predicted[size_t(f)].kind;
          j["predicted_ms"] = predicted[size_t(f)].at_ms;
        }
        ++n;
        tl.push_back(j);
      } else if (e.kind == K::ReceiveReset) {
        tl.push_back(entry(ms(e.t_ns), role, "reset_received", e.state ? "RST in " + tcp_state_name(e.state) : "RST",
                           "tracepoint"));
      } else if (e.kind == K::SendReset) {
        tl.push_back(entry(ms(e.t_ns), role, "reset_sent", e.reason.empty() ? "RST" : "RST: " + e.reason, "tracepoint"));
      } else if (e.kind == K::ErrorReport && e.error != 0) {
        tl.push_back(entry(ms(e.t_ns), role, "error_report", errno_name(e.error), "tracepoint"));
      }
    }
    // Firings the model expects that the kernel never showed, so a picture shows the gap.
    for (size_t i = 0; i < predicted.size(); ++i)
      if (pairs[i] < 0) {
        Json j = entry(predicted[i].at_ms, role, predicted[i].kind, "#" + std::to_string(i + 1) + " not observed", "model");
        j["predicted_ms"] = predicted[i].at_ms;
        tl.push_back(j);
      }
  }
}
}  // namespace

std::vector<PredictedFiring> predicted_retransmissions(const SideResult& s) {
  std::vector<PredictedFiring> out;
  if (s.predicted)
    for (const auto& f : s.predicted->schedule)
      if (is_retransmission(f.kind)) out.push_back(f);
  return out;
}

std::vector<int> pair_firings(const std::vector<PredictedFiring>& predicted, const std::vector<double>& observed_ms,
                              const std::function<bool(const PredictedFiring&, double)>& in_window) {
  std::vector<int> out(predicted.size(), -1);
  size_t next = 0;
  for (size_t i = 0; i < predicted.size(); ++i)
    for (size_t j = next; j < observed_ms.size(); ++j)
      if (in_window(predicted[i], observed_ms[j])) {
        out[i] = int(j);
        next = j + 1;
        break;
      }
  return out;
}

bool is_retransmission(const std::string& kind) {
  return kind == "retransmit" || kind == "tail_loss_probe" || kind == "syn_retransmit";
}

void build_timeline(CaseResult& res, const std::vector<KernelEvent>& kernel,
                    const std::map<std::string, std::vector<AppEvent>>& app_events) {
  Json tl = Json::array();
  tl.push_back(entry(0, res.fault_target, "fault", res.fault_type + " of the " + res.fault_target, "runner"));
  if (res.recovered_t_ns)
    tl.push_back(entry(double(*res.recovered_t_ns - res.fault_t_ns) / 1e6, res.fault_target, "recovery",
                       res.fault_type == "host-reboot" ? "the host is back" : "the partition heals", "runner"));
  const std::string state_source = res.observer == "tracepoint" ? "tracepoint" : "sock_diag";
  for (const auto& [role, side] : res.sides)
    for (const auto& st : side.states)
      tl.push_back(entry(double(st.t_ns - res.fault_t_ns) / 1e6, role, "state", tcp_state_name(st.state), state_source));
  add_kernel_events(res, kernel, tl);
  for (const auto& [role, events] : app_events)
    for (const AppEvent& e : events) {
      std::string detail = e.is(AppEventKind::Error) ? e.op + ": " + e.error : std::string(kind_name(e.kind));
      if (e.is(AppEventKind::Sent) || e.is(AppEventKind::Data)) detail += " " + std::to_string(e.bytes) + " bytes";
      tl.push_back(entry(double(e.t_ns - res.fault_t_ns) / 1e6, role, "app", detail, "endpoint"));
    }
  std::stable_sort(tl.begin(), tl.end(), [](const Json& a, const Json& b) { return a["t_ms"].get<double>() < b["t_ms"].get<double>(); });
  res.timeline = std::move(tl);
}

}  // namespace crashlab
