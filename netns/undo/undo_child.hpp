#pragma once

namespace crashlab::undo {

// The body of the crashlab-undo process, entered right after fork() with the
// child's end of the runner's socketpair. It answers the runner's requests
// (undo_protocol.hpp) until EOF, which comes when the runner is gone (or closed
// the channel), then undoes what it still holds: aborts the TCP sockets of each
// namespace, closes it, removes abandoned files, and exits (0: all undone).
// Raw system calls and a static table only: the parent was multi-threaded.
[[noreturn]] void run_undo_child(int channel);

}  // namespace crashlab::undo
