#include "report_command.h"

#include "file_io.h"
#include "logs/log_lines.h"
#include "logs/record_filter.h"
#include "logs/repeated_values.h"
#include "logs/time_bound.h"
#include "report/html_report.h"
#include "report/incident.h"

#include <simdjson.h>

#include <cstdio>
#include <ctime>
#include <sstream>

namespace vigil {
namespace {

std::string now_stamp() {
  std::time_t now = std::time(nullptr);
  tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace

int report_command(const ReportOptions& options) {
  RecordQuery query;
  query.trees = options.trees;
  std::string error;
  if (!parse_time_range(options.since, options.until, query.since, query.until, error)) {
    std::fprintf(stderr, "vigil report: %s\n", error.c_str());
    return 2;
  }
  RecordFilter filter(std::move(query));
  IncidentBuilder builder;
  simdjson::dom::parser parser;
  RepeatedValues repeated_values;
  for (const std::string& path : options.logs) {
    LogLines lines(path);
    if (!lines.open(error)) {
      std::fprintf(stderr, "vigil report: %s\n", error.c_str());
      return 2;
    }
    for_each_record(
        lines, parser,
        [&](simdjson::dom::object record, std::string_view line) {
          repeated_values.resolve(record, line);
          if (filter.matches(record)) builder.add(record);
          builder.see(record);
        },
        [&] { builder.add_bad_line(); });
    if (std::string unread = lines.unread(); !unread.empty()) {
      std::fprintf(stderr, "vigil report: %s: %s\n", path.c_str(), unread.c_str());
      builder.add_unread(path + ": " + unread);
    }
  }
  builder.resolve_facts(options.logs);
  Incident incident = builder.finish();
  ReportHeader header{options.title, options.logs, now_stamp()};
  std::ostringstream page;
  write_html_report(incident, header, page);
  if (!write_atomically(options.output, page.view(), error)) {
    std::fprintf(stderr, "vigil report: %s\n", error.c_str());
    return 2;
  }
  int status = incident.unread.empty() ? 0 : 1;
  if (options.output == "-") return status;
  std::fprintf(stderr, "vigil report: %s: %zu processes, %zu alerts, %ld records\n", options.output.c_str(),
               incident.processes.size(), incident.alerts.size() + static_cast<std::size_t>(incident.alerts_omitted),
               incident.records);
  return status;
}

}  // namespace vigil
