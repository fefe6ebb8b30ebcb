# Durable storage: the record log, the hub's journal and the tracker's spool.
# The fault-injecting file system (support/fault_fs.h: a full disk, a failing fsync, a power
# loss) for these tests and the failure drills elsewhere; needs only proto.
add_library(convoy_fault_fs STATIC support/fault_fs.cc support/fault_fs.h)
target_link_libraries(convoy_fault_fs PUBLIC convoy_proto)
convoy_test_code(convoy_fault_fs)
convoy_test(record_log_test proto/record_log_test.cc LIBS convoy_proto)
convoy_test(journal_test hub/journal_test.cc LIBS convoy_hub convoy_fault_fs)
convoy_test(journal_reader_test hub/journal_reader_test.cc LIBS convoy_hub convoy_fault_fs)
convoy_test(spool_test tracker/spool_test.cc LIBS convoy_tracker convoy_fault_fs)
# Issue 8's failure drills in one process: the journal's disk fills under a reporting tracker;
# the tracker's clock jumps.
convoy_test(journal_disk_full_test hub/journal_disk_full_test.cc
            LIBS convoy_test_support convoy_fault_fs)
convoy_test(spool_clock_jump_test tracker/spool_clock_jump_test.cc LIBS convoy_test_support)

# Not a test: run by hand (build/bin/journal_bench [dir]).
add_executable(journal_bench bench/journal_bench.cc)
target_link_libraries(journal_bench PRIVATE convoy_hub)
