# Durable storage: the record log, the hub's journal and the tracker's spool.
# The journal and spool sources are listed directly (not through convoy_hub / convoy_tracker) so
# these tests build on their own.
convoy_test(record_log_test proto/record_log_test.cc LIBS convoy_proto)
convoy_test(journal_test hub/journal_test.cc ../hub/journal.cc ../hub/journal_reader.cc
            support/fault_fs.cc LIBS convoy_proto)
convoy_test(spool_test tracker/spool_test.cc ../tracker/spool.cc support/fault_fs.cc
            LIBS convoy_proto)

# Not a test: run by hand (build/bin/journal_bench [dir]).
add_executable(journal_bench bench/journal_bench.cc ../hub/journal.cc ../hub/journal_reader.cc)
target_link_libraries(journal_bench PRIVATE convoy_proto)
