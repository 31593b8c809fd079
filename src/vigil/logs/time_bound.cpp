#include "time_bound.h"

#include <charconv>
#include <cstdio>

namespace vigil {
namespace {

std::string stamp(std::time_t seconds, long micros) {
  tm utc{};
  gmtime_r(&seconds, &utc);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, micros);
  return text;
}

// Reads exactly `digits` decimal digits.
bool take_number(std::string_view& text, std::size_t digits, int& value) {
  if (text.size() < digits) return false;
  for (std::size_t i = 0; i < digits; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  std::from_chars(text.data(), text.data() + digits, value);
  text.remove_prefix(digits);
  return true;
}

bool take(std::string_view& text, char expected) {
  if (text.empty() || text.front() != expected) return false;
  text.remove_prefix(1);
  return true;
}

// timegm would take 2026-02-31 for 2026-03-03.
int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::optional<std::string> parse_age(std::string_view text, std::time_t now) {
  if (text.size() < 2) return std::nullopt;
  long long count = 0;
  auto [end, problem] = std::from_chars(text.data(), text.data() + text.size() - 1, count);
  if (problem != std::errc() || end != text.data() + text.size() - 1 || count < 0) return std::nullopt;
  long long unit = 0;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: return std::nullopt;
  }
  if (count > now / unit) return std::nullopt;
  return stamp(now - static_cast<std::time_t>(count * unit), 0);
}

}  // namespace

std::optional<std::string> parse_time_bound(std::string_view text, std::time_t now) {
  if (auto age = parse_age(text, now)) return age;
  tm fields{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!take_number(text, 4, year) || !take(text, '-') || !take_number(text, 2, month) || !take(text, '-') ||
      !take_number(text, 2, day)) {
    return std::nullopt;
  }
  long micros = 0;
  long offset = 0;
  if (!text.empty()) {
    if (!take(text, 'T') && !take(text, ' ')) return std::nullopt;
    if (!take_number(text, 2, hour) || !take(text, ':') || !take_number(text, 2, minute)) return std::nullopt;
    if (take(text, ':') && !take_number(text, 2, second)) return std::nullopt;
    if (take(text, '.')) {
      std::size_t digits = 0;
      for (; digits < text.size() && text[digits] >= '0' && text[digits] <= '9'; ++digits) {
        if (digits < 6) micros = micros * 10 + (text[digits] - '0');
      }
      if (digits == 0) return std::nullopt;
      for (std::size_t i = digits; i < 6; ++i) micros *= 10;
      text.remove_prefix(digits);
    }
    if (take(text, 'Z')) {
    } else if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
      long sign = text.front() == '-' ? -1 : 1;
      text.remove_prefix(1);
      int zone_hours = 0, zone_minutes = 0;
      if (!take_number(text, 2, zone_hours) || !take(text, ':') || !take_number(text, 2, zone_minutes) ||
          zone_hours > 23 || zone_minutes > 59) {
        return std::nullopt;
      }
      offset = sign * (zone_hours * 3600L + zone_minutes * 60L);
    }
  }
  if (!text.empty() || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  fields.tm_year = year - 1900;
  fields.tm_mon = month - 1;
  fields.tm_mday = day;
  fields.tm_hour = hour;
  fields.tm_min = minute;
  fields.tm_sec = second;
  return stamp(timegm(&fields) - offset, micros);
}

bool parse_time_range(const std::string& since, const std::string& until, std::string& since_ts,
                      std::string& until_ts, std::string& error) {
  std::time_t now = std::time(nullptr);
  for (auto [text, bound] : {std::pair{&since, &since_ts}, std::pair{&until, &until_ts}}) {
    if (text->empty()) continue;
    auto parsed = parse_time_bound(*text, now);
    if (!parsed) {
      error = "'" + *text + "' is not a time (2026-11-22, 2026-11-22T16:04:08Z, 15m, 2h, 7d)";
      return false;
    }
    *bound = *parsed;
  }
  return true;
}

}  // namespace vigil
