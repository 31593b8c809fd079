#include "import_plumbing.h"

#include "integrity_alerts.h"
#include "py_ref.h"
#include "python_internals.h"

#include <string>
#include <vector>

namespace vigil {
namespace {

// The value of `key` (an interned exact str) in `dict`, borrowed; null when
// absent. No key's __eq__ or __hash__ runs: a dict with other keys than
// exact str is searched by identity and exact-str equality.
PyObject* find_without_code(PyObject* dict, PyObject* key) {
  if (!PyDict_CheckExact(dict)) return nullptr;
  if (vigil_dict_has_only_str_keys(dict)) {
    PyObject* value = PyDict_GetItemWithError(dict, key);
    if (value == nullptr) PyErr_Clear();
    return value;
  }
  Py_ssize_t position = 0;
  PyObject* candidate = nullptr;
  PyObject* value = nullptr;
  while (PyDict_Next(dict, &position, &candidate, &value)) {
    if (candidate == key || (PyUnicode_CheckExact(candidate) && PyUnicode_Compare(candidate, key) == 0)) return value;
  }
  return nullptr;
}

// What an object is, for a message: a class by its own name.
std::string type_name(PyObject* object) {
  if (object == nullptr) return "nothing";
  if (PyType_Check(object)) return std::string("class ") + reinterpret_cast<PyTypeObject*>(object)->tp_name;
  return Py_TYPE(object)->tp_name;
}

// One dict entry that must keep its original value.
struct WatchedEntry {
  const char* description;  // for the alert
  PyObject* dict = nullptr;  // owned
  PyObject* key = nullptr;   // owned, interned
  PyObject* original = nullptr;  // owned
  unsigned long long version = 0;  // of dict when last compared
  const void* reported = nullptr;  // identity only: never dereferenced
};

// A list in the sys module that must keep its original items.
struct WatchedList {
  const char* description;
  PyObject* key = nullptr;  // owned, interned
  std::vector<PyObject*> original;  // owned
  std::vector<const void*> reported;  // identities only
};

struct Snapshot {
  PyObject* sys_dict = nullptr;
  std::vector<WatchedEntry> entries;
  std::vector<WatchedList> lists;
  PyObject* importer_cache_key = nullptr;
  unsigned long long importer_cache_version = ~0ULL;
  std::vector<PyTypeObject*> finder_types;  // the kinds cached at start
  std::vector<const void*> reported_finders;
  // io was not loaded at start-up (3.14): watched once it is.
  PyObject* late_io_name = nullptr;  // owned, interned; null once watched
};

Snapshot* g_snapshot = nullptr;

// A module the interpreter has loaded while it initialised; nothing is
// imported here.
PyObject* module_dict(const char* name) {
  PyRef module = PyRef::steal(PyImport_GetModule(PyRef::steal(PyUnicode_FromString(name)).get()));
  if (!module) {
    PyErr_Clear();
    return nullptr;
  }
  PyObject* dict = PyModule_GetDict(module.get());
  return dict != nullptr ? Py_NewRef(dict) : nullptr;
}

bool watch_entry(Snapshot& snapshot, const char* module, const char* key, const char* description) {
  PyObject* dict = module_dict(module);
  PyObject* name = PyUnicode_InternFromString(key);
  PyObject* original = dict != nullptr && name != nullptr ? find_without_code(dict, name) : nullptr;
  if (original == nullptr) {
    Py_XDECREF(dict);
    Py_XDECREF(name);
    return false;
  }
  snapshot.entries.push_back({description, dict, name, Py_NewRef(original), vigil_dict_version(dict), original});
  return true;
}

bool watch_list(Snapshot& snapshot, const char* key, const char* description) {
  PyObject* name = PyUnicode_InternFromString(key);
  PyObject* list = name != nullptr ? find_without_code(snapshot.sys_dict, name) : nullptr;
  if (list == nullptr || !PyList_Check(list)) {
    Py_XDECREF(name);
    return false;
  }
  WatchedList watched{description, name, {}, {}};
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); ++i) {
    watched.original.push_back(Py_NewRef(PyList_GET_ITEM(list, i)));
  }
  watched.reported.assign(watched.original.begin(), watched.original.end());
  snapshot.lists.push_back(std::move(watched));
  return true;
}

