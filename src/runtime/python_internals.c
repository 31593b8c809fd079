#define Py_BUILD_CORE 1
#include "python_internals.h"

#include <stdint.h>
#include <string.h>

#if PY_VERSION_HEX >= 0x030E0000
#include <internal/pycore_audit.h>
#endif
#include <internal/pycore_dict.h>
#include <internal/pycore_fileutils.h>
#include <internal/pycore_import.h>
#include <internal/pycore_interp.h>
#include <internal/pycore_runtime.h>

#if PY_VERSION_HEX >= 0x030C0000
#define VIGIL_AUDIT_HOOK_HEAD _PyRuntime.audit_hooks.head
#else
#define VIGIL_AUDIT_HOOK_HEAD _PyRuntime.audit_hook_head
#endif

void* const* vigil_audit_hook_list_head(void) { return (void* const*)&VIGIL_AUDIT_HOOK_HEAD; }

int vigil_audit_hook_entry_calls(const void* entry, Py_AuditHookFunction hook, const void* user_data) {
  const struct _Py_AuditHookEntry* hook_entry = (const struct _Py_AuditHookEntry*)entry;
  return hook_entry->hookCFunction == hook && hook_entry->userData == user_data;
}

PyObject** vigil_interpreter_audit_hooks(PyInterpreterState* interpreter) { return &interpreter->audit_hooks; }

int vigil_is_hook_state_address(unsigned long long address) {
  unsigned long long runtime = (unsigned long long)(uintptr_t)&_PyRuntime;
  if (address >= runtime && address - runtime < sizeof _PyRuntime) return 1;
  PyInterpreterState* main_interpreter = _PyRuntime.interpreters.main;
  unsigned long long interpreter = (unsigned long long)(uintptr_t)main_interpreter;
  return main_interpreter != NULL && address >= interpreter && address - interpreter < sizeof *main_interpreter;
}

int vigil_dict_has_only_str_keys(PyObject* dict) { return DK_IS_UNICODE(((PyDictObject*)dict)->ma_keys); }

#if PY_VERSION_HEX >= 0x030E0000
// 3.14 dropped the dicts' version tags. A dict watcher counts the changes of
// every dict Vigil asks about: one counter for all of them, so a change to
// one makes the others look again, which is rare and only costs a lookup.
// Static, as the watcher's id is the interpreter's.
static int g_dict_watcher = -1;
static unsigned long long g_watched_dict_changes = 0;

static int count_dict_change(PyDict_WatchEvent event, PyObject* dict, PyObject* key, PyObject* new_value) {
  (void)event, (void)dict, (void)key, (void)new_value;
  ++g_watched_dict_changes;
  return 0;
}

unsigned long long vigil_dict_version(PyObject* dict) {
  if (g_dict_watcher < 0) g_dict_watcher = PyDict_AddWatcher(count_dict_change);
  if (g_dict_watcher < 0 || PyDict_Watch(g_dict_watcher, dict) < 0) {
    // No watcher (all taken, or another interpreter's dict): every check looks.
    PyErr_Clear();
    return ++g_watched_dict_changes;
  }
  return g_watched_dict_changes;
}
#else
#if PY_VERSION_HEX >= 0x030C0000
#define VIGIL_DICT_VERSION_SHIFT DICT_VERSION_INCREMENT
#else
#define VIGIL_DICT_VERSION_SHIFT 1
#endif
unsigned long long vigil_dict_version(PyObject* dict) {
  // 3.12 keeps watcher bits below the counter; they change nothing here.
  return ((PyDictObject*)dict)->ma_version_tag / VIGIL_DICT_VERSION_SHIFT;
}
#endif

void vigil_start_line_walk(PyObject* line_table, int first_line, PyCodeAddressRange* walk) {
  const uint8_t* table = (const uint8_t*)PyBytes_AS_STRING(line_table);
  walk->opaque.lo_next = table;
  walk->opaque.limit = table + PyBytes_GET_SIZE(line_table);
  walk->opaque.computed_line = first_line;
  walk->ar_start = -1;
  walk->ar_end = 0;
  walk->ar_line = -1;
}

void vigil_ignore_environment_from_now_on(void) { _PyRuntime.interpreters.main->config.use_environment = 0; }

// _Py_EncodeLocaleRaw is not exported by python3.13 and later, whose
// symbols vigil-python's runtime binds to; this is what it calls.
char* vigil_encode_locale_raw(const wchar_t* text) {
  char* bytes = NULL;
  if (_Py_EncodeLocaleEx(text, &bytes, NULL, NULL, 0, _Py_ERROR_SURROGATEESCAPE) != 0) return NULL;
  return bytes;
}

static int is_in_frozen_table(const struct _frozen* table, const char* data, size_t size) {
  for (const struct _frozen* module = table; module != NULL && module->name != NULL; ++module) {
    if (module->code != NULL && (size_t)module->size == size && memcmp(module->code, data, size) == 0) return 1;
  }
  return 0;
}

int vigil_is_frozen_module_code(const char* data, size_t size) {
  return is_in_frozen_table(_PyImport_FrozenBootstrap, data, size) ||
         is_in_frozen_table(_PyImport_FrozenStdlib, data, size) ||
         is_in_frozen_table(_PyImport_FrozenTest, data, size);
}
