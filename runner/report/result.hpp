#pragma once
// One result file as the report draws it: a lane per side, with its state bands
// and its ticks (observed and predicted), plus what goes into the tables.
// Times are in ms relative to the fault.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "runner/result/case_result.hpp"

namespace crashlab::runner::report {

struct StateAt {  // a band starts here
  std::string state;
  double t;
};
struct Mark {  // one tick on a lane
  double t;
  std::string kind, label, title;
  bool predicted = false;
  double late_max = 0;  // predicted firings: the kernel may fire up to this much later
  std::string unsent;   // why this observed segment never left its host ("host down"), or ""
};
struct Prediction {
  std::optional<double> detected, alternative;
  double late_max = 0;  // the detection may come up to this much later
  std::string error, reason, time_zero;
  bool has_schedule = false;
};
struct Side {
  std::string role, connection, error;
  bool alive = true;
  std::vector<StateAt> states;  // by time
  std::vector<std::string> app;
  std::optional<double> detected;
  std::optional<Prediction> predicted;
  std::vector<Mark> marks;
};
struct Event {  // one row of the result's timeline
  double t;
  std::string side, kind, detail, source;
  std::optional<double> predicted;
};
struct Result {
  std::string file, name, description, error, fault_type, fault_target;
  Verdict verdict = Verdict::Error;
  std::vector<std::string> set;  // the --set assignments it ran with
  std::string kernel, observer, resolution, note;
  std::optional<double> duration, recovered;  // recovered: the reboot or heal, after the fault
  std::string recovery_detail;
  std::vector<Side> sides;
  std::vector<Mark> global;  // timeline events that belong to no side
  std::vector<Event> timeline;
  std::vector<std::array<std::string, 5>> failures;  // side, field, expected, seen, note ("" or why it was not judged)
  std::vector<std::string> raw_kernel;                // kernel_timeline, times made relative

  // "host_crash of client", or just the type.
  std::string fault_text() const { return fault_type + (fault_target.empty() ? "" : " of " + fault_target); }
};

}  // namespace crashlab::runner::report
