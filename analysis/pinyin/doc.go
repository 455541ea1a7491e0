// Package pinyin reads Chinese characters as toneless pinyin, the way the
// lexicon matches sound-alike evasions (威信 for 微信) and the transcript
// store lets staff search 微信 by typing weixin.
//
// Readings and Split are the string API: every reading of a character
// (heteronyms included), and a typed Latin word split into syllables.
// Table is the id API for matchers: syllables as small integers, their
// fuzzy forms (zh/z, ch/c, sh/s, -ng/-n merged), the Chinese names of
// Latin letters (V信, QQ as 扣扣), initials (vx) and toned comparisons.
// The data comes from the go-pinyin dictionary and is built once, on first
// use, into one read-only Table.
//
// This package must never depend on the lexicon, the transcript store or
// any other stage: it is a leaf that both import. It must never mutate a
// Table after it is built.
package pinyin
