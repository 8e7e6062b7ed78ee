#pragma once
// SIGINT/SIGTERM during a run: noted, so that the run stops starting cases and
// reports what finished. A second signal has its default effect (the handler is
// one-shot), so a stuck run can still be killed.
namespace crashlab::runner::cli {

void watch_interrupts();
bool interrupted();

}  // namespace crashlab::runner::cli
