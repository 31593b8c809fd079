#include "log_query_command.h"

#include "glob.h"
#include "logs/log_lines.h"
#include "logs/readable_record.h"
#include "logs/record_filter.h"
#include "logs/repeated_values.h"
#include "logs/time_bound.h"
#include "sinks/record.h"

#include <simdjson.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <thread>

namespace vigil {
namespace {

constexpr auto kFollowInterval = std::chrono::milliseconds(200);
constexpr std::size_t kFollowTail = 10;
constexpr long kBadLinesShown = 5;

bool build_query(const LogQueryOptions& options, RecordQuery& query) {
  query.kinds = options.kinds;
  query.events = options.events;
  for (const std::string& event : options.events) {
    if (std::string problem = glob_problem(event); !problem.empty()) {
      std::fprintf(stderr, "vigil log: -e '%s': %s\n", event.c_str(), problem.c_str());
      return false;
    }
  }
  query.pids = options.pids;
  query.trees = options.trees;
  if (!options.severity.empty()) query.min_severity = severity_rank(options.severity);
  std::string error;
  if (!parse_time_range(options.since, options.until, query.since, query.until, error)) {
    std::fprintf(stderr, "vigil log: %s\n", error.c_str());
    return false;
  }
  for (auto [texts, prefix] : {std::pair{&options.args, "args."}, std::pair{&options.fields, ""}}) {
    for (const std::string& text : *texts) {
      FieldCondition condition;
      if (!parse_field_condition(text, prefix, condition)) {
        std::fprintf(stderr, "vigil log: '%s' is not NAME=GLOB\n", text.c_str());
        return false;
      }
      if (std::string problem = glob_problem(condition.glob); !problem.empty()) {
        std::fprintf(stderr, "vigil log: '%s': %s\n", text.c_str(), problem.c_str());
        return false;
      }
      query.fields.push_back(std::move(condition));
    }
  }
  return true;
}

bool use_colour(const std::string& choice) {
  if (choice == "always") return true;
  if (choice == "never") return false;
  const char* no_colour = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return isatty(STDOUT_FILENO) && (no_colour == nullptr || *no_colour == '\0') &&
         !(term != nullptr && std::string_view(term) == "dumb");
}

class Query {
 public:
  Query(RecordQuery query, bool json, bool colour, std::optional<std::size_t> tail)
      : filter_(std::move(query)), json_(json), colour_(colour), tail_(tail) {}

  void read(LogLines& lines) {
    for_each_record(
        lines, parser_, [&](simdjson::dom::object record, std::string_view line) { take(record, line); },
        [&] {
          if (++bad_lines_ <= kBadLinesShown) {
            std::fprintf(stderr, "vigil log: %s:%ld: not a JSON record\n", lines.path().c_str(),
                         lines.line_number());
          }
        });
  }

  // Prints what --tail held back; from here on every match prints at once.
  void end_of_history() {
    for (const std::string& held : held_) std::fwrite(held.data(), 1, held.size(), stdout);
    held_.clear();
    tail_.reset();
    std::fflush(stdout);
  }

  long matched() const { return matched_; }
  long bad_lines() const { return bad_lines_; }

 private:
  void take(simdjson::dom::object record, std::string_view line) {
    // Filters and readable lines see the values the record refers to; -j
    // prints the line as written.
    std::string_view written = line;
    repeated_values_.resolve(record, line);
    if (!filter_.matches(record)) return;
    ++matched_;
    std::string text = json_ ? std::string(written) : readable_record(record, colour_);
    text += '\n';
    if (!tail_) {
      std::fwrite(text.data(), 1, text.size(), stdout);
      return;
    }
    held_.push_back(std::move(text));
    if (held_.size() > *tail_) held_.pop_front();
  }

  simdjson::dom::parser parser_;
  RepeatedValues repeated_values_;
  RecordFilter filter_;
  bool json_;
  bool colour_;
  std::optional<std::size_t> tail_;
  std::deque<std::string> held_;
  long matched_ = 0;
  long bad_lines_ = 0;
};

}  // namespace

int log_query_command(const LogQueryOptions& options) {
  RecordQuery query;
  if (!build_query(options, query)) return 2;
  if (options.follow && options.logs.back() == "-") {
    std::fprintf(stderr, "vigil log: -f follows a file, not standard input\n");
    return 2;
  }
  std::optional<std::size_t> tail = options.tail;
  if (options.follow && !tail && options.since.empty()) tail = kFollowTail;
  static char output_buffer[1 << 20];
  std::setvbuf(stdout, output_buffer, _IOFBF, sizeof output_buffer);
  Query run(std::move(query), options.json, use_colour(options.colour), tail);
  // Only the last log is followed; the others are closed once read.
  std::unique_ptr<LogLines> last;
  bool whole = true;  // every line of every log was read
  for (const std::string& path : options.logs) {
    last = std::make_unique<LogLines>(path);
    std::string error;
    if (!last->open(error)) {
      std::fprintf(stderr, "vigil log: %s\n", error.c_str());
      return 2;
    }
    run.read(*last);
    if (std::string unread = last->unread(); !unread.empty()) {
      std::fprintf(stderr, "vigil log: %s: %s\n", path.c_str(), unread.c_str());
      whole = false;
    }
    if (!options.follow && last->pending() > 0) {
      std::fprintf(stderr, "vigil log: %s: the last line has no newline yet (being written, or cut short)\n",
                   path.c_str());
    }
  }
  run.end_of_history();
  if (options.follow && last) {
    std::string reported = last->unread();
    for (;;) {
      std::this_thread::sleep_for(kFollowInterval);
      run.read(*last);
      if (last->reopen_if_replaced()) run.read(*last);
      std::fflush(stdout);
      // Lines skipped while following, as they happen.
      if (std::string unread = last->unread(); unread != reported && !unread.empty()) {
        std::fprintf(stderr, "vigil log: %s: %s\n", last->path().c_str(), unread.c_str());
      }
      reported = last->unread();
    }
  }
  std::fflush(stdout);
  if (run.bad_lines() > kBadLinesShown) {
    std::fprintf(stderr, "vigil log: %ld lines in all are not JSON records\n", run.bad_lines());
  }
  if (!whole) return 2;
  return run.matched() > 0 ? 0 : 1;
}

}  // namespace vigil
