// The policy engine's view of a live event: its arguments and call site,
// read from Python objects without running Python code. Values are read
// from the objects' own storage, subclasses of builtins included: that
// storage, not what an overridden method would return, is what CPython's C
// code acts on.
#pragma once

#include "argument_value.h"
#include "python_compat.h"

#include <array>
#include <cstdint>
#include <string>

namespace vigil {

class PythonArguments final : public ArgumentSource {
 public:
  explicit PythonArguments(PyObject* args) : args_(args != nullptr && PyTuple_Check(args) ? args : nullptr) {}
  std::size_t count() const override { return args_ == nullptr ? 0 : static_cast<std::size_t>(PyTuple_GET_SIZE(args_)); }
  const ArgValue& value(std::size_t position) override;

 private:
  PyObject* args_;
  ArgValue value_;
  std::array<ArgValue, 2> items_;
  std::array<std::string, 3> text_storage_;
};

class CodeVerifier;

class PythonSite final : public SiteSource {
 public:
  // Without a verifier nothing counts as verified.
  explicit PythonSite(const CodeVerifier* verifier = nullptr) : verifier_(verifier) {}
  const ArgValue& file() override;
  bool verified() override;

 private:
  const CodeVerifier* verifier_;
  bool read_ = false;
  ArgValue file_;
  std::string text_storage_;
};

// Describes `object` in `out`; non-ASCII text is converted into `storage`.
// Text beyond `max_chars` characters is left out.
void describe_value(PyObject* object, ArgValue& out, std::string& storage, std::size_t max_chars = SIZE_MAX);

}  // namespace vigil
