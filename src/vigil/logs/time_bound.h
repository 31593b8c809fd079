#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace vigil {

// A time given on the command line as the `ts` text records carry
// ("2026-11-22T16:04:08.000000Z"), so that comparing texts compares times.
// Accepted: a date ("2026-11-22"), a date and time with a space or T, with
// or without seconds, fraction and a zone (Z or ±hh:mm; none means UTC), or
// an age: "90s", "15m", "2h", "7d" before `now`. nullopt when it is neither.
std::optional<std::string> parse_time_bound(std::string_view text, std::time_t now);

// --since and --until as ts texts (empty stays empty). False, with a
// message for the user in `error`, when either is not a time.
bool parse_time_range(const std::string& since, const std::string& until, std::string& since_ts,
                      std::string& until_ts, std::string& error);

}  // namespace vigil
