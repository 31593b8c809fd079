// The explanation an alert carries (docs/records.md): its `subject` and
// its `because` chain, the facts that led to it, each naming the event
// record (pid, seq) that established it, in the alert's process or in a
// parent process. `vigil summary` and `vigil report` resolve each fact to
// that event record in the logs they read. Alerts written before chains
// existed have neither member; those show as before.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace vigil {

struct BecauseFact {
  std::string fact;     // "net.connected"
  long long pid = 0;    // of the process whose event established it
  std::uint64_t seq = 0;
  std::string subject;  // what the fact is about, when the chain says
};

// The alert's explanation; every text terminal-safe and bounded.
struct AlertExplanation {
  std::string subject;
  std::vector<BecauseFact> because;  // at most kMaxFacts
  long facts_omitted = 0;
  static constexpr std::size_t kMaxFacts = 32;
};

AlertExplanation explanation_of(simdjson::dom::object alert);

// The event record a fact points at, in a few words.
struct FactEvent {
  std::string ts;
  std::string event;     // its name; for a record of another kind, says so
  std::string argument;  // event_argument: its main argument
  std::string site;      // file:line, "(start-up)" when it has no site; empty for other kinds
};

// How the alert's process is related to the one a fact came from.
enum class Kinship { same, parent, ancestor, other };

// "in its parent, pid 12", "in an ancestor, pid 3", "in pid 40": empty
// for a fact of the alert's own process.
std::string kinship_text(Kinship kinship, long long pid);

// The event records that chains point at, by (host, pid, seq). Filled
// while the logs are read, and by a second reading of the ones that can
// be read again for whatever was not met the first time (an event in a
// parent's log read after the child's, a fact further back than the
// reader keeps).
class FactEvents {
 public:
  void want(const std::string& host, long long pid, std::uint64_t seq);
  bool empty() const { return wanted_.empty(); }
  bool complete() const { return found_ == wanted_.size(); }

  // Keeps the record if a chain points at it. The first record met for a
  // key is kept: a pid reused within one log is not told apart.
  void offer(simdjson::dom::object record);

  // Reads again the logs that are regular files, stopping once every
  // wanted event has been found. Standard input and pipes are not read
  // twice: their facts stay unresolved.
  void read_again(const std::vector<std::string>& paths);

  const FactEvent* find(const std::string& host, long long pid, std::uint64_t seq) const;

 private:
  using Key = std::tuple<std::string, long long, std::uint64_t>;
  std::map<Key, std::optional<FactEvent>> wanted_;
  std::size_t found_ = 0;
};

}  // namespace vigil
