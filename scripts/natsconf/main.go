//go:build ignore

// natsconf prints the trust part of a nats-server config (operator JWT,
// system account, preloaded account JWTs) for the NATS keys of an earshot
// data dir, so standalone nats-server processes accept the same credentials
// `earshot creds` mints. Used by scripts/demo-cluster.sh:
//
//	go run scripts/natsconf/main.go DATA >> n1.conf
package main

import (
	"fmt"
	"os"
	"sort"

	"github.com/earshot/earshot/alerter/natsauth"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run scripts/natsconf/main.go DATA_DIR")
		os.Exit(2)
	}
	a, err := natsauth.Open(natsauth.KeysDir(os.Args[1]), natsauth.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "natsconf:", err)
		os.Exit(1)
	}
	op, err := a.OperatorJWT()
	if err != nil {
		fmt.Fprintln(os.Stderr, "natsconf:", err)
		os.Exit(1)
	}
	accts, err := a.AccountJWTs()
	if err != nil {
		fmt.Fprintln(os.Stderr, "natsconf:", err)
		os.Exit(1)
	}
	keys := make([]string, 0, len(accts))
	for k := range accts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Printf("operator: %q\nsystem_account: %s\nresolver: MEMORY\nresolver_preload: {\n", op, a.SystemAccountKey())
	for _, k := range keys {
		fmt.Printf("  %s: %q\n", k, accts[k])
	}
	fmt.Println("}")
}
