#pragma once
// Whether a segment a side's kernel emitted really left its host. The tracepoints
// see a crashed host's kernel send a RST while its processes die, but the fault
// cut that host's link first: nothing it sent reached the wire.
#include <string>

#include "runner/report/result.hpp"

namespace crashlab::runner::report {

// Why a segment `side` emitted t ms after the fault never left its host ("host
// down", "link down"), or "" when it did: the fault's kind says whether it cuts
// its target's link, and the link stays cut from the fault to the recovery (if any).
std::string unsent_reason(const Result& r, const std::string& side, double t);

}  // namespace crashlab::runner::report
