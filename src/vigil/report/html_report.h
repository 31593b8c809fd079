// The incident as one self-contained HTML page: no scripts, no fetched
// resources, and a Content-Security-Policy that forbids both, so a record
// crafted to inject markup can neither run nor call out. Every logged text
// is escaped on the way out.
#pragma once

#include "incident.h"

#include <ostream>
#include <string>
#include <vector>

namespace vigil {

struct ReportHeader {
  std::string title;
  std::vector<std::string> logs;
  std::string generated;  // RFC 3339
};

// `text` with & < > " ' as character references.
std::string html_escape(std::string_view text);

void write_html_report(const Incident& incident, const ReportHeader& header, std::ostream& out);

}  // namespace vigil
