// A small JSON writer for the API's answers and live messages: strings escaped per RFC 8259,
// numbers that are not finite written as null (the API's "unknown figure"), commas placed by
// the writer. It does not check that keys and values alternate: callers write well-formed
// sequences (Key then a value inside objects). Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace convoy::hub::api {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view text);
  // NaN and infinities become null. Ten significant digits: 1e-7 degrees up to 999 degrees, short
  // enough for 40 cars a second.
  JsonWriter& Number(double value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Uint(uint64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Text that is already JSON (a value serialized before), written as one value.
  JsonWriter& Raw(std::string_view json);

  // Key and value in one call.
  template <class T>
  JsonWriter& Field(std::string_view key, const T& value) {
    Key(key);
    return Value(value);
  }
  JsonWriter& Value(std::string_view v) { return String(v); }
  JsonWriter& Value(const std::string& v) { return String(v); }
  JsonWriter& Value(const char* v) { return String(v); }
  JsonWriter& Value(double v) { return Number(v); }
  JsonWriter& Value(bool v) { return Bool(v); }
  JsonWriter& Value(int v) { return Int(v); }
  JsonWriter& Value(int64_t v) { return Int(v); }
  JsonWriter& Value(uint64_t v) { return Uint(v); }
  JsonWriter& Value(uint32_t v) { return Uint(v); }
  template <class T>
  JsonWriter& Value(const std::optional<T>& v) {
    return v ? Value(*v) : Null();
  }

  const std::string& text() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();
  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

// Appends `text` as a quoted JSON string. Bytes that are not valid UTF-8 become U+FFFD, so the
// answer stays valid JSON whatever a name or a text holds.
void AppendJsonString(std::string_view text, std::string* out);

}  // namespace convoy::hub::api
