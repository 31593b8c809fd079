#include "python_arguments.h"

#include "code_verifier.h"
#include "value_renderer.h"

#include <climits>

namespace vigil {
namespace {

// Only exact str and bytes name anything: their storage is what CPython's
// C code reads.
void append_name(PyObject* object, bool whole_key, std::string& names) {
  if (!PyBytes_CheckExact(object) && !PyUnicode_CheckExact(object)) return;
  ArgValue value;
  std::string converted;
  describe_value(object, value, converted);
  append_environment_name(names, value.text, whole_key);
}

}  // namespace

void describe_value(PyObject* object, ArgValue& out, std::string& storage, std::size_t max_chars) {
  out = {};
  PyTypeObject* type = Py_TYPE(object);
  out.type = type->tp_name;
  if (object == Py_None) {
    out.kind = ValueKind::none;
  } else if (PyBool_Check(object)) {
    out.kind = ValueKind::boolean;
    out.integer = object == Py_True ? 1 : 0;
  } else if (PyLong_Check(object)) {
    out.kind = ValueKind::integer;
    int overflow = 0;
    out.integer = PyLong_AsLongLongAndOverflow(object, &overflow);
    if (overflow != 0) {
      out.integer_fits = false;
      out.integer = overflow > 0 ? LLONG_MAX : LLONG_MIN;
    }
    if (out.integer == -1 && PyErr_Occurred()) PyErr_Clear();
  } else if (PyFloat_Check(object)) {
    out.kind = ValueKind::real;
    out.real = PyFloat_AS_DOUBLE(object);
  } else if (PyUnicode_Check(object)) {
    out.kind = ValueKind::text;
    if (PyUnicode_IS_READY(object) && PyUnicode_IS_ASCII(object)) {
      out.text = {static_cast<const char*>(PyUnicode_DATA(object)), static_cast<std::size_t>(PyUnicode_GET_LENGTH(object))};
      out.text = out.text.substr(0, max_chars);
    } else {
      // UTF-8, with surrogate-escaped bytes turned back into the bytes
      // the OS sees for a file name.
      storage = raw_bytes_of_str(object, max_chars);
      out.text = storage;
    }
  } else if (PyBytes_CheckExact(object)) {
    out.kind = ValueKind::bytes;
    out.text = compat::bytes_view(object);
  } else if (PyBytes_Check(object) || PyByteArray_Check(object)) {
    // Storage that Python code may change while the rules read it: they
    // judge one copy, taken at once.
    out.kind = ValueKind::bytes;
    bool bytes = PyBytes_Check(object);
    std::string_view live = bytes ? compat::bytes_view(object)
                                   : std::string_view(PyByteArray_AS_STRING(object),
                                                      static_cast<std::size_t>(PyByteArray_GET_SIZE(object)));
    storage.assign(live.substr(0, max_chars));
    out.text = storage;
  } else if (PyTuple_Check(object) || PyList_Check(object)) {
    out.kind = ValueKind::sequence;
  } else if (PyDict_CheckExact(object)) {
    // A dict subclass may show os.execve other keys than its storage
    // holds (reference A18): only exact dicts have names.
    out.kind = ValueKind::mapping;
    storage.clear();
    Py_ssize_t position = 0;
    PyObject* key = nullptr;
    PyObject* item = nullptr;
    while (PyDict_Next(object, &position, &key, &item)) append_name(key, true, storage);
    out.names = storage;
  } else {
    out.kind = ValueKind::other;
  }
}

const ArgValue& PythonArguments::value(std::size_t position) {
  PyObject* object = PyTuple_GET_ITEM(args_, static_cast<Py_ssize_t>(position));
  describe_value(object, value_, text_storage_[0]);
  if (value_.kind == ValueKind::sequence) {
    bool tuple = PyTuple_Check(object);
    Py_ssize_t size = tuple ? PyTuple_GET_SIZE(object) : PyList_GET_SIZE(object);
    std::size_t kept = 0;
    for (; kept < items_.size() && static_cast<Py_ssize_t>(kept) < size; ++kept) {
      PyObject* item = tuple ? PyTuple_GET_ITEM(object, kept) : PyList_GET_ITEM(object, kept);
      describe_value(item, items_[kept], text_storage_[kept + 1]);
      // One level deep: socket addresses need no more.
      if (items_[kept].kind == ValueKind::sequence) items_[kept].kind = ValueKind::other;
    }
    value_.items = std::span<const ArgValue>(items_.data(), kept);
    std::string& names = text_storage_[0];
    names.clear();
    for (Py_ssize_t i = 0; i < size; ++i) {
      append_name(tuple ? PyTuple_GET_ITEM(object, i) : PyList_GET_ITEM(object, i), false, names);
    }
    value_.names = names;
  }
  return value_;
}

const ArgValue& PythonSite::file() {
  if (read_) return file_;
  read_ = true;
  PyFrameObject* frame = compat::current_frame();
  if (frame == nullptr) return file_;
  PyCodeObject* code = compat::frame_code(frame);
  describe_value(compat::code_filename(code), file_, text_storage_);
  Py_DECREF(code);
  return file_;
}

bool PythonSite::verified() {
  const ArgValue& site = file();
  return verifier_ != nullptr && site.kind == ValueKind::text && verifier_->verified_origin(site.text);
}

}  // namespace vigil
