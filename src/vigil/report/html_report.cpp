#include "html_report.h"

#include "sinks/record.h"

#include <algorithm>
#include <numeric>

namespace vigil {
namespace {

constexpr int kTreeDepth = 48;

constexpr std::string_view kStyle = R"(
:root{--critical:#8b0016;--high:#c62828;--medium:#d97706;--low:#1d6fb8;--info:#5f6b73;--line:#d9dee3}
body{font:15px/1.45 "DejaVu Sans",Arial,sans-serif;margin:0 auto;max-width:1400px;padding:0 24px 48px;color:#1b1f23}
h1{font-size:28px;margin:24px 0 4px}h2{font-size:21px;border-bottom:2px solid #1b1f23;padding-bottom:4px;margin-top:36px}
.meta{color:#4a545d;margin:0 0 12px}nav a{margin-right:14px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid var(--line);border-radius:6px;padding:10px 16px;min-width:130px}
.card b{display:block;font-size:26px}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f1f3f5}
td.mono,pre,.mono{font-family:"DejaVu Sans Mono",monospace;font-size:13px;word-break:break-all}
pre{background:#f6f8fa;border:1px solid var(--line);padding:10px;white-space:pre-wrap;max-height:520px;overflow:auto}
.sev{display:inline-block;color:#fff;border-radius:4px;padding:1px 8px;font-weight:bold;font-size:13px}
.sev.critical{background:var(--critical)}.sev.high{background:var(--high)}.sev.medium{background:var(--medium)}
.sev.low{background:var(--low)}.sev.info{background:var(--info)}
.denied{color:#fff;background:#000;border-radius:4px;padding:1px 6px;font-size:12px;font-weight:bold}
ul.tree,ul.tree ul{list-style:none;padding-left:22px;border-left:1px dashed #aab}
ul.tree{padding-left:0;border:0}ul.tree li{margin:6px 0}
.argv{font-family:"DejaVu Sans Mono",monospace;font-size:13px;color:#333;word-break:break-all}
details{margin:8px 0;border:1px solid var(--line);border-radius:6px;padding:6px 10px}
summary{cursor:pointer;font-weight:bold}
tr.alert td{background:#fdecec}.note{color:#4a545d;font-style:italic}
.subject{margin-top:4px}ol.because{margin:4px 0 0;padding-left:20px}ol.because li{margin:2px 0}
)";

std::string severity_badge(std::string_view severity) {
  std::string name = severity_rank(severity) >= 0 ? std::string(severity) : "info";
  return "<span class=\"sev " + name + "\">" + html_escape(severity) + "</span>";
}

bool is_technique_id(std::string_view id) {
  auto digits = [&](std::size_t from, std::size_t count) {
    return std::all_of(id.begin() + static_cast<long>(from), id.begin() + static_cast<long>(from + count),
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  if (id.size() == 5) return id[0] == 'T' && digits(1, 4);
  return id.size() == 9 && id[0] == 'T' && digits(1, 4) && id[5] == '.' && digits(6, 3);
}

std::string attack_links(const std::vector<std::string>& ids) {
  std::string html;
  for (const std::string& id : ids) {
    if (!html.empty()) html += ", ";
    if (!is_technique_id(id)) {
      html += html_escape(id);
      continue;
    }
    std::string path = id.substr(0, 5);
    if (id.size() > 5) path.append("/").append(id, 6);
    html += "<a href=\"https://attack.mitre.org/techniques/" + path + "/\">" + id + "</a>";
  }
  return html;
}

class Page {
 public:
  Page(const Incident& incident, std::ostream& out) : incident_(incident), out_(out) {}

  void write(const ReportHeader& header) {
    out_ << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
         << "<meta name=\"referrer\" content=\"no-referrer\">\n"
         << "<title>" << html_escape(header.title) << "</title>\n<style>" << kStyle << "</style></head><body>\n";
    write_header(header);
    write_alerts();
    write_tree();
    write_targets("network", "Network activity", "Destination", incident_.network);
    write_targets("files", "File activity", "File", incident_.files);
    write_targets("commands", "Process activity", "Command", incident_.commands);
    write_transcripts();
    write_timelines();
    out_ << "</body></html>\n";
  }

 private:
  std::string process_link(std::size_t index) const {
    const ProcessRun& run = incident_.processes[index];
    std::string label = "pid " + std::to_string(run.pid);
    if (incident_.hosts.size() > 1) label += " on " + run.host;
    return "<a href=\"#p" + std::to_string(index) + "\">" + html_escape(label) + "</a>";
  }

  std::string process_links(const std::set<std::size_t>& processes) const {
    std::string html;
    std::size_t shown = 0;
    for (std::size_t index : processes) {
      if (shown++ == 8) {
        html += " and " + std::to_string(processes.size() - 8) + " more";
        break;
      }
      if (!html.empty()) html += ", ";
      html += process_link(index);
    }
    return html;
  }

  void write_header(const ReportHeader& header) {
    long alerts = static_cast<long>(incident_.alerts.size()) + incident_.alerts_omitted;
    std::array<long, 5> by_severity{};
    for (const AlertRow& alert : incident_.alerts) {
      if (alert.rank >= 0) ++by_severity[static_cast<std::size_t>(alert.rank)];
    }
    long gaps = std::accumulate(incident_.processes.begin(), incident_.processes.end(), 0L,
                                [](long sum, const ProcessRun& run) { return sum + (run.gaps > 0 ? 1 : 0); });
    out_ << "<header><h1>" << html_escape(header.title) << "</h1>\n<p class=\"meta\">" << incident_.records
         << " records from " << incident_.processes.size() << " processes on "
         << incident_.hosts.size() << (incident_.hosts.size() == 1 ? " host" : " hosts") << ", "
         << html_escape(incident_.first_ts) << " to " << html_escape(incident_.last_ts) << ". Generated "
         << html_escape(header.generated) << " from ";
    for (std::size_t i = 0; i < header.logs.size(); ++i) {
      out_ << (i ? ", " : "") << "<span class=\"mono\">" << html_escape(header.logs[i]) << "</span>";
    }
    out_ << ".</p>\n<nav><a href=\"#alerts\">Alerts</a><a href=\"#tree\">Process tree</a>"
         << "<a href=\"#network\">Network</a><a href=\"#files\">Files</a><a href=\"#commands\">Processes started</a>"
         << "<a href=\"#code\">Dynamic code</a><a href=\"#timelines\">Timelines</a></nav>\n<div class=\"cards\">";
    out_ << "<div class=\"card\"><b>" << alerts << "</b>alerts";
    for (std::size_t rank = kSeverityNames.size(); rank-- > 0;) {
      if (by_severity[rank] > 0) out_ << "<br>" << severity_badge(kSeverityNames[rank]) << " " << by_severity[rank];
    }
    long dynamic = std::count_if(incident_.transcripts.begin(), incident_.transcripts.end(),
                                 [](const TranscriptEntry& t) { return t.origin != "import" && t.origin != "script"; });
    out_ << "</div><div class=\"card\"><b>" << incident_.processes.size() << "</b>processes</div>"
         << "<div class=\"card\"><b>" << incident_.network.size() << "</b>network destinations</div>"
         << "<div class=\"card\"><b>" << incident_.files.size() << "</b>files touched</div>"
         << "<div class=\"card\"><b>" << incident_.commands.size() << "</b>processes started</div>"
         << "<div class=\"card\"><b>" << dynamic << "</b>pieces of dynamic code</div></div>\n";
    if (gaps > 0 || incident_.bad_lines > 0) {
      out_ << "<p class=\"note\">Integrity: " << gaps << " processes have gaps in their sequence numbers; "
           << incident_.bad_lines << " lines are not records. Check with <span class=\"mono\">vigil log verify</span>.</p>\n";
    }
    for (const std::string& unread : incident_.unread) {
      out_ << "<p class=\"note\">Not read: " << html_escape(unread) << ". This report leaves those lines out.</p>\n";
    }
    if (incident_.processes_omitted > 0) {
      out_ << "<p class=\"note\">" << incident_.processes_omitted
           << " more processes started and are left out of this report.</p>\n";
    }
    out_ << "</header>\n";
  }

  void write_event_cell(const TimelineRow& row) {
    out_ << "<b>" << html_escape(row.name) << "</b>" << (row.denied ? " <span class=\"denied\">DENIED</span>" : "")
         << "<div class=\"mono\">" << html_escape(row.details) << "</div><div class=\"mono\">" << html_escape(row.site)
         << "</div>";
  }

  void write_alerts() {
    out_ << "<section id=\"alerts\"><h2>Alerts</h2>\n";
    if (incident_.alerts.empty()) {
      out_ << "<p>No alerts.</p></section>\n";
      return;
    }
    out_ << "<table><tr><th>Severity</th><th>Time</th><th>Rule</th><th>ATT&amp;CK</th><th>Process</th>"
         << "<th>Message</th><th>Triggering event</th></tr>\n";
    for (const AlertRow& alert : incident_.alerts) {
      out_ << "<tr><td>" << severity_badge(alert.severity) << (alert.enforced ? " <span class=\"denied\">ENFORCED</span>" : "")
           << "</td><td class=\"mono\">" << html_escape(alert.ts) << "</td><td><b>" << html_escape(alert.rule) << "</b></td><td>"
           << attack_links(alert.attack) << "</td><td>" << process_link(alert.process) << "</td><td>"
           << html_escape(alert.message);
      write_explanation(alert);
      out_ << "</td><td>";
      if (alert.trigger) {
        write_event_cell(*alert.trigger);
      } else {
        out_ << "<span class=\"note\">seq " << alert.seq_ref << " (not in the log read)</span>";
      }
      out_ << "</td></tr>\n";
    }
    out_ << "</table>";
    if (incident_.alerts_omitted > 0) {
      out_ << "<p class=\"note\">" << incident_.alerts_omitted << " more alerts are not listed.</p>";
    }
    out_ << "</section>\n";
  }

  // The alert's subject, and each fact of its because chain with a link to
  // the event that established it, in this process or an ancestor.
  void write_explanation(const AlertRow& alert) {
    if (!alert.subject.empty()) {
      out_ << "<div class=\"subject\">Subject: <span class=\"mono\">" << html_escape(alert.subject) << "</span></div>";
    }
    if (alert.because.empty()) return;
    out_ << "<div class=\"subject\">Because:</div><ol class=\"because\">";
    for (const BecauseRow& row : alert.because) {
      out_ << "<li><b>" << html_escape(row.fact.fact) << "</b>";
      if (!row.fact.subject.empty()) out_ << " <span class=\"mono\">" << html_escape(row.fact.subject) << "</span>";
      std::string where = kinship_text(row.kinship, row.fact.pid);
      where = (where.empty() ? "" : where + ", ") + "seq " + std::to_string(row.fact.seq);
      out_ << " · ";
      if (!row.event) {
        out_ << "<span class=\"note\">" << html_escape(where) << ": not in the logs read</span></li>";
        continue;
      }
      if (row.process && !row.event->site.empty()) {
        out_ << "<a href=\"#" << event_anchor(*row.process, row.fact.seq) << "\">" << html_escape(where) << "</a>";
      } else {
        out_ << html_escape(where);
      }
      out_ << ": <b>" << html_escape(row.event->event) << "</b>";
      if (!row.event->argument.empty()) out_ << " <span class=\"mono\">" << html_escape(row.event->argument) << "</span>";
      if (!row.event->site.empty()) out_ << " at <span class=\"mono\">" << html_escape(row.event->site) << "</span>";
      out_ << "</li>";
    }
    if (alert.facts_omitted > 0) out_ << "<li class=\"note\">and " << alert.facts_omitted << " more facts</li>";
    out_ << "</ol>";
  }

  static std::string event_anchor(std::size_t process, std::uint64_t seq) {
    return std::string("p").append(std::to_string(process)).append("-e").append(std::to_string(seq));
  }

  void write_process_node(std::size_t index, int depth) {
    const ProcessRun& run = incident_.processes[index];
    out_ << "<li>" << process_link(index) << " <span class=\"meta\">uid " << run.uid << " · "
         << html_escape(run.entry_mode.empty() ? "(no start record)" : run.entry_mode) << " "
         << "<span class=\"mono\">" << html_escape(run.entry_target) << "</span> · "
         << (run.exit_status ? "exit " + std::to_string(*run.exit_status) : std::string("no stop record")) << "</span>";
    for (std::size_t rank = kSeverityNames.size(); rank-- > 0;) {
      if (run.alerts[rank] > 0) out_ << " " << severity_badge(kSeverityNames[rank]) << "×" << run.alerts[rank];
    }
    out_ << "<div class=\"argv\">" << html_escape(run.argv) << "</div>";
    if (!run.children.empty()) {
      out_ << "<ul>";
      if (depth < kTreeDepth) {
        for (std::size_t child : run.children) write_process_node(child, depth + 1);
      } else {
        std::set<std::size_t> children(run.children.begin(), run.children.end());
        out_ << "<li class=\"note\">deeper: " << process_links(children) << "</li>";
      }
      out_ << "</ul>";
    }
    out_ << "</li>\n";
  }

  void write_tree() {
    out_ << "<section id=\"tree\"><h2>Process tree</h2><ul class=\"tree\">\n";
    for (std::size_t i = 0; i < incident_.processes.size(); ++i) {
      if (!incident_.processes[i].parent) write_process_node(i, 0);
    }
    out_ << "</ul></section>\n";
  }

  void write_targets(std::string_view id, std::string_view title, std::string_view column,
                     const std::map<std::string, ActivityTarget>& table) {
    out_ << "<section id=\"" << id << "\"><h2>" << title << "</h2>\n";
    if (table.empty()) {
      out_ << "<p>None recorded.</p></section>\n";
      return;
    }
    std::vector<const ActivityTarget*> rows;
    for (const auto& [key, target] : table) rows.push_back(&target);
    std::stable_sort(rows.begin(), rows.end(),
                     [](const ActivityTarget* a, const ActivityTarget* b) { return a->first_ts < b->first_ts; });
    out_ << "<table><tr><th>" << column << "</th><th>Operations</th><th>Count</th><th>Processes</th><th>First</th>"
         << "<th>First seen at</th></tr>\n";
    for (const ActivityTarget* target : rows) {
      std::string operations;
      for (const std::string& operation : target->operations) operations += (operations.empty() ? "" : ", ") + operation;
      out_ << "<tr><td class=\"mono\">" << html_escape(target->target) << "</td><td>" << html_escape(operations) << "</td><td>"
           << target->count << "</td><td>" << process_links(target->processes) << "</td><td class=\"mono\">"
           << html_escape(target->first_ts) << "</td><td class=\"mono\">" << html_escape(target->first_site) << "</td></tr>\n";
    }
    out_ << "</table>";
    if (incident_.targets_omitted > 0) {
      out_ << "<p class=\"note\">" << incident_.targets_omitted << " events reached targets beyond the tables' limits.</p>";
    }
    out_ << "</section>\n";
  }

  void write_transcripts() {
    out_ << "<section id=\"code\"><h2>Dynamic code</h2>\n<p class=\"meta\">Source text the processes compiled or ran "
         << "(transcript records), once per SHA-256. Modules imported from files are listed, not shown.</p>\n";
    bool any = false;
    for (const TranscriptEntry& transcript : incident_.transcripts) {
      any = true;
      bool shown = transcript.origin != "import";
      out_ << "<details" << (shown && transcript.origin != "script" ? " open" : "") << "><summary>"
           << html_escape(transcript.origin) << " · <span class=\"mono\">" << html_escape(transcript.filename) << "</span> · "
           << transcript.size << " bytes · sha256 <span class=\"mono\">" << html_escape(transcript.sha256.substr(0, 16))
           << "</span></summary><p>Run by " << process_links(transcript.processes) << ", first at "
           << html_escape(transcript.first_ts) << ".</p>";
      if (shown) out_ << "<pre>" << html_escape(transcript.text) << "</pre>";
      if (transcript.truncated || transcript.shortened) {
        out_ << "<p class=\"note\">Shortened: the whole text is in the log's transcript record.</p>";
      }
      out_ << "</details>\n";
    }
    if (!any) out_ << "<p>None recorded.</p>";
    if (incident_.transcripts_omitted > 0) {
      out_ << "<p class=\"note\">" << incident_.transcripts_omitted << " more transcripts are not shown.</p>";
    }
    out_ << "</section>\n";
  }

  void write_timelines() {
    out_ << "<section id=\"timelines\"><h2>Timelines</h2>\n<p class=\"meta\">Each process's start, alerts, "
         << "transcripts of dynamic code and what its own code did (files written or read, network, processes, "
         << "code from text, native and hook events), without the interpreter's start-up and imports. "
         << "<span class=\"mono\">vigil log --pid PID</span> shows every record.</p>\n";
    for (std::size_t i = 0; i < incident_.processes.size(); ++i) {
      const ProcessRun& run = incident_.processes[i];
      long alerts = std::accumulate(run.alerts.begin(), run.alerts.end(), 0L);
      out_ << "<details id=\"p" << i << "\"" << (alerts > 0 ? " open" : "") << "><summary>pid " << run.pid << " on "
           << html_escape(run.host) << " · " << html_escape(run.entry_mode) << " <span class=\"mono\">"
           << html_escape(run.entry_target) << "</span> · " << run.events << " events";
      if (alerts > 0) out_ << " · " << alerts << " alerts";
      out_ << "</summary><p class=\"meta\">ppid " << run.ppid;
      if (run.parent) out_ << " (" << process_link(*run.parent) << ")";
      out_ << " · uid " << run.uid << " · exe <span class=\"mono\">" << html_escape(run.exe) << "</span> · cwd "
           << "<span class=\"mono\">" << html_escape(run.cwd) << "</span> · policy " << html_escape(run.policy)
           << (run.gaps > 0 ? " · <b>SEQUENCE GAPS</b>" : "") << "</p>";
      out_ << "<table><tr><th>Time</th><th>Seq</th><th>Kind</th><th>What</th><th>Area</th></tr>\n";
      std::set<std::uint64_t> anchored;
      for (const TimelineRow& row : run.timeline) {
        out_ << "<tr" << (row.kind == "alert" ? " class=\"alert\"" : "");
        // Events are what because chains link to; a forged log could repeat a seq.
        if (row.kind == "event" && anchored.insert(row.seq).second) out_ << " id=\"" << event_anchor(i, row.seq) << "\"";
        out_ << "><td class=\"mono\">" << html_escape(row.ts)
             << "</td><td>" << row.seq << "</td><td>" << html_escape(row.kind) << "</td><td>";
        write_event_cell(row);
        out_ << "</td><td>" << (row.kind == "alert" ? severity_badge(row.area) : html_escape(row.area)) << "</td></tr>\n";
      }
      out_ << "</table>";
      if (run.timeline_omitted > 0) {
        out_ << "<p class=\"note\">" << run.timeline_omitted << " more rows are not shown.</p>";
      }
      out_ << "</details>\n";
    }
    out_ << "</section>\n";
  }

  const Incident& incident_;
  std::ostream& out_;
};

}  // namespace

std::string html_escape(std::string_view text) {
  std::string html;
  html.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': html += "&amp;"; break;
      case '<': html += "&lt;"; break;
      case '>': html += "&gt;"; break;
      case '"': html += "&quot;"; break;
      case '\'': html += "&#39;"; break;
      default: html += c;
    }
  }
  return html;
}

void write_html_report(const Incident& incident, const ReportHeader& header, std::ostream& out) {
  Page(incident, out).write(header);
}

}  // namespace vigil
