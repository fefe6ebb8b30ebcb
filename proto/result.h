// Errors as values: Status for operations that return nothing, Result<T> for those that return
// a value. Parsers, loaders and storage return these; nothing in them throws on bad input.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace convoy {

// An error with a message meant for a person ("cars.csv line 4: role 'driver' is not one of
// lead, sweep, car"). Say where, then what.
struct Error {
  std::string message;
};

class [[nodiscard]] Status {
 public:
  Status() = default;                                                      // OK
  Status(Error error) : message_(std::move(error.message)), ok_(false) {}  // NOLINT: implicit
  static Status Ok() { return Status(); }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  // Empty when ok().
  const std::string& message() const { return message_; }

 private:
  std::string message_;
  bool ok_ = true;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}               // NOLINT: implicit
  Result(Error error) : value_(std::move(error)) {}           // NOLINT: implicit
  Result(Status status) : value_(Error{status.message()}) {}  // precondition: !status.ok()

  bool ok() const { return value_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Preconditions: ok().
  T& value() & { return std::get<0>(value_); }
  const T& value() const& { return std::get<0>(value_); }
  T&& value() && { return std::get<0>(std::move(value_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // Preconditions: !ok().
  const std::string& message() const { return std::get<1>(value_).message; }
  Status status() const { return ok() ? Status() : Status(std::get<1>(value_)); }

 private:
  std::variant<T, Error> value_;
};

}  // namespace convoy
