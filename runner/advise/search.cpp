#include "runner/advise/search.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace crashlab::runner::advise {

namespace {
constexpr double kNever = std::numeric_limits<double>::infinity();

// A timer is at most 1/8 of its delay late (kernel/time/timer.c, calc_index()) plus a
// tick: an upper bound on how far the real spacing of probes can stretch.
double stretched_ms(double nominal_ms, double tick_ms) { return nominal_ms * 9 / 8 + tick_ms; }

double tolerance_or_never(const std::optional<double>& t) { return t ? *t : kNever; }

class Searcher {
 public:
  explicit Searcher(const Request& r) : r_(r) {
    out_.keepalive_step_s = keepalive_step_s(r.detect_within_ms);
    out_.user_timeout_step_ms = user_timeout_step_ms(r.detect_within_ms);
  }

  SearchResult run() {
    const std::vector<Settings> bases = busy_bases();
    if (!r_.wants_idle()) {
      // No keepalive at all: nothing is sent on a healthy connection.
      for (const Settings& b : bases)
        if (busy_meets(b)) {
          out_.proposal = candidate(b, idle_of(b));
          break;
        }
      return out_;
    }
    const int step = out_.keepalive_step_s;
    const int top = std::min<int>(kMaxKeepaliveS, int((r_.detect_within_ms - 1) / 1000 / step) * step);
    double must_exceed = -1;  // an alternative must survive a longer outage than the last one kept
    for (int period = top; period >= step && budget_left(); period -= step) {
      if (out_.proposal && out_.model_calls > calls_at_proposal_ + kMaxAlternativeCalls) break;
      std::optional<Candidate> best = best_with_period(period, bases, must_exceed);
      if (!best) continue;
      if (!out_.proposal) {
        out_.proposal = best;
        calls_at_proposal_ = out_.model_calls;
      } else {
        out_.alternatives.push_back(*best);
      }
      // Each alternative must buy a real margin: a second, or a quarter of the outage asked for.
      must_exceed = tolerance_or_never(tolerated_ms(best->eval, r_)) + std::max(1000.0, double(r_.survive_outage_ms) / 4);
      if (out_.alternatives.size() >= 3 || must_exceed == kNever) break;
    }
    return out_;
  }

 private:
  bool budget_left() {
    out_.budget_exhausted = out_.model_calls >= kMaxModelCalls;
    return !out_.budget_exhausted;
  }

  SideOutcome idle_of(const Settings& s) {
    ++out_.model_calls;
    return evaluate_idle(s, r_.hz);
  }

  // The busy side depends only on TCP_USER_TIMEOUT or tcp_retries2.
  static std::pair<int, int> busy_key(const Settings& s) { return {s.user_timeout_ms.value_or(-1), s.tcp_retries2}; }

  const SideOutcome& busy_of(const Settings& s) {
    auto it = busy_cache_.find(busy_key(s));
    if (it == busy_cache_.end()) {
      it = busy_cache_.emplace(busy_key(s), evaluate_busy(s, r_.hz)).first;
      const auto& n = it->second.detection.neighbour;
      out_.model_calls += 1 + (n ? n->chains : 0);
    }
    return it->second;
  }

  // Its tolerated outage (and packets) only: the chain alone, one model run.
  std::optional<double> busy_tolerance_of(const Settings& s) {
    if (auto full = busy_cache_.find(busy_key(s)); full != busy_cache_.end()) return full->second.tolerated_ms;
    auto it = chain_cache_.find(busy_key(s));
    if (it == chain_cache_.end()) {
      ++out_.model_calls;
      it = chain_cache_.emplace(busy_key(s), evaluate_busy_chain(s, r_.hz).tolerated_ms).first;
    }
    return it->second;
  }

  // The settings a busy connection depends on meet the request (or only idle is asked).
  bool busy_meets(const Settings& s) { return !r_.wants_busy() || side_meets(busy_of(s), r_); }

  Candidate candidate(const Settings& s, const SideOutcome& idle) {
    return {s, Evaluation{idle, busy_of(s), s.probes_per_hour()}};
  }

