# Durable storage: the record log, the hub's journal and the tracker's spool.
convoy_test(record_log_test proto/record_log_test.cc LIBS convoy_proto)
convoy_test(journal_test hub/journal_test.cc support/fault_fs.cc LIBS convoy_hub)
convoy_test(spool_test tracker/spool_test.cc support/fault_fs.cc LIBS convoy_tracker)

# Not a test: run by hand (build/bin/journal_bench [dir]).
add_executable(journal_bench bench/journal_bench.cc)
target_link_libraries(journal_bench PRIVATE convoy_hub)
