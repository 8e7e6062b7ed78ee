#include "runner/predict/past_horizon.hpp"

#include "runner/ms_text.hpp"
#include "runner/predict/neighbour.hpp"

namespace crashlab::runner {

std::optional<DataPastHorizon> data_past_horizon(const PredictionInput& in, const model::Prediction& alone) {
  if (!in.send_ms) return std::nullopt;
  const double send = *in.send_ms;
  const auto h = neighbour_horizon(in, send);
  if (!h) return std::nullopt;
  DataPastHorizon out{*h, in.arp_probes * neigh_probe_interval_ms(in), {}, {}};
  // A transmission can meet the failed entry when its latest moment is at or after the horizon.
  auto may_meet = [&](const model::Firing& f) { return send + double(f.at_us + f.late_max_us) / 1e3 >= h->fails_from_ms; };
  if (send >= h->fails_from_ms) {
    out.not_covered = "the send itself may wait for broadcast ARP (" + h->why + ")";
    return out;
  }
  model::NeighbourFailure failure;
  failure.probes = in.arp_probes;
  failure.probe_delay_us = int64_t(neigh_retrans_delay_ms(in) * 1000);
  for (const model::Firing& f : alone.schedule) {
    if (!may_meet(f)) continue;
    if (f.kind != "retransmit") {
      out.not_covered = f.kind + " #" + std::to_string(f.n) + " at " + ms_text(send + double(f.at_us) / 1e3, 0) +
                        " may wait for broadcast ARP (" + h->why + ")";
      out.chains.clear();
      return out;
    }
    // From its earliest moment on: the retransmission before it goes out in every timer-wheel phase.
    failure.from_us = f.at_us;
    out.chains.push_back(model::predict_data_retransmission(in.kernel, in.socket, in.flight, failure));
  }
  if (out.chains.empty()) return std::nullopt;
  return out;
}

}  // namespace crashlab::runner
