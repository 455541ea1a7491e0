package sphinx

import "errors"

// ErrUnavailable is returned by New in a build without cgo, which cannot
// link PocketSphinx: deployments that use a remote recognizer need no C
// library (CGO_ENABLED=0 go build ./cmd/earshot). Available says which
// build this is.
var ErrUnavailable = errors.New("PocketSphinx is not available in this build (built without cgo)")
