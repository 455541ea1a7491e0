package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// WebhookTolerance is how old a signature's timestamp may be: receivers
// reject older deliveries (a replay), and earshot signs every attempt
// afresh, so a retry is never too old.
const WebhookTolerance = 5 * time.Minute

// maxSignatureHeader bounds the header VerifyWebhook parses.
const maxSignatureHeader = 4096

// Errors of VerifyWebhook, wrapped with the detail.
var (
	ErrSignatureHeader   = errors.New("webhook: malformed " + HeaderSignature + " header")
	ErrSignatureOld      = errors.New("webhook: signature timestamp outside the tolerance")
	ErrSignatureMismatch = errors.New("webhook: no signature matches")
)

// SignWebhook returns the Earshot-Signature header of body sent at t:
// "t=UNIX_SECONDS,v1=HEX", HEX being hex(HMAC-SHA256(secret, T + "." + body)).
func SignWebhook(secret, body []byte, t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(webhookMAC(secret, ts, body))
}

func webhookMAC(secret []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// WebhookSignature is a parsed Earshot-Signature header.
type WebhookSignature struct {
	Timestamp int64
	// V1 are the v1 signatures (several while a secret is rotated).
	V1 [][]byte
}

// ParseWebhookSignature reads "t=UNIX_SECONDS,v1=HEX[,v1=HEX...]". Unknown
// keys (a later scheme) are skipped; a missing t, a missing v1 or a
// malformed value is an error.
func ParseWebhookSignature(header string) (WebhookSignature, error) {
	var sig WebhookSignature
	if len(header) > maxSignatureHeader {
		return sig, fmt.Errorf("%w: longer than %d bytes", ErrSignatureHeader, maxSignatureHeader)
	}
	seenT := false
	for part := range strings.SplitSeq(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return sig, fmt.Errorf("%w: %q is not key=value", ErrSignatureHeader, part)
		}
		switch k {
		case "t":
			if seenT {
				return sig, fmt.Errorf("%w: t given twice", ErrSignatureHeader)
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 || v[0] == '+' {
				return sig, fmt.Errorf("%w: t=%q is not Unix seconds", ErrSignatureHeader, v)
			}
			sig.Timestamp, seenT = n, true
		case "v1":
			mac, err := hex.DecodeString(v)
			if err != nil || len(mac) != sha256.Size {
				return sig, fmt.Errorf("%w: v1 is not %d hex digits", ErrSignatureHeader, 2*sha256.Size)
			}
			sig.V1 = append(sig.V1, mac)
		}
	}
	if !seenT {
		return sig, fmt.Errorf("%w: no t=", ErrSignatureHeader)
	}
	if len(sig.V1) == 0 {
		return sig, fmt.Errorf("%w: no v1=", ErrSignatureHeader)
	}
	return sig, nil
}

// VerifyWebhook checks a delivery: header is its Earshot-Signature, body
// the raw request body (verify before decoding it), now the receiver's
// clock. It fails when the header is malformed, its timestamp is more than
// WebhookTolerance away from now, or no v1 signature is the body's HMAC
// under secret (compared in constant time).
func VerifyWebhook(secret []byte, header string, body []byte, now time.Time) error {
	sig, err := ParseWebhookSignature(header)
	if err != nil {
		return err
	}
	age := now.Sub(time.Unix(sig.Timestamp, 0))
	if age > WebhookTolerance || age < -WebhookTolerance {
		return fmt.Errorf("%w: signed at %s, %s from now (tolerance %s)", ErrSignatureOld,
			time.Unix(sig.Timestamp, 0).UTC().Format(time.RFC3339), age.Round(time.Second), WebhookTolerance)
	}
	want := webhookMAC(secret, strconv.FormatInt(sig.Timestamp, 10), body)
	for _, mac := range sig.V1 {
		if hmac.Equal(mac, want) {
			return nil
		}
	}
	return ErrSignatureMismatch
}
