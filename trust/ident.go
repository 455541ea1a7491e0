package trust

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Kind is the kind of account a ledger entry is about.
type Kind string

// The kinds of account.
const (
	Anchor   Kind = "anchor"
	Merchant Kind = "merchant"
)

// MaxIDBytes bounds an anchor or merchant id (rooms' tag limit is lower).
const MaxIDBytes = 128

// Token is id as one NATS subject token and key-value key token: the id
// itself when it is [A-Za-z0-9_-]{1,64}, else "=" and the id's unpadded
// base64url, so any UTF-8 id (a Chinese shop name) has one stable token.
func Token(id string) string {
	if plainToken(id) {
		return id
	}
	return "=" + base64.RawURLEncoding.EncodeToString([]byte(id))
}

// FromToken reverses Token.
func FromToken(tok string) (string, error) {
	if rest, ok := strings.CutPrefix(tok, "="); ok {
		b, err := base64.RawURLEncoding.DecodeString(rest)
		if err != nil || !utf8.Valid(b) {
			return "", fmt.Errorf("trust: token %q: not an encoded id", tok)
		}
		return string(b), nil
	}
	if !plainToken(tok) {
		return "", fmt.Errorf("trust: token %q: not an id token", tok)
	}
	return tok, nil
}

// ValidID checks an anchor or merchant id given to the API.
func ValidID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("empty id")
	case len(id) > MaxIDBytes:
		return fmt.Errorf("id longer than %d bytes", MaxIDBytes)
	case !utf8.ValidString(id):
		return fmt.Errorf("id is not valid UTF-8")
	}
	for _, r := range id {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("id contains control characters")
		}
	}
	return nil
}

func plainToken(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
