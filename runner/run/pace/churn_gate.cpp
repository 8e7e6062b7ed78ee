#include "runner/run/pace/churn_gate.hpp"

#include "netns/sys/wait.hpp"

namespace crashlab::runner {

namespace {
const milliseconds kMaxWait(30000);  // scaled; 100 steps of ~50 ms each fit well within it
}

ChurnGate& ChurnGate::process() {
  static ChurnGate gate;
  return gate;
}

ChurnGate::Hold::Hold(ChurnGate& g, bool step) : gate_(g), step_(step) {
  std::unique_lock lk(gate_.mu_);
  const auto deadline = Clock::now() + scaled(kMaxWait);
  if (step_) {
    ++gate_.steps_waiting_;
    gate_.cv_.wait_until(lk, deadline, [&] { return gate_.churning_ == 0 && gate_.steps_ == 0; });
    --gate_.steps_waiting_;
    ++gate_.steps_;
  } else {
    gate_.cv_.wait_until(lk, deadline, [&] { return gate_.steps_ == 0 && gate_.steps_waiting_ == 0; });
    ++gate_.churning_;
  }
}

ChurnGate::Hold::~Hold() {
  {
    std::lock_guard lk(gate_.mu_);
    --(step_ ? gate_.steps_ : gate_.churning_);
  }
  gate_.cv_.notify_all();
}

}  // namespace crashlab::runner
