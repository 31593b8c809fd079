// The only place that knows how CPython 3.8–3.14 differ for what Vigil reads.
#pragma once

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <frameobject.h>

#include <string_view>

#if PY_VERSION_HEX < 0x03080000
#error "Vigil needs CPython 3.8 or newer (PEP 578 audit hooks)"
#endif

namespace vigil::compat {

// New reference to the code object a frame runs.
inline PyCodeObject* frame_code(PyFrameObject* frame) {
#if PY_VERSION_HEX >= 0x03090000
  return PyFrame_GetCode(frame);
#else
  Py_INCREF(frame->f_code);
  return frame->f_code;
#endif
}

// Borrowed. The name a traceback would show: the qualified name where the
// interpreter keeps one (3.11+), the plain name before that.
inline PyObject* code_display_name(PyCodeObject* code) {
#if PY_VERSION_HEX >= 0x030B0000
  return code->co_qualname;
#else
  return code->co_name;
#endif
}

// The offset of the instruction the frame is executing.
inline int frame_last_instruction(PyFrameObject* frame) {
#if PY_VERSION_HEX >= 0x030B0000
  return PyFrame_GetLasti(frame);
#else
  return frame->f_lasti;
#endif
}

inline PyObject* code_filename(PyCodeObject* code) { return code->co_filename; }

// The buffer of a bytes object (a subclass included: its buffer is the
// object's own, read without calling anything).
inline std::string_view bytes_view(PyObject* bytes) {
  return {PyBytes_AS_STRING(bytes), static_cast<std::size_t>(PyBytes_GET_SIZE(bytes))};
}
inline int code_first_line(PyCodeObject* code) { return code->co_firstlineno; }

// Borrowed; the table of a code object's instructions' lines (3.11+'s
// location table). With co_firstlineno it decides every line of the code.
inline PyObject* code_line_table(PyCodeObject* code) { return code->co_linetable; }

// Borrowed; the innermost frame of the calling thread, or null. Never raises.
inline PyFrameObject* current_frame() {
  PyFrameObject* frame = PyEval_GetFrame();
  if (frame == nullptr && PyErr_Occurred()) PyErr_Clear();
  return frame;
}

// Borrowed; the namespace dict of a class, or null. From 3.12 the static
// builtin types keep theirs per interpreter.
inline PyObject* type_dict(PyTypeObject* type) {
#if PY_VERSION_HEX >= 0x030C0000
  if (!(type->tp_flags & Py_TPFLAGS_HEAPTYPE)) return nullptr;
#endif
  return type->tp_dict;
}

inline bool is_heap_type(PyTypeObject* type) { return (type->tp_flags & Py_TPFLAGS_HEAPTYPE) != 0; }

// Borrowed; a heap type's __qualname__, which it stores outside its dict.
inline PyObject* heap_type_qualname(PyTypeObject* type) {
  return reinterpret_cast<PyHeapTypeObject*>(type)->ht_qualname;
}

inline PyObject* function_qualname(PyObject* function) {
  return reinterpret_cast<PyFunctionObject*>(function)->func_qualname;
}
inline PyObject* function_module(PyObject* function) {
  return reinterpret_cast<PyFunctionObject*>(function)->func_module;
}

// Whether this thread runs with tracing turned off for a hook: CPython
// does that around every call of a Python-level audit hook, and a plain
// call from Python code (outside a trace function) does not.
inline bool tracing_suspended() { return PyThreadState_Get()->tracing > 0; }

// Whether the runtime is finalizing (public from 3.13).
inline bool is_finalizing() {
#if PY_VERSION_HEX >= 0x030D0000
  return Py_IsFinalizing() != 0;
#else
  return _Py_IsFinalizing() != 0;
#endif
}

}  // namespace vigil::compat
