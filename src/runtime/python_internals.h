// CPython's internal state that the public API does not reach: where the
// runtime keeps its list of native audit hooks and where an interpreter
// keeps its list of Python-level ones, and how a walk over a code object's
// line table starts. Read from C (python_internals.c),
// because CPython's internal headers compile only as C. Like
// python_compat.h, the one place that knows where 3.11–3.13 keep them.
#pragma once

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#ifdef __cplusplus
extern "C" {
#endif

// The address of the head of the runtime's native audit hook list
// (_PyRuntime.audit_hook_head in 3.11). Static storage: it may be read from
// any thread at any time, without the GIL.
void* const* vigil_audit_hook_list_head(void);

// Whether `entry`, an element of that list, calls `hook` with `user_data`.
// Only for an entry that is still on the list.
int vigil_audit_hook_entry_calls(const void* entry, Py_AuditHookFunction hook, const void* user_data);

// The interpreter's list of Python-level audit hooks (null while it has
// none). With the GIL held.
PyObject** vigil_interpreter_audit_hooks(PyInterpreterState* interpreter);

// Whether `address` lies in the runtime's state (_PyRuntime, where the
// native hook list and the open-code hook are kept) or in the main
// interpreter's state (where the Python-level hook list is kept).
int vigil_is_hook_state_address(unsigned long long address);

// Whether every key of `dict` (an exact dict) is an exact str: a lookup by
// str then compares strings only and never calls a key's __eq__.
int vigil_dict_has_only_str_keys(PyObject* dict);

// A number that changes whenever `dict` is modified.
unsigned long long vigil_dict_version(PyObject* dict);

// Whether `data` is exactly the marshalled code of one of the modules frozen
// into this executable (CPython's bootstrap, stdlib and test tables, in its
// read-only data), which CPython unmarshals as it imports them: from 3.13
// with a Python frame on the stack, as any code would be.
int vigil_is_frozen_module_code(const char* data, size_t size);

// The main interpreter ignores PYTHON* variables from now on. After start-up
// only Py_RunMain reads them: PYTHONSTARTUP before a REPL, and
// PYTHONINSPECT once the program ends, which a program may set itself to
// get a REPL. The rest was read while the interpreter started. No public
// API turns use_environment off after start-up (3.13 made the config
// internal).
void vigil_ignore_environment_from_now_on(void);

// `text` in the locale's encoding, as CPython decoded argv, from the raw
// allocator: it works before any interpreter exists (3.12+ keeps pymalloc
// per interpreter). Free with PyMem_RawFree; null on failure.
char* vigil_encode_locale_raw(const wchar_t* text);

// Places `walk` before the first instruction of the line table
// `line_table` (a code object's co_linetable) of a code object whose first
// line is `first_line`, as CPython starts one (_PyCode_InitAddressRange,
// which a python3 executable does not export). _PyCode_CheckLineNumber(
// offset, walk) then moves it to the range holding the byte offset
// `offset`, forwards or backwards from where it is, and returns that
// range's line: what PyCode_Addr2Line does, from the start, every time.
// The walk points into `line_table`: it is only used while that lives.
void vigil_start_line_walk(PyObject* line_table, int first_line, PyCodeAddressRange* walk);

#ifdef __cplusplus
}
#endif
