// Captures GDAL's error messages on the calling thread while alive, so that they are returned
// in a Status instead of printed by GDAL.
#pragma once

#include <cpl_error.h>

#include <string>

namespace convoy::hub {

// Not thread-safe; GDAL's handler stack is per thread, so each thread needs its own.
class GdalErrors {
 public:
  GdalErrors() { CPLPushErrorHandlerEx(&Handler, this); }
  ~GdalErrors() { CPLPopErrorHandler(); }
  GdalErrors(const GdalErrors&) = delete;
  GdalErrors& operator=(const GdalErrors&) = delete;

  bool failed() const { return !first_failure_.empty(); }
  // The first failure since construction or the last Reset, else empty.
  const std::string& message() const { return first_failure_; }
  void Reset() { first_failure_.clear(); }

 private:
  static void CPL_STDCALL Handler(CPLErr level, CPLErrorNum, const char* msg) {
    auto* self = static_cast<GdalErrors*>(CPLGetErrorHandlerUserData());
    if (self != nullptr && msg != nullptr && level >= CE_Failure && self->first_failure_.empty()) {
      self->first_failure_ = msg;
    }
  }
  std::string first_failure_;
};

}  // namespace convoy::hub