void alert(Recorder& recorder, const IntegrityRule& rule, std::string_view event, const std::string& message,
           std::uint64_t seq_ref) {
  emit_integrity_alert(recorder, rule, event, message, seq_ref);
}

void check_entry(WatchedEntry& entry, Recorder& recorder, std::string_view event, std::uint64_t seq_ref) {
  unsigned long long version = vigil_dict_version(entry.dict);
  if (version == entry.version) return;
  entry.version = version;
  PyObject* current = find_without_code(entry.dict, entry.key);
  if (current == entry.reported) return;
  entry.reported = current;
  if (current == entry.original) return;
  alert(recorder, kImportPlumbing, event,
        std::string(entry.description) + " was replaced (now " + (current != nullptr ? "a " : "") +
            type_name(current) + "); imports may no longer reach Vigil's open-code hook",
        seq_ref);
}

void check_list(WatchedList& watched, PyObject* sys_dict, Recorder& recorder, std::string_view event,
                std::uint64_t seq_ref) {
  PyObject* list = find_without_code(sys_dict, watched.key);
  bool is_list = list != nullptr && PyList_Check(list);
  Py_ssize_t size = is_list ? PyList_GET_SIZE(list) : 0;
  // The common case, unchanged since the last check, allocates nothing.
  bool unchanged = is_list && static_cast<std::size_t>(size) == watched.reported.size();
  for (Py_ssize_t i = 0; unchanged && i < size; ++i) {
    unchanged = PyList_GET_ITEM(list, i) == watched.reported[static_cast<std::size_t>(i)];
  }
  if (unchanged) return;
  std::vector<const void*> items;
  for (Py_ssize_t i = 0; i < size; ++i) items.push_back(PyList_GET_ITEM(list, i));
  watched.reported = items;
  std::string added;
  for (const void* item : items) {
    bool known = false;
    for (PyObject* original : watched.original) known = known || original == item;
    if (known) continue;
    if (!added.empty()) added += ", ";
    added += type_name(static_cast<PyObject*>(const_cast<void*>(item)));
  }
  bool whole = items.size() == watched.original.size() && added.empty();
  if (whole && is_list) return;  // back to the original (or reordered only)
  std::string message = std::string(watched.description) +
                        (!is_list ? " was replaced by " + type_name(list)
                         : added.empty()                        ? " lost entries"
                                                                : " has new entries: " + added);
  alert(recorder, kImportFinders, event, message + "; they decide where imported code comes from", seq_ref);
}

void check_importer_cache(Snapshot& snapshot, Recorder& recorder, std::string_view event, std::uint64_t seq_ref) {
  PyObject* cache = find_without_code(snapshot.sys_dict, snapshot.importer_cache_key);
  if (cache == nullptr || !PyDict_CheckExact(cache)) return;
  unsigned long long version = vigil_dict_version(cache);
  if (version == snapshot.importer_cache_version) return;
  snapshot.importer_cache_version = version;
  Py_ssize_t position = 0;
  PyObject* path = nullptr;
  PyObject* finder = nullptr;
  while (PyDict_Next(cache, &position, &path, &finder)) {
    if (finder == Py_None) continue;
    bool known = false;
    for (PyTypeObject* type : snapshot.finder_types) known = known || Py_IS_TYPE(finder, type);
    if (known) continue;
    bool reported = false;
    for (const void* seen : snapshot.reported_finders) reported = reported || seen == finder;
    if (reported) continue;
    snapshot.reported_finders.push_back(finder);
    alert(recorder, kImportFinders, event,
          "sys.path_importer_cache holds a finder of a new kind (" + type_name(finder) +
              "); it decides where imported code comes from",
          seq_ref);
  }
}

