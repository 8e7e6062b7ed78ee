#pragma once
// The kernel's tick (HZ): TCP's timers fire on it, so it sets the judge's tolerance and
// the admission check's lateness limit. Found, in order of trust: the kernel's build
// configuration (CONFIG_HZ); the smallest of several loopback probes in the runner's own
// network namespace; the same in a private namespace of one thread, when the runner's
// own has its loopback down (as under `unshare -Urn`).
#include <optional>
#include <string>

namespace crashlab::runner::machine {

struct Tick {
  int hz = 0;
  std::string source;  // "CONFIG_HZ in /proc/config.gz", "loopback probe", ...
};

// A tick length in microseconds as a known HZ (100, 250, 300, 1000), or nullopt.
std::optional<int> hz_of_tick_us(double tick_us);

std::optional<Tick> find_tick();

// The loopback probe alone (the smallest tick of five round trips in the calling
// thread's namespace), for checking the configuration against what the timers do.
std::optional<int> probed_hz();
// The same in a network namespace of one short-lived thread (needs CAP_SYS_ADMIN over
// the runner's user namespace); nullopt without it.
std::optional<int> probed_hz_in_private_namespace();

}  // namespace crashlab::runner::machine
