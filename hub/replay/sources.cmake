# The replay (hub/replay/, issue 6): an in-memory index over the hub's journal and the replay API
# the hub mounts under /api/v1/replay/. Included from hub/CMakeLists.txt.
target_sources(convoy_hub PRIVATE
  replay/journal_tail.cc
  replay/journal_tail.h
  replay/json_text.cc
  replay/json_text.h
  replay/query.cc
  replay/query.h
  replay/replay_api.cc
  replay/replay_api.h
  replay/replay_index.cc
  replay/replay_index.h
  replay/replay_json.cc
  replay/replay_json.h
)
