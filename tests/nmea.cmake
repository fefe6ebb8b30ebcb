# NMEA decoding, the receiver sources and the fix-quality gate (issue 3).
convoy_test(nmea_lexer_test tracker/nmea/lexer_test.cc LIBS convoy_tracker)
convoy_test(nmea_decoder_test tracker/nmea/decoder_test.cc LIBS convoy_tracker)
convoy_test(nmea_golden_test tracker/nmea/golden_test.cc LIBS convoy_tracker)
convoy_test(fix_quality_test proto/fix_quality_test.cc LIBS convoy_proto)
