#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "netns/state_timeline.hpp"

namespace crashlab {

struct SideResult {
  ConnKey key;                       // this side's view of the test connection
  std::vector<StateAt> states;       // from the connection's ESTABLISHED on
  std::vector<std::string> app;      // outcomes after the fault: EOF, SENT, errno names
  std::optional<std::string> error;  // the first EOF / errno after the fault
  std::optional<double> detected_after_ms;
  std::optional<std::string> state_at_end;   // as sampled when the case ended; nullopt: gone
  std::optional<int64_t> segments_sent_after_fault;
  bool alive = true;                 // false: its process or host was the one that died
};

struct Failure {
  std::string role, field, expected, seen;
  std::string text() const;
};

struct CaseResult {
  std::string name, file, description;
  std::string verdict = "fail";  // pass | fail | error
  std::string error;             // set when the case could not run at all
  std::string fault_type, fault_target;
  int64_t fault_t_ns = 0;        // CLOCK_MONOTONIC of the injection
  int64_t started_t_ns = 0;
  double duration_ms = 0;
  std::string observer, observer_resolution, observer_note;
  std::string kernel;
  nlohmann::json machine;  // environment_facts(): features present, tracepoint availability
  std::map<std::string, std::map<std::string, std::string>> sysctls;  // role -> effective values
  nlohmann::json sockets;
  std::map<std::string, SideResult> sides;
  std::vector<Failure> failures;
  std::vector<std::string> kernel_timeline;  // raw tracepoint events, "t_ns event"
  uint64_t kernel_events_lost = 0;
  nlohmann::json expect;         // the expectations as stated, for the report
};

}  // namespace crashlab
