// Values recorded once per change (docs/records.md): the fields the
// catalogue marks (the `import` event's sys.path, sys.meta_path and
// sys.path_hooks) are written in full the first time and whenever their
// rendering changes; other records of the process carry {"same_as": seq},
// the seq of the event record that holds the same text. Only the record
// refers back: the policy judges the live value.
//
// "Unchanged" means the rendering is byte for byte the one written: the
// value is rendered as always (the hook treats it as hostile and trusts no
// identity), then compared with the text kept of that record. What the
// reference saves is the record's size, and everything that is paid per
// byte of it (the chain's hash, the sinks, the disk).
#pragma once

#include "event_catalog.h"
#include "json_text.h"
#include "value_renderer.h"

#include <cstdint>

namespace vigil {

// Every event record, before its args: forgets what the last record left
// pending (one that was rendered and never written).
void begin_repeated_values();

// Renders `value`, field `field` of `signature` (one the catalogue records
// once per change), in full or as a reference to the record that holds the
// same text in full.
void append_repeated_value(JsonText& json, ValueRenderer& renderer, const EventSignature& signature,
                           std::size_t field, PyObject* value);

// The event record whose args were rendered last on this thread was written
// as `seq`: the values it holds in full are the ones later records refer
// to. Not called for a record that was not written, so nothing refers to it.
void repeated_values_written(std::uint64_t seq);

}  // namespace vigil
