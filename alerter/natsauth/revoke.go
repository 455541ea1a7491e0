package natsauth

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"github.com/earshot/earshot/internal/keyfile"
)

// revocations reads revocations.json: user public key -> Unix time; every
// JWT of that key issued at or before the time is refused by the server.
func (a *Authority) revocations() (map[string]int64, error) {
	data, err := keyfile.Read(filepath.Join(a.dir, fileRevocations))
	if errors.Is(err, keyfile.ErrMissing) {
		return map[string]int64{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("natsauth: %w", err)
	}
	out := map[string]int64{}
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("natsauth: %s: %w", fileRevocations, err)
	}
	for k := range out {
		if k != jwt.All && !nkeys.IsValidPublicUserKey(k) {
			return nil, fmt.Errorf("natsauth: %s: %q is not a user public key", fileRevocations, k)
		}
	}
	return out, nil
}

// Revoke revokes every credential of the given user public keys issued up
// to now, records it in revocations.json and returns the new account JWT
// (hand it to a running server with Push). Revoking the stored service
// user removes service.creds, so the next start mints a new one.
func (a *Authority) Revoke(keys ...string) (string, error) {
	if len(keys) == 0 {
		return "", errors.New("natsauth: revoke: no user key given")
	}
	for _, k := range keys {
		if !nkeys.IsValidPublicUserKey(k) {
			return "", fmt.Errorf("natsauth: revoke: %q is not a user public key (U...)", k)
		}
	}
	unlock, err := lock(filepath.Join(a.dir, fileLock))
	if err != nil {
		return "", err
	}
	defer unlock()
	revs, err := a.revocations()
	if err != nil {
		return "", err
	}
	at := a.now().Unix()
	for _, k := range keys {
		revs[k] = max(revs[k], at)
	}
	data, err := json.MarshalIndent(revs, "", "  ")
	if err != nil {
		return "", fmt.Errorf("natsauth: %w", err)
	}
	if err := keyfile.Replace(filepath.Join(a.dir, fileRevocations), append(data, '\n')); err != nil {
		return "", err
	}
	if svc, err := keyfile.Read(filepath.Join(a.dir, fileServiceCreds)); err == nil {
		if c, err := ParseCreds(svc); err == nil && slices.Contains(keys, c.Key) {
			_ = os.Remove(filepath.Join(a.dir, fileServiceCreds))
		}
	}
	return a.accountJWT()
}

// IssuedTo lists the recorded users of a room (anchor creds), oldest first.
func (a *Authority) IssuedTo(room string) ([]Issued, error) {
	all, err := a.Issued()
	if err != nil {
		return nil, err
	}
	var out []Issued
	for _, i := range all {
		if i.Role == RoleAnchor && i.Room == room {
			out = append(out, i)
		}
	}
	return out, nil
}

// Issued lists every recorded user, oldest first.
func (a *Authority) Issued() ([]Issued, error) {
	f, err := os.Open(filepath.Join(a.dir, fileIssued))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("natsauth: %w", err)
	}
	defer f.Close()
	var out []Issued
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var i Issued
		if err := json.Unmarshal([]byte(line), &i); err != nil {
			return nil, fmt.Errorf("natsauth: %s line %d: %w", fileIssued, n, err)
		}
		out = append(out, i)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("natsauth: %s: %w", fileIssued, err)
	}
	return out, nil
}

// SystemCreds mints a short-lived user of the system account that may
// only push account updates, for Push. It is not recorded.
func (a *Authority) SystemCreds() (Creds, error) {
	ukp, err := nkeys.CreateUser()
	if err != nil {
		return Creds{}, fmt.Errorf("natsauth: %w", err)
	}
	pub, _ := ukp.PublicKey()
	seed, _ := ukp.Seed()
	uc := jwt.NewUserClaims(pub)
	uc.Name = "earshot-admin"
	uc.IssuedAt = a.now().Unix()
	uc.Expires = a.now().Add(5 * time.Minute).Unix()
	uc.Pub.Allow.Add("$SYS.REQ.ACCOUNT.*.CLAIMS.UPDATE")
	uc.Sub.Allow.Add("_INBOX.>")
	token, err := uc.Encode(a.system)
	if err != nil {
		return Creds{}, fmt.Errorf("natsauth: system user JWT: %w", err)
	}
	return Creds{JWT: token, Seed: seed, Key: pub, Expires: time.Unix(uc.Expires, 0), Issuer: a.pub.system}, nil
}

// Push hands an account JWT to a running server over nc, a connection of
// a system account user (SystemCreds), so a revocation takes effect at
// once: the server disconnects revoked users. A server that is not
// running picks the revocations up from revocations.json when it starts.
func (a *Authority) Push(ctx context.Context, nc *nats.Conn, accountJWT string) error {
	subj := fmt.Sprintf("$SYS.REQ.ACCOUNT.%s.CLAIMS.UPDATE", a.pub.account)
	msg, err := nc.RequestWithContext(ctx, subj, []byte(accountJWT))
	if err != nil {
		return fmt.Errorf("natsauth: pushing the account JWT: %w", err)
	}
	var resp struct {
		Data struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"data"`
		Error *struct {
			Code        int    `json:"code"`
			Description string `json:"description"`
		} `json:"error"`
	}
	if err := json.Unmarshal(msg.Data, &resp); err != nil {
		return fmt.Errorf("natsauth: server's answer to the account update: %w", err)
	}
	if resp.Error != nil {
		return fmt.Errorf("natsauth: server refused the account update: %s (%d)", resp.Error.Description, resp.Error.Code)
	}
	return nil
}
