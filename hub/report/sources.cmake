# convoy-replay report (hub/report/, issue 6): the tour's figures and an offline HTML report.
# Included from hub/CMakeLists.txt; the command is in the library so that the thin main in
# hub/replay_main.cc only dispatches to it.
target_sources(convoy_hub PRIVATE
  report/drawings.cc
  report/drawings.h
  report/report_command.cc
  report/report_command.h
  report/report_html.cc
  report/report_writer.cc
  report/report_writer.h
  report/tour_figures.cc
  report/tour_figures.h
)
target_link_libraries(convoy_hub PUBLIC Boost::program_options)