  // What keeps a busy connection within the deadline, most tolerant first: the
  // settings the keepalive search starts from.
  std::vector<Settings> busy_bases() {
    Settings base;
    base.scope = r_.scope;
    std::vector<Settings> out;
    if (r_.scope == Scope::Sysctl) {
      // tcp_retries2: the largest budget that still meets the deadline survives the longest outage.
      if (!r_.wants_busy()) return {base};  // the kernel's default: nothing to change
      std::optional<Settings> chosen;
      for (int n = 1; n <= 255 && model::hypothetical_retries2_timeout_s(n) * 1000 <= double(r_.detect_within_ms); ++n) {
        Settings s = base;
        s.tcp_retries2 = n;
        if (side_meets(busy_of(s), r_)) chosen = s;
      }
      if (chosen) out.push_back(*chosen);
      return out;
    }
    if (!r_.wants_busy() || side_meets(busy_of(base), r_)) out.push_back(base);  // the system's tcp_retries2 suffices
    const int step = out_.user_timeout_step_ms;
    const int n = int(r_.detect_within_ms / step);
    auto at = [&](int i) {
      Settings s = base;
      s.user_timeout_ms = i * step;
      return s;
    };
    int lo = 1, hi = n;
    if (r_.wants_busy()) {
      // Detection gets later and the tolerated outage longer as the user timeout grows:
      // the largest that meets the deadline and the smallest that survives the outage.
      // (Not strictly: past the neighbour horizon a chain whose clamped firing beats the
      // ICMP of its last retransmission gives up on time, one that does not a reverted
      // RTO later. So these find a user timeout that meets it, not always the largest.)
      hi = last_true(1, n, [&](int i) { return busy_of(at(i)).detection.worst_ms.value_or(kNever) <= double(r_.detect_within_ms); });
      lo = first_true(1, hi, [&](int i) { return side_meets(busy_of(at(i)), r_); });
    }
    // Each is checked when the keepalive search reaches it (busy_meets): most never are.
    for (int i = hi; i >= lo && i >= 1; --i) out.push_back(at(i));
    // The system default first only when nothing else is needed; otherwise the longest user timeout first.
    std::stable_sort(out.begin(), out.end(), [](const Settings& a, const Settings& b) {
      return a.user_timeout_ms.value_or(std::numeric_limits<int>::max()) > b.user_timeout_ms.value_or(std::numeric_limits<int>::max());
    });
    return out;
  }

  template <class Pred>
  static int last_true(int lo, int hi, Pred p) {  // p true then false; lo - 1 when never
    int ans = lo - 1;
    while (lo <= hi) {
      const int mid = lo + (hi - lo) / 2;
      if (p(mid)) ans = mid, lo = mid + 1;
      else hi = mid - 1;
    }
    return ans;
  }
  template <class Pred>
  static int first_true(int lo, int hi, Pred p) {  // p false then true; hi + 1 when never
    int ans = hi + 1;
    while (lo <= hi) {
      const int mid = lo + (hi - lo) / 2;
      if (p(mid)) ans = mid, hi = mid - 1;
      else lo = mid + 1;
    }
    return ans;
  }

  // The outage a candidate must survive: the request's, and in the search for
  // alternatives longer than the last one kept.
  bool tolerance_possible(double upper_ms, double busy_tol, double must_exceed) const {
    const double need = r_.survive_outage_ms > 0 ? double(r_.survive_outage_ms) + r_.tick_ms() : 0;
    const double t = std::min(upper_ms, r_.wants_busy() ? busy_tol : kNever);
    return t >= need && t > must_exceed;
  }

  bool acceptable(const Candidate& c, double must_exceed) const {
    return meets(c.eval, r_) && tolerance_or_never(tolerated_ms(c.eval, r_)) > must_exceed;
  }

  // The first keepalive probe at its latest: the idle time plus the timer wheel's
  // granularity for it, less a tick (kernel/time/timer.c rounds up to the bucket).
  double first_timer_ms(const Settings& s) const {
    const int64_t idle_us = int64_t(s.keepidle_s) * 1000000;
    return double(idle_us + model::timer_wheel_slack_us(r_.hz, idle_us)) / 1000 - r_.tick_ms();
  }

  // Keepalive with TCP_KEEPCNT deciding: the most probes that still meet the deadline.
  std::optional<Candidate> with_count(Settings s, double must_exceed) {
    const double d = double(r_.detect_within_ms), tick = r_.tick_ms(), i_ms = s.keepintvl_s * 1000.0;
    const double busy_tol = tolerance_or_never(busy_tolerance_of(s));
    // The first timer alone is up to its wheel granularity late in some phase, and the
    // chain after it only later: idle + that + intvl x cnt is a floor for the worst case.
    const int c_max = std::min<int>(kMaxKeepcnt, int((d - first_timer_ms(s)) / i_ms));
    for (int c = c_max; c >= 1 && budget_left(); --c) {
      // Timers are never early: idle + intvl x cnt is the earliest give-up.
      if (!tolerance_possible((c - 1) * stretched_ms(i_ms, tick), busy_tol, must_exceed)) break;
      s.keepcnt = c;
      Candidate cand = candidate(s, idle_of(s));
      if (acceptable(cand, must_exceed)) return cand;
    }
    return std::nullopt;
  }

