#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace crashlab::runner {

// What the kernel under test is and has, printed at the start of every run:
// runner kernels change under users.
// Collected once per process (the HZ probe makes a loopback connection).
nlohmann::json environment_facts();
// Its "hz", when the probe found one.
std::optional<int> machine_hz();
std::string environment_banner();

}  // namespace crashlab::runner
