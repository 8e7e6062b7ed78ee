#pragma once
// The sides of a case played by programs (docs/applications.md): starting them
// with their placeholders filled, waiting until they are ready, finding their
// connection, reading their socket from outside, and turning what they printed
// into the outcomes the judge reads.
#include <optional>
#include <vector>

#include "netns/observe/diag/sock_diag.hpp"
#include "runner/run/measurement.hpp"
#include "runner/run/world/world.hpp"

namespace crashlab::runner {

// Starts r's program on its host and waits (bounded by its ready.timeout_ms) until
// it is ready; throws with what it printed if it exits or is not ready in time.
void start_program(World& w, Role r);

// The program's connection to the server's port, as sock_diag lists it in r's host
// (the client's to the port, the server's from the client's port); nullopt: none.
std::optional<SockEntry> program_connection(World& w, Role r);

// Waits (bounded) for the client program's connection and sets both sides' keys from it.
void key_from_client_program(World& w);

// The options the model reads and TCP_INFO, from a duplicate of the program's live
// socket (pidfd_getfd, closed at once so it never outlives the program's own).
ProgramRecord read_program_socket(World& w, Role r, std::optional<TcpInfoAtFault>& tcp_info);

// r's other connections to the server's port at the end (a reconnect, a pool), as text.
std::vector<std::string> other_program_connections(World& w, Role r);

// What the program saw after the fault: each output line a rule names, and its exit
// if the case says what that means.
std::vector<AppRecord> program_outcomes(const ProgramSpec& spec, const app::AppProcess& p, int64_t fault_t);

}  // namespace crashlab::runner
