#include "netns/endpoint/tcp_info.hpp"

#include <netinet/in.h>
#include <linux/tcp.h>  // the kernel's struct: glibc's lacks tcpi_notsent_bytes
#include <sys/socket.h>

#include <cerrno>

#include "netns/wire/tcp_state.hpp"

namespace crashlab::endpoint {

int read_tcp_info(int fd, Json& fields) {
  tcp_info ti{};
  socklen_t len = sizeof ti;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0) return errno;
  fields = {
      {"state", tcp_state_name(ti.tcpi_state)},
      {"ca_state", ti.tcpi_ca_state},
      {"retransmits", ti.tcpi_retransmits},
      {"probes", ti.tcpi_probes},
      {"backoff", ti.tcpi_backoff},
      {"rto_us", ti.tcpi_rto},
      {"ato_us", ti.tcpi_ato},
      {"snd_mss", ti.tcpi_snd_mss},
      {"rcv_mss", ti.tcpi_rcv_mss},
      {"unacked", ti.tcpi_unacked},
      {"notsent_bytes", ti.tcpi_notsent_bytes},
      {"lost", ti.tcpi_lost},
      {"retrans", ti.tcpi_retrans},
      {"last_data_sent_ms", ti.tcpi_last_data_sent},
      {"last_data_recv_ms", ti.tcpi_last_data_recv},
      {"last_ack_recv_ms", ti.tcpi_last_ack_recv},
      {"rtt_us", ti.tcpi_rtt},
      {"rttvar_us", ti.tcpi_rttvar},
      {"total_retrans", ti.tcpi_total_retrans},
      {"sack", (ti.tcpi_options & TCPI_OPT_SACK) != 0},
  };
  return 0;
}

}  // namespace crashlab::endpoint