// io imported after start-up: its open_code must be _io's original, however
// early the program replaced it.
void watch_late_io(Snapshot& snapshot) {
  PyObject* io = PyImport_GetModule(snapshot.late_io_name);  // sys.modules only, no import
  if (io == nullptr) {
    PyErr_Clear();
    return;
  }
  PyObject* dict = PyModule_Check(io) ? PyModule_GetDict(io) : nullptr;
  const WatchedEntry* io_open_code = nullptr;
  for (const WatchedEntry& entry : snapshot.entries) {
    if (std::string_view(entry.description) == "_io.open_code") io_open_code = &entry;
  }
  PyObject* key = dict != nullptr && io_open_code != nullptr ? PyUnicode_InternFromString("open_code") : nullptr;
  if (key != nullptr && find_without_code(dict, key) == nullptr) {
    // io is still running its body (it is in sys.modules from the start of
    // its import): looked at again at the next check.
    Py_DECREF(key);
    Py_DECREF(io);
    return;
  }
  if (key != nullptr) {
    // A version no dict has: the first check compares.
    snapshot.entries.push_back(
        {"io.open_code", Py_NewRef(dict), key, Py_NewRef(io_open_code->original), ~0ULL, io_open_code->original});
  } else {
    PyErr_Clear();
  }
  Py_DECREF(io);
  Py_CLEAR(snapshot.late_io_name);
}

}  // namespace

bool ImportPlumbing::snapshot() {
  auto* snapshot = new Snapshot;
  snapshot->sys_dict = module_dict("sys");
  // 3.14 no longer imports io while it starts: io.open_code, the same
  // function as _io's, is watched from when io is loaded (watch_late_io).
  PyRef io = PyRef::steal(PyImport_GetModule(PyRef::steal(PyUnicode_FromString("io")).get()));
  if (!io) {
    PyErr_Clear();
    snapshot->late_io_name = PyUnicode_InternFromString("io");
  }
  bool complete = snapshot->sys_dict != nullptr &&
                  watch_entry(*snapshot, "builtins", "__import__", "builtins.__import__") &&
                  (!io || watch_entry(*snapshot, "io", "open_code", "io.open_code")) &&
                  watch_entry(*snapshot, "_io", "open_code", "_io.open_code") &&
                  watch_entry(*snapshot, "_frozen_importlib_external", "_io",
                              "the _io module of importlib._bootstrap_external") &&
                  watch_list(*snapshot, "meta_path", "sys.meta_path") &&
                  watch_list(*snapshot, "path_hooks", "sys.path_hooks");
  snapshot->importer_cache_key = PyUnicode_InternFromString("path_importer_cache");
  PyObject* cache = complete && snapshot->importer_cache_key != nullptr
                        ? find_without_code(snapshot->sys_dict, snapshot->importer_cache_key)
                        : nullptr;
  if (cache == nullptr || !PyDict_CheckExact(cache)) {
    PyErr_Clear();
    return false;
  }
  // The kinds of finder the path hooks make: the first hook is
  // zipimport.zipimporter itself, FileFinder's are in the cache already.
  for (PyObject* hook : snapshot->lists[1].original) {
    if (PyType_Check(hook)) snapshot->finder_types.push_back(reinterpret_cast<PyTypeObject*>(hook));
  }
  Py_ssize_t position = 0;
  PyObject* path = nullptr;
  PyObject* finder = nullptr;
  while (PyDict_Next(cache, &position, &path, &finder)) {
    if (finder != Py_None) snapshot->finder_types.push_back(Py_TYPE(finder));
  }
  snapshot->importer_cache_version = vigil_dict_version(cache);
  g_snapshot = snapshot;
  return true;
}

void ImportPlumbing::check(Recorder& recorder, std::string_view event, std::uint64_t seq_ref) {
  // The main interpreter's plumbing only; a sub-interpreter has its own.
  if (g_snapshot == nullptr || PyInterpreterState_Get() != PyInterpreterState_Main()) return;
  if (g_snapshot->late_io_name != nullptr) watch_late_io(*g_snapshot);
  for (WatchedEntry& entry : g_snapshot->entries) check_entry(entry, recorder, event, seq_ref);
  for (WatchedList& list : g_snapshot->lists) check_list(list, g_snapshot->sys_dict, recorder, event, seq_ref);
  check_importer_cache(*g_snapshot, recorder, event, seq_ref);
}

}  // namespace vigil
