#pragma once
// Text helpers for Prediction::reason.

#include <cstdint>
#include <string>

namespace crashlab::model::detail {

std::string secs(int64_t us);             // "3.000 s"
std::string secs_j(int64_t j, int hz);    // jiffies as seconds
std::string error_name(const std::string& soft_error);  // soft error or "ETIMEDOUT"

}  // namespace crashlab::model::detail
