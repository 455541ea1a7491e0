package ffmpeg

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
)

// ErrBadURL is wrapped by every URL validation error.
var ErrBadURL = errors.New("bad source URL")

// kind is what ffmpeg input options and protocol whitelist a URL gets.
type kind int

const (
	kindFile kind = iota
	kindHTTP
	kindRTMP
	kindRTSP
	kindSRT
)

// network lists the network schemes ffmpeg reads, in the order errors and
// documentation name them, with the kind that sets ffmpeg's options and
// protocol whitelist. It is the one place they are written: ingest/pull's
// scheme table reads it (Schemes).
var network = []struct {
	scheme string
	kind   kind
}{
	{"rtmp", kindRTMP}, {"rtmps", kindRTMP},
	{"rtsp", kindRTSP}, {"rtsps", kindRTSP},
	{"srt", kindSRT},
	{"http", kindHTTP}, {"https", kindHTTP},
}

// Schemes lists the network URL schemes a Source reads (file paths and
// file: URLs are read too, but are not network sources).
func Schemes() []string {
	out := make([]string, len(network))
	for i, n := range network {
		out[i] = n.scheme
	}
	return out
}

// kindOf is the kind of an accepted scheme (lower case).
func kindOf(scheme string) (kind, bool) {
	if scheme == "file" {
		return kindFile, true
	}
	for _, n := range network {
		if n.scheme == scheme {
			return n.kind, true
		}
	}
	return 0, false
}

// maxURL bounds a URL's length; real stream URLs are far shorter.
const maxURL = 4096

// target is a validated input: what ffmpeg is given and how it is shown.
type target struct {
	kind     kind
	input    string // the -i argument
	redacted string // for Describe, logs and errors
	// secrets are the URL's password and query (whole and by value),
	// scrubbed from ffmpeg's lines wherever they appear: ffmpeg may print
	// the URL re-rendered, or a line may be cut in the middle of it.
	secrets []string
}

// parseTarget validates raw, an absolute URL with an accepted scheme or an
// absolute file path.
func parseTarget(raw string) (target, error) {
	if err := checkChars(raw); err != nil {
		return target{}, err
	}
	if strings.HasPrefix(raw, "/") {
		return fileTarget(raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return target{}, fmt.Errorf("%w: %v", ErrBadURL, err)
	}
	scheme := strings.ToLower(u.Scheme)
	k, ok := kindOf(scheme)
	if !ok {
		return target{}, fmt.Errorf("%w: scheme %q not supported (want %s or file)", ErrBadURL, u.Scheme, strings.Join(Schemes(), ", "))
	}
	if k == kindFile {
		if u.Host != "" && u.Host != "localhost" {
			return target{}, fmt.Errorf("%w: file URL with host %q", ErrBadURL, u.Host)
		}
		return fileTarget(u.Path)
	}
	if u.Host == "" || u.Hostname() == "" {
		return target{}, fmt.Errorf("%w: %s URL without a host", ErrBadURL, scheme)
	}
	u.Scheme = scheme
	return target{kind: k, input: u.String(), redacted: Redact(u.String()), secrets: secrets(u)}, nil
}

// minSecret is the shortest password or query value scrubbed by itself
// (shorter ones would blank out ordinary words).
const minSecret = 4

func secrets(u *url.URL) []string {
	var out []string
	add := func(raw string) {
		dec, err := url.QueryUnescape(raw)
		for _, v := range []string{raw, dec} {
			if len(v) >= minSecret && (v == raw || err == nil) {
				out = append(out, v)
			}
		}
	}
	if _, ok := u.User.Password(); ok {
		_, pw, _ := strings.Cut(u.User.String(), ":") // as written in the URL
		add(pw)
	}
	if u.RawQuery != "" {
		out = append(out, u.RawQuery)
		for _, kv := range strings.Split(u.RawQuery, "&") {
			_, v, _ := strings.Cut(kv, "=")
			add(v)
		}
	}
	// Longest first, so that a secret containing another is replaced whole.
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

func fileTarget(path string) (target, error) {
	if path == "" || !filepath.IsAbs(path) {
		return target{}, fmt.Errorf("%w: file path %q is not absolute", ErrBadURL, path)
	}
	clean := filepath.Clean(path)
	// "file:" makes ffmpeg treat the rest as a path even if it contains a
	// colon ("concat:...", "subfile:..." would otherwise be protocols).
	return target{kind: kindFile, input: "file:" + clean, redacted: "file:" + clean}, nil
}

// checkChars rejects empty, overlong and control-character URLs, and a
// leading '-', which ffmpeg would read as an option.
func checkChars(raw string) error {
	switch {
	case raw == "":
		return fmt.Errorf("%w: empty", ErrBadURL)
	case len(raw) > maxURL:
		return fmt.Errorf("%w: longer than %d bytes", ErrBadURL, maxURL)
	case strings.HasPrefix(raw, "-"):
		return fmt.Errorf("%w: starts with '-'", ErrBadURL)
	}
	for _, r := range raw {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return fmt.Errorf("%w: contains control or invalid character %q", ErrBadURL, r)
		}
	}
	return nil
}

// Redact hides a URL's password and query (stream keys and tokens often
// travel there) so it can be logged and shown in room status.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparsable URL>"
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	if u.RawQuery != "" {
		u.RawQuery = "xxxxx"
	}
	u.Fragment = ""
	return u.String()
}
