//go:build !cgo

package sphinx

// Available is false: this build has no cgo, so no PocketSphinx. New
// returns ErrUnavailable; the decoder below only lets the package
// compile and is never created.
const Available = false

type decoder struct{}

func newDecoder([]string, bool) (*decoder, error) { return nil, ErrUnavailable }

func (*decoder) free()                 {}
func (*decoder) startUtt() error       { return ErrUnavailable }
func (*decoder) endUtt() error         { return ErrUnavailable }
func (*decoder) process([]int16) error { return ErrUnavailable }
func (*decoder) hyp() string           { return "" }
func (*decoder) prob() float64         { return 0 }
func (*decoder) segments() []segment   { return nil }
func (*decoder) nbest(int, int) []string {
	return nil
}
