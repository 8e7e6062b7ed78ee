#pragma once
// RTO constants and the retransmission-budget model of net/ipv4/tcp_timer.c.

#include <cstdint>

#include "model/tcp_model.hpp"

namespace crashlab::model::detail {

// include/net/tcp.h
inline int64_t tcp_rto_min_const_j(int hz) { return hz / 5; }  // TCP_RTO_MIN, 200 ms
inline int64_t tcp_timeout_init_j(int hz) { return hz; }       // TCP_TIMEOUT_INIT, 1 s

// tcp_rto_max(sk): icsk_rto_max = msecs_to_jiffies(TCP_RTO_MAX_MS or
// net.ipv4.tcp_rto_max_ms) -- set in tcp_init_sock() / do_tcp_setsockopt().
int64_t socket_rto_max_j(const KernelParams&, const SocketParams&);

// tcp_rto_min(sk): icsk_rto_min = usecs_to_jiffies(net.ipv4.tcp_rto_min_us).
int64_t socket_rto_min_j(const KernelParams&);

// tcp_model_timeout(): the time `boundary` exponentially backed-off
// retransmissions would take starting from rto_base, with the RTO capped at
// rto_max -- linear sum once the cap is reached. Returns milliseconds
// (jiffies_to_msecs of the jiffy result, as the kernel does).
int64_t model_timeout_ms(int boundary, int64_t rto_base_j, int64_t rto_max_j, int hz);

}  // namespace crashlab::model::detail
