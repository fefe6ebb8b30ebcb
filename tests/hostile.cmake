# Hostile input and failure drills (issue 8). The fuzz targets are in tests/fuzz (CONVOY_FUZZ);
# the kill -9 drill is tests/drills/kill9.sh (run by hand or by .ci/dev drill).

# Attacks on the tracker port, one executable per attack family; each also watches the
# legitimate car on a live map (--http), so convoy_http_test_support (tests/http.cmake).
add_library(convoy_attack_test_support STATIC hub/attack/fixture.cc hub/attack/fixture.h)
target_link_libraries(convoy_attack_test_support PUBLIC convoy_http_test_support)
convoy_test_code(convoy_attack_test_support)
convoy_test(attack_credentials_test hub/attack/credentials_test.cc
            LIBS convoy_attack_test_support)
convoy_test(attack_frames_test hub/attack/frames_test.cc LIBS convoy_attack_test_support)
convoy_test(attack_slow_and_idle_test hub/attack/slow_and_idle_test.cc
            LIBS convoy_attack_test_support)
convoy_test(attack_crowds_test hub/attack/crowds_test.cc LIBS convoy_attack_test_support)

# A replayed batch racing with its own write (a reconnect mid-write): answered once durable.
convoy_test(ingest_resend_test hub/ingest_resend_test.cc
            LIBS convoy_test_support convoy_fault_fs)
# The disk-full drill as the staff see it: the snapshot's "hub" member through a real --http hub.
convoy_test(journal_disk_full_api_test hub/journal_disk_full_api_test.cc
            LIBS convoy_http_test_support convoy_fault_fs)
# Names from cars.csv and staff.csv: refused when not UTF-8 text; valid JSON on the API.
convoy_test(hostile_names_test hub/http/hostile_names_test.cc LIBS convoy_http_test_support)
