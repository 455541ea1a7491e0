// Package links catches returning violators: accounts that come back under
// another identity and hand out the same contact identifiers on air.
//
// The scan role gives every final hypothesis to a Linker after its
// lexicon alerts are delivered (pipeline.ScanConfig.Linker), in one
// process as in a cluster. The Linker finds the contact identifiers in it
// (lexicon.Identifiers: phone numbers, WeChat/QQ/WhatsApp/Telegram ids,
// e-mail and web addresses, spelled handles; digits, words or mixed, zh
// and en), keys each by an HMAC-SHA256 of its normalized value under a
// key kept in DATA/keys (Key), and records one Mention per identifier and
// account (the room's anchor and merchant) in the KV bucket EARSHOT_LINKS,
// whose entries expire a retention after the account last said it. The
// raw value is stored beside its hash for compliance staff; the HTTP
// layer shows it to compliance roles only.
//
// Bans (EARSHOT_BANS) name anchors and merchants compliance banned or
// flagged, with the reason, who decided and when. When an account says an
// identifier a different, banned or flagged account said before, the
// Linker returns a returning-violator alert (alerter.Link: the banned
// account, the earlier mention with its room, times and clip) for the
// scanner to deliver like any other; a new ban looks back the same way
// (Linker.Banned, delivered by Service.PutBan on the API node), so an
// account that said the identifier before the ban is caught too.
// Identifiers marked benign (a brand's hotline) are neither recorded nor
// linked.
//
// This package must never ban, mute or remind anyone by itself: a link is
// a suggestion for a human. It must never put a raw identifier in a key,
// a subject or a log line, and never import the HTTP layer (server, api).
package links
