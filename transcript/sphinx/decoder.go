//go:build cgo

package sphinx

/*
#cgo pkg-config: pocketsphinx sphinxbase
#include <stdio.h>
#include <stdlib.h>
#include <pocketsphinx.h>
#include <err.h>

// earshot_init parses argv (argv[0] is a program name) and creates a
// decoder. The non-variadic cmd_ln_parse_r stands in for the variadic
// cmd_ln_init that cgo cannot call.
static ps_decoder_t *earshot_init(int argc, char **argv, int quiet) {
	if (quiet) err_set_logfp(NULL);
	cmd_ln_t *cfg = cmd_ln_parse_r(NULL, ps_args(), argc, argv, TRUE);
	if (cfg == NULL) return NULL;
	ps_decoder_t *ps = ps_init(cfg);
	cmd_ln_free_r(cfg); // the decoder keeps its own reference
	return ps;
}

static double earshot_prob(ps_decoder_t *ps, int32 logp) {
	return logmath_exp(ps_get_logmath(ps), logp);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// Available is true: this build links PocketSphinx.
const Available = true

// decoder wraps one ps_decoder_t. It is not safe for concurrent use.
type decoder struct {
	ps *C.ps_decoder_t
}

var errDecoderInit = errors.New("sphinx: decoder initialization failed (set Config.Debug to see the library's log)")

func newDecoder(args []string, quiet bool) (*decoder, error) {
	argv := make([]*C.char, 0, len(args)+1)
	for _, a := range append([]string{"earshot"}, args...) {
		argv = append(argv, C.CString(a))
	}
	defer func() {
		for _, p := range argv {
			C.free(unsafe.Pointer(p))
		}
	}()
	cArgv := (**C.char)(C.malloc(C.size_t(len(argv)) * C.size_t(unsafe.Sizeof(argv[0]))))
	defer C.free(unsafe.Pointer(cArgv))
	copy(unsafe.Slice(cArgv, len(argv)), argv)
	q := C.int(0)
	if quiet {
		q = 1
	}
	ps := C.earshot_init(C.int(len(argv)), cArgv, q)
	if ps == nil {
		return nil, errDecoderInit
	}
	return &decoder{ps: ps}, nil
}

func (d *decoder) free() {
	if d.ps != nil {
		C.ps_free(d.ps)
		d.ps = nil
	}
}

// startUtt starts an utterance. Segment frames in this library count from
// the start of the "stream", so every utterance starts a new one: frames
// then count from the utterance's first sample. Normalization state
// (CMN) carries over.
func (d *decoder) startUtt() error {
	if C.ps_start_stream(d.ps) < 0 {
		return errors.New("sphinx: ps_start_stream failed")
	}
	if C.ps_start_utt(d.ps) < 0 {
		return errors.New("sphinx: ps_start_utt failed")
	}
	return nil
}

func (d *decoder) endUtt() error {
	if C.ps_end_utt(d.ps) < 0 {
		return errors.New("sphinx: ps_end_utt failed")
	}
	return nil
}

// process feeds samples; pcm must not be empty.
func (d *decoder) process(pcm []int16) error {
	n := C.ps_process_raw(d.ps, (*C.int16)(unsafe.Pointer(&pcm[0])), C.size_t(len(pcm)), 0, 0)
	if n < 0 {
		return fmt.Errorf("sphinx: ps_process_raw failed on %d samples", len(pcm))
	}
	return nil
}

// hyp is the current best hypothesis, raw (may hold fillers).
func (d *decoder) hyp() string {
	var score C.int32
	s := C.ps_get_hyp(d.ps, &score)
	if s == nil {
		return ""
	}
	return C.GoString(s)
}

// prob is the posterior probability of the final hypothesis.
func (d *decoder) prob() float64 {
	return float64(C.earshot_prob(d.ps, C.ps_get_prob(d.ps)))
}

// segments returns the word segmentation of the best hypothesis.
func (d *decoder) segments() []segment {
	var out []segment
	for it := C.ps_seg_iter(d.ps); it != nil; it = C.ps_seg_next(it) {
		var sf, ef C.int
		var ascr, lscr, lback C.int32
		C.ps_seg_frames(it, &sf, &ef)
		p := C.ps_seg_prob(it, &ascr, &lscr, &lback)
		out = append(out, segment{
			word:  C.GoString(C.ps_seg_word(it)),
			start: int(sf), end: int(ef),
			prob: float64(C.earshot_prob(d.ps, p)),
		})
	}
	return out
}

// nbest returns up to n raw hypothesis strings, best first, visiting at
// most limit entries of the n-best search.
func (d *decoder) nbest(n, limit int) []string {
	var out []string
	it := C.ps_nbest(d.ps)
	for i := 0; it != nil && len(out) < n && i < limit; i++ {
		var score C.int32
		if s := C.ps_nbest_hyp(it, &score); s != nil {
			out = append(out, C.GoString(s))
		}
		it = C.ps_nbest_next(it)
	}
	if it != nil {
		C.ps_nbest_free(it)
	}
	return out
}
