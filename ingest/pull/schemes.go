package pull

import (
	"slices"
	"strings"

	"github.com/earshot/earshot/ingest/ffmpeg"
)

// Kind names the source kind, one folder of ingest/ each, that reads a
// scheme.
type Kind string

// The source kinds New dispatches to.
const (
	KindFFmpeg Kind = "ffmpeg" // ingest/ffmpeg: RTMP, RTSP, SRT, HLS, HTTP-FLV, other files
	KindWHEP   Kind = "whep"   // ingest/whep: WebRTC pull, the scheme's "whep+" prefix stripped
	KindFile   Kind = "file"   // a path on the server: ingest/wavfile for WAV, ffmpeg otherwise
)

// Scheme is one URL scheme New reads and the kind that reads it.
type Scheme struct {
	Name string `json:"scheme"`
	Kind Kind   `json:"kind"`
	// Local schemes read the server's own disk: fine for a command line,
	// never for an API client to register (RemoteSchemes leaves them out).
	Local bool `json:"local,omitempty"`
}

// whepPrefix marks a WHEP endpoint: "whep+https://h/p" is WHEP at
// "https://h/p".
const whepPrefix = "whep+"

// Schemes is the one list of the URL schemes earshot pulls, in the order
// errors and documentation name them. Each kind declares its own (the
// ffmpeg network schemes come from ingest/ffmpeg); New dispatches by it,
// room registration accepts RemoteSchemes, and the error for anything
// else names these.
func Schemes() []Scheme {
	var out []Scheme
	for _, s := range ffmpeg.Schemes() {
		out = append(out, Scheme{Name: s, Kind: KindFFmpeg})
	}
	for _, s := range []string{"http", "https"} { // what a WHEP endpoint URL may be
		out = append(out, Scheme{Name: whepPrefix + s, Kind: KindWHEP})
	}
	return append(out, Scheme{Name: "file", Kind: KindFile, Local: true})
}

// RemoteSchemes are the schemes an API client may register for a room:
// every scheme but those reading the server's own disk.
func RemoteSchemes() []string {
	var out []string
	for _, s := range Schemes() {
		if !s.Local {
			out = append(out, s.Name)
		}
	}
	return out
}

// lookup finds scheme (any case) in Schemes.
func lookup(scheme string) (Scheme, bool) {
	all := Schemes()
	i := slices.IndexFunc(all, func(s Scheme) bool { return strings.EqualFold(s.Name, scheme) })
	if i < 0 {
		return Scheme{}, false
	}
	return all[i], true
}

// names joins the names of every scheme, for errors.
func names() string {
	var n []string
	for _, s := range Schemes() {
		n = append(n, s.Name)
	}
	return strings.Join(n, ", ")
}
