// Package keyfile reads and writes the secret key files an earshot data dir
// holds (nkey seeds, decorated .creds files): a directory of mode 0700,
// files of mode 0600, written once with O_EXCL so two processes starting on
// a new data dir never overwrite each other's key.
//
// It must never log or put a secret into an error message, never create a
// file readable by group or others, and never replace an existing key: a
// key that is gone is an error for the caller to report, not something to
// regenerate.
package keyfile
