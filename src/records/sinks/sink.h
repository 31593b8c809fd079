// Where records go. One small class per destination behind this interface,
// made by name from the policy's [[sink]] tables (sink_registry.h); the
// recorder writes each record to its log file and then to every sink whose
// filter takes it.
#pragma once

#include "sinks/record.h"

#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace vigil {

class Sink {
 public:
  virtual ~Sink() = default;
  // Either the whole record reaches the destination (or the sink's queue)
  // or the call returns false; it never leaves part of a record behind on
  // purpose.
  virtual bool write(const Record& record) = 0;
  // What interfered with the destination since the last call (its
  // descriptor closed or replaced), once; empty when nothing did. The
  // recorder turns it into an alert.
  virtual std::string take_interference() { return {}; }
  // The device and inode of the file the sink writes, for a sink that
  // writes a file the process itself could open; false for others.
  virtual bool file_identity(dev_t& /*device*/, ino_t& /*inode*/) const { return false; }
  // Delivery reports since the last call, each the members of one
  // `delivery` record (see docs/records.md). Called after every record, so
  // it must be cheap when there is nothing to report. `final`: the process
  // is ending; nothing may be held back for later.
  virtual void take_reports(std::vector<std::string>& /*reports*/, bool /*final*/) {}
  // fork(): called with the recorder's lock held around the fork, so that
  // a sink's own threads and locks stay consistent in both processes.
  virtual void before_fork() {}
  virtual void after_fork(bool /*in_child*/) {}
  // Before the stop record: deliver what is queued within the sink's time
  // limit, so that what happened to it is reported before the process
  // stops.
  virtual void drain() {}
  // After the stop record: deliver it too within the time limit, and keep
  // the rest where the next process finds it.
  virtual void finish() {}
};

}  // namespace vigil
