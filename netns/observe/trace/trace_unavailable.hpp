#pragma once
#include <stdexcept>
#include <string>

#include "netns/sys/errors.hpp"

namespace crashlab {

// The tracepoint observer cannot run here; the message names the failing step.
struct TraceUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void fail_trace(const std::string& what, int err) {
  throw TraceUnavailable(what + ": " + errno_name(err));
}

}  // namespace crashlab
