# NMEA 0183 decoding and the receiver sources (NMEA files, serial ports, gpsd), included by
# tracker/CMakeLists.txt. Paths are relative to tracker/.
target_sources(convoy_tracker PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/assembler.cc
  ${CMAKE_CURRENT_LIST_DIR}/assembler.h
  ${CMAKE_CURRENT_LIST_DIR}/decoder.cc
  ${CMAKE_CURRENT_LIST_DIR}/decoder.h
  ${CMAKE_CURRENT_LIST_DIR}/decoders.cc
  ${CMAKE_CURRENT_LIST_DIR}/decoders.h
  ${CMAKE_CURRENT_LIST_DIR}/file_source.cc
  ${CMAKE_CURRENT_LIST_DIR}/file_source.h
  ${CMAKE_CURRENT_LIST_DIR}/gpsd_source.cc
  ${CMAKE_CURRENT_LIST_DIR}/gpsd_source.h
  ${CMAKE_CURRENT_LIST_DIR}/lexer.cc
  ${CMAKE_CURRENT_LIST_DIR}/lexer.h
  ${CMAKE_CURRENT_LIST_DIR}/receiver_sources.cc
  ${CMAKE_CURRENT_LIST_DIR}/receiver_sources.h
  ${CMAKE_CURRENT_LIST_DIR}/sentence.cc
  ${CMAKE_CURRENT_LIST_DIR}/sentence.h
  ${CMAKE_CURRENT_LIST_DIR}/serial_source.cc
  ${CMAKE_CURRENT_LIST_DIR}/serial_source.h
)
