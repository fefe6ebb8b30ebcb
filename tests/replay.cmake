# Tests of hub/replay/ (the replay index and API) and hub/report/ (convoy-replay report).
# Paths are relative to tests/.
convoy_test(replay_api_test hub/replay/replay_api_test.cc hub/export/test_recording.h
  support/process.cc LIBS convoy_hub)
