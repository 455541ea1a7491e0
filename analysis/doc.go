// Package analysis turns text into the normalized tokens that rules and
// searches compare: the text analysis shared by the lexicon (which matches
// rules against transcripts) and the transcript store (which indexes them
// for search), kept apart from both so that neither imports the other.
//
// NormalizeRunes and Normalize fold what speech recognizers and typists
// vary on: NFKC (ﬁ → fi, ① → 1), full-width forms (ＶＸ → vx), case, and
// traditional and variant characters to simplified with OpenCC's
// dictionaries, phrases included (醫療 → 医疗, 反覆 → 反复; opencc.go), with
// a small commerce overlay where OpenCC differs (帳 → 账). The digit styles
// NFKC leaves alone (❶, ➀, ⓵, ⓿) read as digits, and runes that are never
// drawn (zero-width spaces and joiners, soft hyphen, bidi controls,
// variation selectors, the keycap mark) are dropped, so they cannot split
// a word. Latin letters in disguise read as Latin (confusables.go): small
// capitals, accents and combining marks, parenthesized and regional
// indicator letters, and Greek, Cyrillic or Armenian look-alikes inside a
// word with a Latin letter (decided per word, never from the rest of the
// sentence); Japanese shinjitai read as simplified
// (opencc_jp.go). Every normalized rune keeps the byte span of its source
// rune.
//
// Tokenize splits normalized text into tokens: one per Han character,
// letter run or digit run, each with its span in the original text, the
// Porter stem of a word, and the pinyin readings of a character (package
// pinyin). Numerals and number words are read as digits (八, eight, 8);
// positional numerals and tens are compound numbers (三十五 = 35, twenty
// one = 21) that never join a digit string; "oh" and 两 count as digits
// only next to other digits, "double"/"triple" repeat the next one. Fillers
// that ASR emits between words (嗯, um) are dropped. DigitRuns finds the
// phone-number-like runs of digit tokens.
//
// ASCIIScanner reads ASCII text word by word with none of Token's
// weight, for a matcher that only looks words up: the same words, spans
// and fillers as Tokenize, and each word's reading alone (ReadAlone;
// number words next to each other are read together only by Tokenize).
// Tokenize's own ASCII path is built on it. HanScanner does the same for
// the normalized characters of Chinese text, up to its first digit or
// letter (ReadHanAlone).
//
// Tokenizer reuses its buffers across calls for hot paths. All tables are
// built once and never written afterwards.
//
// This package must never depend on the lexicon, the transcript store or
// any other pipeline stage, never keep state between calls other than a
// Tokenizer's own buffers, and never decide what a match means.
package analysis
