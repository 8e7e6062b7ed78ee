#include "runner/judge/firings.hpp"

namespace crashlab::runner {

bool is_retransmission(const std::string& kind) {
  return kind == "retransmit" || kind == "tail_loss_probe" || kind == "syn_retransmit";
}

std::vector<PredictedFiring> predicted_retransmissions(const SidePrediction& p) {
  std::vector<PredictedFiring> out;
  for (const auto& f : p.schedule)
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

}  // namespace crashlab::runner
