#pragma once
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "netns/client/app_event.hpp"
#include "netns/trace_observer.hpp"
#include "runner/case_result.hpp"

namespace crashlab {

// Merges what each observer saw into res.timeline (times in ms after the fault;
// docs/results.md): the fault and its recovery, each side's state changes, the
// kernel's retransmissions (paired in order with the model's firings), resets and
// error reports, and the application's outcomes. Also fills each side's
// retransmissions_t_ns.
void build_timeline(CaseResult& res, const std::vector<KernelEvent>& kernel,
                    const std::map<std::string, std::vector<AppEvent>>& app_events);

// The model's firings that a tcp_retransmit_skb tracepoint shows (keepalive probes don't).
bool is_retransmission(const std::string& firing_kind);
std::vector<PredictedFiring> predicted_retransmissions(const SideResult& side);

// Pairs each predicted firing with the first later observed one (ms after the
// fault) inside its window; -1 where none is. One missing observation then
// leaves one firing unpaired instead of shifting every pairing after it.
std::vector<int> pair_firings(const std::vector<PredictedFiring>& predicted, const std::vector<double>& observed_ms,
                              const std::function<bool(const PredictedFiring&, double)>& in_window);

}  // namespace crashlab
