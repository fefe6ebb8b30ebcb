#include "maps/local_frame.h"

#include <proj.h>

#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>

namespace convoy::maps {
namespace {

std::atomic<uint64_t> next_frame_id{1};

// The PJ objects of one thread. A PJ and its context must not be shared between threads, so
// each thread owns a context and a few PJs, freed when the thread ends.
class ThreadProjCache {
 public:
  ThreadProjCache() : ctx_(proj_context_create()) {}
  ~ThreadProjCache() {
    for (Entry& e : entries_) {
      if (e.pj != nullptr) proj_destroy(e.pj);
    }
    proj_context_destroy(ctx_);
  }
  ThreadProjCache(const ThreadProjCache&) = delete;
  ThreadProjCache& operator=(const ThreadProjCache&) = delete;

  // Null only if PROJ rejects a definition that it accepted in LocalFrame::Create.
  PJ* Get(uint64_t id, const std::string& definition) {
    for (Entry& e : entries_) {
      if (e.id == id) return e.pj;
    }
    Entry& victim = entries_[next_victim_];
    next_victim_ = (next_victim_ + 1) % entries_.size();
    if (victim.pj != nullptr) proj_destroy(victim.pj);
    victim.pj = proj_create(ctx_, definition.c_str());
    victim.id = victim.pj != nullptr ? id : 0;
    return victim.pj;
  }

 private:
  struct Entry {
    uint64_t id = 0;
    PJ* pj = nullptr;
  };
  PJ_CONTEXT* ctx_;
  std::array<Entry, 8> entries_{};
  size_t next_victim_ = 0;
};

PJ* ThreadPj(uint64_t id, const std::string& definition) {
  thread_local ThreadProjCache cache;
  return cache.Get(id, definition);
}

}  // namespace

Result<LocalFrame> LocalFrame::Create(LatLon centre) {
  char def[160];
  std::snprintf(def, sizeof def,
                "+proj=tmerc +lat_0=%.9f +lon_0=%.9f +k_0=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m",
                centre.lat_deg(), centre.lon_deg());
  LocalFrame frame(centre, def, next_frame_id.fetch_add(1));
  if (ThreadPj(frame.id_, frame.definition_) == nullptr) {
    return Error{std::string("PROJ rejected the local frame '") + def + "'"};
  }
  return frame;
}

XY LocalFrame::Forward(LatLon p) const {
  PJ* pj = ThreadPj(id_, definition_);
  if (pj == nullptr) return {HUGE_VAL, HUGE_VAL};
  PJ_COORD in = proj_coord(proj_torad(p.lon_deg()), proj_torad(p.lat_deg()), 0, 0);
  PJ_COORD out = proj_trans(pj, PJ_FWD, in);
  return {out.xy.x, out.xy.y};
}

Result<LatLon> LocalFrame::Inverse(XY p) const {
  PJ* pj = ThreadPj(id_, definition_);
  if (pj == nullptr) return Error{"PROJ rejected the local frame '" + definition_ + "'"};
  PJ_COORD in = proj_coord(p.x, p.y, 0, 0);
  PJ_COORD out = proj_trans(pj, PJ_INV, in);
  if (!std::isfinite(out.lp.lam) || !std::isfinite(out.lp.phi)) {
    return Error{"local frame coordinates are outside the projection"};
  }
  return LatLon::FromDegrees(proj_todeg(out.lp.phi), proj_todeg(out.lp.lam));
}

}  // namespace convoy::maps