  // Keepalive with TCP_USER_TIMEOUT deciding (it replaces TCP_KEEPCNT): the first
  // firing with elapsed >= the user timeout and a probe out aborts.
  // `cap`: the longest user timeout still worth a model run for this idle/interval;
  // a run that misses the deadline lowers it by the miss (the give-up follows the user
  // timeout about one for one), one whose outage falls short ends the search (shorter
  // user timeouts only shorten it).
  std::optional<Candidate> with_user_timeout(Settings s, double must_exceed, double& cap, double& last_miss) {
    const double d = double(r_.detect_within_ms), tick = r_.tick_ms();
    const double k_ms = s.keepidle_s * 1000.0, i_ms = s.keepintvl_s * 1000.0, u = *s.user_timeout_ms;
    const int probes = std::max(1, int(std::ceil((u - k_ms) / i_ms)));
    if (k_ms + probes * i_ms > d || first_timer_ms(s) + i_ms > d || u > cap) return std::nullopt;
    if (!tolerance_possible((probes - 1) * stretched_ms(i_ms, tick), tolerance_or_never(busy_tolerance_of(s)), must_exceed) ||
        !busy_meets(s))
      return std::nullopt;
    Candidate cand = candidate(s, idle_of(s));
    if (!acceptable(cand, must_exceed)) {
      // A miss that a shorter user timeout did not shrink is the first probe's lateness: give up on this pair.
      const double worst = cand.eval.idle.detection.worst_ms.value_or(kNever);
      cap = worst > d && worst < last_miss ? u - (worst - d) : -1;
      last_miss = worst;
      return std::nullopt;
    }
    // Ignored beside the user timeout (the model too); set to the probes it lets out.
    cand.settings.keepcnt = std::clamp(cand.eval.idle.probes, 1, kMaxKeepcnt);
    return cand;
  }

  // The best candidate whose healthy probe period (max(idle, interval)) is `period`.
  std::optional<Candidate> best_with_period(int period, const std::vector<Settings>& bases, double must_exceed) {
    const int step = out_.keepalive_step_s;
    std::optional<Candidate> best;
    auto consider = [&](std::optional<Candidate> c) {
      if (c && (!best || better(*c, *best, r_))) best = std::move(c);
    };
    for (int other = period; other >= step && budget_left(); other -= step) {
      for (auto [idle, intvl] : {std::pair{period, other}, std::pair{other, period}}) {
        if ((idle + intvl) * 1000.0 > double(r_.detect_within_ms)) continue;
        double cap = kNever, last_miss = kNever;
        for (const Settings& b : bases) {
          if (!budget_left() || cap < 0) break;
          Settings s = b;
          s.keepalive = true;
          s.keepidle_s = idle;
          s.keepintvl_s = intvl;
          if (!s.user_timeout_ms) {
            if (busy_meets(s)) consider(with_count(s, must_exceed));
            continue;
          }
          // Bases come longest user timeout first: the first that fits is the most tolerant.
          if (auto c = with_user_timeout(s, must_exceed, cap, last_miss)) {
            consider(std::move(c));
            break;
          }
        }
        if (idle == intvl) break;
      }
    }
    return best;
  }

  const Request& r_;
  SearchResult out_;
  int calls_at_proposal_ = 0;
  std::map<std::pair<int, int>, SideOutcome> busy_cache_;
  std::map<std::pair<int, int>, std::optional<double>> chain_cache_;
};
}  // namespace

int keepalive_step_s(int64_t deadline_ms) {
  if (deadline_ms <= 120000) return 1;
  if (deadline_ms <= 600000) return 5;
  if (deadline_ms <= 1800000) return 15;
  return 30;
}

int user_timeout_step_ms(int64_t deadline_ms) {
  if (deadline_ms <= 5000) return 100;
  if (deadline_ms <= 30000) return 500;
  if (deadline_ms <= 600000) return 1000;
  return 5000;
}

bool better(const Candidate& a, const Candidate& b, const Request& r) {
  if (a.eval.probes_per_hour != b.eval.probes_per_hour) return a.eval.probes_per_hour < b.eval.probes_per_hour;
  const double ta = tolerance_or_never(tolerated_ms(a.eval, r)), tb = tolerance_or_never(tolerated_ms(b.eval, r));
  if (ta != tb) return ta > tb;
  auto worst = [&](const Evaluation& e) {
    double w = 0;
    if (r.wants_idle()) w = std::max(w, e.idle.detection.worst_ms.value_or(kNever));
    if (r.wants_busy()) w = std::max(w, e.busy.detection.worst_ms.value_or(kNever));
    return w;
  };
  return worst(a.eval) < worst(b.eval);
}

SearchResult search(const Request& r) { return Searcher(r).run(); }

}  // namespace crashlab::runner::advise
