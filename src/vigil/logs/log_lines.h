// Whole lines of a log file or of standard input, read in large blocks:
// a log of any size streams through one buffer that grows only to the
// longest line, and never past kMaxLineBytes: a longer line is skipped and
// counted, not read. Every line handed out is followed by at least
// kPadding readable bytes, which simdjson needs to parse it where it lies.
// A log is a regular file or a FIFO; standard input may be anything but a
// directory. Nothing blocks on opening a FIFO.
#pragma once

#include <simdjson.h>
#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

class LogLines {
 public:
  static constexpr std::size_t kPadding = 64;  // SIMDJSON_PADDING
  // No record Vigil writes comes near it (docs/records.md); docs/analysis.md.
  static constexpr std::size_t kMaxLineBytes = 16u << 20;

  // "-" reads standard input.
  explicit LogLines(std::string path);
  ~LogLines();
  LogLines(const LogLines&) = delete;
  LogLines& operator=(const LogLines&) = delete;

  // False, with the reason in `error`, when the file cannot be opened.
  bool open(std::string& error);

  // The next whole line, without its newline. False when everything
  // written so far has been read (or a read failed: see read_error); a last
  // line without its newline stays pending (a record being written, or a
  // log cut short). Lines longer than kMaxLineBytes are skipped.
  bool next(std::string_view& line);

  // Bytes read after the last newline.
  std::size_t pending() const { return end_ - begin_; }

  // Lines longer than kMaxLineBytes, skipped unread, and the first of them.
  long skipped_lines() const { return skipped_lines_; }
  long first_skipped_line() const { return first_skipped_line_; }
  // Why reading stopped before the end of the input; empty when it did not.
  const std::string& read_error() const { return read_error_; }
  // Empty when every line so far was read; otherwise says, for a message
  // after the path, what was not: "line 3 is longer than 16 MiB: not read".
  std::string unread() const;

  // For following: true when the file was truncated or replaced (rotated)
  // since it was opened; reading then starts again at its beginning.
  bool reopen_if_replaced();

  const std::string& path() const { return path_; }
  // The number of the line `next` returned last, counting from 1.
  long line_number() const { return line_number_; }

 private:
  bool fill();

  std::string path_;
  int fd_ = -1;
  dev_t device_ = 0;
  ino_t inode_ = 0;
  off_t offset_ = 0;  // bytes read from the file so far
  std::vector<char> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  long line_number_ = 0;
  bool skipping_ = false;  // inside a line longer than kMaxLineBytes
  long skipped_lines_ = 0;
  long first_skipped_line_ = 0;
  std::string read_error_;
};

// Parses each whole line of `lines` where it lies: on_record(record, line)
// for every JSON object, on_bad_line() for every other line but an empty one.
template <class OnRecord, class OnBadLine>
void for_each_record(LogLines& lines, simdjson::dom::parser& parser, OnRecord&& on_record, OnBadLine&& on_bad_line) {
  std::string_view line;
  while (lines.next(line)) {
    simdjson::dom::object record;
    if (parser.parse(line.data(), line.size(), false).get_object().get(record) == simdjson::SUCCESS) {
      on_record(record, line);
    } else if (!line.empty()) {
      on_bad_line();
    }
  }
}

}  // namespace vigil
