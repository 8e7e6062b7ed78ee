#pragma once
// The proposal as code and configuration for the places people set it: C, Python,
// Go, Java, libpq, the PostgreSQL server, Redis and sysctl. One table, one
// generator per target.
#include <string>
#include <vector>

#include "runner/advise/evaluate.hpp"

namespace crashlab::runner::advise {

struct Snippet {
  std::string target;  // "c", "python", "go", "java", "libpq", "postgresql", "redis", "sysctl"
  std::string title;   // "C (setsockopt)"
  std::string text;
};

std::vector<Snippet> snippets(const Settings& s, const Request& r);

// Redis sets all three keepalive options from one number (anetKeepAlive):
// TCP_KEEPIDLE=N, TCP_KEEPINTVL=max(1, N/3), TCP_KEEPCNT=3, and nothing else.
Settings redis_keepalive(int n);
// The largest tcp-keepalive whose idle detection meets the request, 0 when none does.
int redis_tcp_keepalive(const Request& r);

}  // namespace crashlab::runner::advise
