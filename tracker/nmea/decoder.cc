#include "tracker/nmea/decoder.h"

namespace convoy::tracker::nmea {

std::string DecoderStats::Summary() const {
  std::string s = "accepted " + std::to_string(lexer.accepted) + ", rejected " +
                  std::to_string(lexer.rejected_total());
  std::string reasons;
  for (size_t i = 0; i < kRejectKinds; ++i) {
    if (lexer.rejected[i] == 0) continue;
    if (!reasons.empty()) reasons += ", ";
    reasons += RejectName(static_cast<Reject>(i));
    reasons += " " + std::to_string(lexer.rejected[i]);
  }
  if (!reasons.empty()) s += " (" + reasons + ")";
  s += ", noise bytes " + std::to_string(lexer.noise_bytes);
  s += ", fixes " + std::to_string(assembler.fixes);
  if (assembler.undated_cycles) s += ", undated cycles " + std::to_string(assembler.undated_cycles);
  if (assembler.late_sentences) s += ", late sentences " + std::to_string(assembler.late_sentences);
  if (assembler.rollovers) s += ", week rollovers fixed " + std::to_string(assembler.rollovers);
  if (too_few_fields) s += ", too few fields " + std::to_string(too_few_fields);
  if (unsupported_talker) s += ", other talkers " + std::to_string(unsupported_talker);
  return s;
}

void Decoder::Feed(std::string_view bytes, std::vector<NmeaFix>* out) {
  lexer_.Feed(bytes, [&](std::string_view text) { OnSentence(text, out); });
}

void Decoder::Finish(std::vector<NmeaFix>* out) {
  lexer_.Finish();
  assembler_.Flush(out);
}

void Decoder::OnSentence(std::string_view text, std::vector<NmeaFix>* out) {
  const Sentence sentence(text);
  Report report;
  switch (Decode(sentence, &report)) {
    case DecodeStatus::kDecoded:
      ++counts_.decoded[static_cast<size_t>(report.type)];
      assembler_.Add(report, SentenceKey(sentence.talker(), report.type), out);
      break;
    case DecodeStatus::kUnsupportedType:
      ++counts_.unsupported_type;
      break;
    case DecodeStatus::kUnsupportedTalker:
      ++counts_.unsupported_talker;
      break;
    case DecodeStatus::kTooFewFields:
      ++counts_.too_few_fields;
      break;
  }
}

DecoderStats Decoder::stats() const {
  DecoderStats s = counts_;
  s.lexer = lexer_.stats();
  s.assembler = assembler_.stats();
  return s;
}

}  // namespace convoy::tracker::nmea
