#include "model/format.hpp"

#include <cstdio>

#include "model/kernel_time.hpp"

namespace crashlab::model::detail {

std::string secs(int64_t us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(us) / 1e6);
  return buf;
}

std::string secs_j(int64_t j, int hz) { return secs(jiffies_to_usecs(j, hz)); }

// tcp_write_err(): sk_err = sk_err_soft ? : ETIMEDOUT.
std::string error_name(const std::string& soft_error) {
  return soft_error.empty() ? "ETIMEDOUT" : soft_error;
}

}  // namespace crashlab::model::detail
