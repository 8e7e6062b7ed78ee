#pragma once
#include <string>

#include "netns/host/netns.hpp"

namespace crashlab {

// Loads an nftables script (`nft -f -`) inside `ns`. Throws std::runtime_error
// with nft's own message when nft is missing or rejects the script.
void run_nft(const NetNs& ns, const std::string& script);

}  // namespace crashlab
