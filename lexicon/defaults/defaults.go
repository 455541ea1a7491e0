package defaults

import _ "embed"

//go:embed default.yaml
var defaultYAML []byte

// YAML returns the default lexicon file, format 1 (see docs/lexicon.md).
// The caller owns the returned slice: it is a fresh copy on every call.
func YAML() []byte {
	out := make([]byte, len(defaultYAML))
	copy(out, defaultYAML)
	return out
}

// FileName is the name the default lexicon is reported under in errors.
const FileName = "default.yaml"
