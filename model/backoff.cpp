#include "model/backoff.hpp"

#include <stdexcept>

#include "model/kernel_time.hpp"

namespace crashlab::model {
namespace detail {

namespace {
// The shared formula, in whatever unit rto_base and rto_max are given.
int64_t model_timeout(int boundary, int64_t rto_base, int64_t rto_max) {
  if (boundary < 0 || rto_base <= 0 || rto_max < rto_base)
    throw std::invalid_argument("tcp_model_timeout: bad boundary or RTO bounds");
  const int linear_backoff_thresh = ilog2(rto_max / rto_base);
  if (boundary <= linear_backoff_thresh) return ((int64_t{2} << boundary) - 1) * rto_base;
  return ((int64_t{2} << linear_backoff_thresh) - 1) * rto_base +
         (boundary - linear_backoff_thresh) * rto_max;
}
}  // namespace

int64_t socket_rto_max_j(const KernelParams& kp, const SocketParams& sp) {
  return msecs_to_jiffies(sp.rto_max_ms.value_or(static_cast<int>(kp.tcp_rto_max_ms)), kp.hz);
}

int64_t socket_rto_min_j(const KernelParams& kp) { return usecs_to_jiffies(kp.tcp_rto_min_us, kp.hz); }

int64_t model_timeout_ms(int boundary, int64_t rto_base_j, int64_t rto_max_j, int hz) {
  return jiffies_to_msecs(model_timeout(boundary, rto_base_j, rto_max_j), hz);
}

}  // namespace detail

double hypothetical_retries2_timeout_s(int retries2, int64_t rto_min_us, int64_t rto_max_us) {
  return static_cast<double>(detail::model_timeout(retries2, rto_min_us, rto_max_us)) / 1e6;
}

}  // namespace crashlab::model
