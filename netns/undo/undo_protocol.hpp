#pragma once
#include <cstdint>

// The messages between a runner and its crashlab-undo process: fixed-size records
// over a SOCK_SEQPACKET socketpair, a file descriptor riding along as SCM_RIGHTS.
// Every request is answered by one Reply, in order.
namespace crashlab::undo {

enum class Op : uint32_t {
  HoldNamespace,      // fd: a network namespace; at EOF its TCP sockets are aborted
  RemoveIfAbandoned,  // fd: a directory (O_PATH); name: a file in it, removed at EOF
  Release,            // id: an earlier hold, dropped now (its fd closed) without undoing it
  Count,
};

constexpr int kNameSize = 256;  // NAME_MAX + 1

struct Request {
  Op op = Op::Count;
  uint32_t reserved = 0;
  uint64_t id = 0;  // chosen by the runner, unique within its process
  char name[kNameSize] = {};
};

struct Reply {
  uint64_t id = 0;
  int32_t error = 0;  // 0, or the errno of what failed in the undo process
  int32_t reserved = 0;
};

}  // namespace crashlab::undo
