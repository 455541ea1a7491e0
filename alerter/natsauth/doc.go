// Package natsauth is the NATS identity of one earshot installation, in
// NATS's decentralized JWT model (the same model `nsc` manages): an
// operator that the server trusts, an account EARSHOT that holds every
// stream and bucket, a system account SYS, and one scoped signing key per
// role. A user's permissions come from the scope of the key that signed
// it, so a user JWT cannot claim more than its role, and the server (not
// earshot) enforces them.
//
// Roles (Permissions has the exact lists):
//
//	anchor      sub earshot.room.<room>.reminder (the user's name is the room), nothing else
//	compliance  sub earshot.alert.>, nothing else
//	service     earshot's own processes: earshot.>, the JetStream and KV
//	            APIs, acks, flow control, inboxes
//
// Keys live in one directory (DATA/keys/nats), each an nkey seed file of
// mode 0600: operator.nk, account.nk, system.nk, role-<role>.nk, plus
// roles (the roles whose keys were created), service.creds (the service
// user), revocations.json and issued.jsonl (every user minted, for
// revoking by room). They are created once, on a new data dir; a missing
// key later is an error, never regenerated, because a new key would lock
// out every credential already handed out.
//
// This package must never log a seed or a JWT, never mint a user without
// an expiry unless asked to, and never accept a room id that is not a
// single subject token.
package natsauth
