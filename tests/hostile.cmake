# Hostile input and failure drills (issue 8). The fuzz targets are in tests/fuzz (CONVOY_FUZZ);
# the kill -9 drill is tests/drills/kill9.sh (run by hand or by .ci/dev drill).
convoy_test(attack_test hub/attack_test.cc LIBS convoy_test_support)
# A replayed batch racing with its own write (a reconnect mid-write): answered once durable.
convoy_test(ingest_resend_test hub/ingest_resend_test.cc support/fault_fs.cc
            LIBS convoy_test_support)
