#pragma once

namespace crashlab::undo {

// SOCK_DESTROY on every TCP socket (IPv4 and IPv6, every state but TIME_WAIT)
// that `diag`, a NETLINK_SOCK_DIAG socket opened inside a namespace, can see.
// Returns how many it destroyed, or -errno of the first failure (a socket gone
// meanwhile is no failure). Raw system calls and stack buffers only: it runs in
// a child forked from a multi-threaded process.
int abort_tcp_sockets(int diag);

}  // namespace crashlab::undo
