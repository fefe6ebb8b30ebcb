// Named units for values that cross module boundaries as configuration: a radius, a threshold,
// a speed. Construction names the unit (Meters::Km(2)), so 2 km cannot be passed where 2 s is
// meant. Hot-path results (Route::Project) stay plain doubles whose field names carry the unit
// (along_m, offset_m): the hub does arithmetic on millions of them and a wrapper there adds
// noise without catching more mistakes than the names already do.
#pragma once

#include <compare>

namespace convoy::maps {

class Meters {
 public:
  constexpr Meters() = default;
  static constexpr Meters M(double m) { return Meters(m); }
  static constexpr Meters Km(double km) { return Meters(km * 1000.0); }
  constexpr double m() const { return m_; }
  constexpr double km() const { return m_ / 1000.0; }

  constexpr Meters operator+(Meters o) const { return Meters(m_ + o.m_); }
  constexpr Meters operator-(Meters o) const { return Meters(m_ - o.m_); }
  constexpr Meters operator*(double k) const { return Meters(m_ * k); }
  constexpr auto operator<=>(const Meters&) const = default;

 private:
  constexpr explicit Meters(double m) : m_(m) {}
  double m_ = 0;
};

class Seconds {
 public:
  constexpr Seconds() = default;
  static constexpr Seconds S(double s) { return Seconds(s); }
  static constexpr Seconds Ms(double ms) { return Seconds(ms / 1000.0); }
  static constexpr Seconds Min(double min) { return Seconds(min * 60.0); }
  constexpr double s() const { return s_; }
  constexpr double ms() const { return s_ * 1000.0; }

  constexpr Seconds operator+(Seconds o) const { return Seconds(s_ + o.s_); }
  constexpr Seconds operator-(Seconds o) const { return Seconds(s_ - o.s_); }
  constexpr auto operator<=>(const Seconds&) const = default;

 private:
  constexpr explicit Seconds(double s) : s_(s) {}
  double s_ = 0;
};

// Speed as distance over time; only the conversions the model needs.
class MetersPerSecond {
 public:
  constexpr MetersPerSecond() = default;
  static constexpr MetersPerSecond Mps(double mps) { return MetersPerSecond(mps); }
  static constexpr MetersPerSecond Kmh(double kmh) { return MetersPerSecond(kmh / 3.6); }
  constexpr double mps() const { return mps_; }
  constexpr Meters operator*(Seconds t) const { return Meters::M(mps_ * t.s()); }
  constexpr auto operator<=>(const MetersPerSecond&) const = default;

 private:
  constexpr explicit MetersPerSecond(double mps) : mps_(mps) {}
  double mps_ = 0;
};

}  // namespace convoy::maps
