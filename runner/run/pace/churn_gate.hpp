#pragma once
#include <condition_variable>
#include <mutex>

namespace crashlab::runner {

// Keeps concurrent cases' rtnl work out of each case's run-up to its fault. Building
// and tearing down a topology, cutting a link, deleting one: all of it waits for the
// kernel's one rtnl mutex (and RCU grace periods under it). With 100 cases at once
// on 6.18, a host-crash's link-down and link delete waited a median of 0.5 s behind
// the other cases' setups and faults, and every action after the fault started that
// late. So a case's step, from connecting to the end of its fault's injection, runs
// alone: it waits for the churn in progress and for any other step to finish, and
// new churn waits while a step runs or waits. Waiting before the connection costs
// nothing a case measures; waiting between connection and fault would (a connection
// idle for seconds is another scenario), which is why the step starts before it.
// Every wait is bounded: after kMaxWait the caller goes ahead (the gate orders work,
// it must never stall a run).
class ChurnGate {
 public:
  static ChurnGate& process();  // one per process: all its cases share the kernel's rtnl

  class Hold {
   public:
    Hold(ChurnGate& g, bool step);
    ~Hold();
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

   private:
    ChurnGate& gate_;
    bool step_;
  };
  Hold churn() { return Hold(*this, false); }  // a topology built or torn down
  Hold step() { return Hold(*this, true); }    // connect ... fault injected

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int churning_ = 0, steps_ = 0, steps_waiting_ = 0;
};

}  // namespace crashlab::runner
