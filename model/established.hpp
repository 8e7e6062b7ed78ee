#pragma once
// The write-timer settings of an established connection with data in flight,
// shared by the live-socket and the orphan predictions.

#include <optional>

#include "model/tcp_model.hpp"
#include "model/write_timer.hpp"

namespace crashlab::model::detail {

// tcp_schedule_loss_probe(): the probe timeout armed when the data is sent,
// or nothing when no tail loss probe is scheduled.
std::optional<int64_t> tail_loss_probe_j(const KernelParams&, const FlightParams&, int64_t rto_j);

// Everything but the boundary, which differs between live sockets and orphans.
WriteTimerSetup established_setup(const KernelParams&, const SocketParams&, const FlightParams&);

// The sentences shared by the retransmission explanations.
std::string tlp_sentence(const Run&, int hz);
std::string user_timeout_sentence(const Run&, uint32_t user_timeout_ms, const std::string& error, int hz);
std::string ideal_timer_sentence(const Run& majority, const Run& nominal, int hz);

}  // namespace crashlab::model::detail
