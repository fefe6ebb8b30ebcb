# Durable storage: the record log, the hub's journal and the tracker's spool.
convoy_test(record_log_test proto/record_log_test.cc LIBS convoy_proto)
convoy_test(journal_test hub/journal_test.cc support/fault_fs.cc LIBS convoy_hub)
convoy_test(journal_reader_test hub/journal_reader_test.cc support/fault_fs.cc LIBS convoy_hub)
convoy_test(spool_test tracker/spool_test.cc support/fault_fs.cc LIBS convoy_tracker)
# Issue 8's failure drills in one process: the journal's disk fills under a reporting tracker;
# the tracker's clock jumps.
convoy_test(journal_disk_full_test hub/journal_disk_full_test.cc support/fault_fs.cc
            LIBS convoy_test_support)
convoy_test(spool_clock_jump_test tracker/spool_clock_jump_test.cc LIBS convoy_test_support)

# Not a test: run by hand (build/bin/journal_bench [dir]).
add_executable(journal_bench bench/journal_bench.cc)
target_link_libraries(journal_bench PRIVATE convoy_hub)
