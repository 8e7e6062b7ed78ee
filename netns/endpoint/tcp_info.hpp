#pragma once
#include "netns/endpoint/emitter.hpp"

namespace crashlab::endpoint {

// getsockopt(TCP_INFO) as the fields of a "tcp_info" event
// (docs/endpoint-protocol.md). Returns 0, or the errno it failed with.
int read_tcp_info(int fd, Json& fields);

}  // namespace crashlab::endpoint
