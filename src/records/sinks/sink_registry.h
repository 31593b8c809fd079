// The sink types a policy's [[sink]] tables may name, each a small class
// behind Sink, made here by name.
#pragma once

#include "sinks/sink.h"
#include "sinks/sink_settings.h"

#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace vigil {

struct SinkType {
  std::string_view name;
  // Settings keys this type reads beside the common ones.
  std::span<const std::string_view> keys;
  // What is wrong with the settings for this type; empty when nothing.
  std::string (*check)(const SinkSettings& settings);
  // `log_directory`: the directory of the process's log file, under which
  // remote sinks spool by default.
  std::unique_ptr<Sink> (*make)(const SinkSettings& settings, const std::string& log_directory);
};

std::span<const SinkType> sink_types();
const SinkType* find_sink_type(std::string_view name);

// The settings keys every type reads.
std::span<const std::string_view> common_sink_keys();

}  // namespace vigil
