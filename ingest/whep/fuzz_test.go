package whep

import (
	"errors"
	"testing"
)

// FuzzCheckAnswer: any body gets nil or ErrBadAnswer, never a panic.
func FuzzCheckAnswer(f *testing.F) {
	f.Add("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n")
	f.Add("v=0\r\nm=audio 0 RTP/AVP 0\r\n")
	f.Add("garbage")
	f.Fuzz(func(t *testing.T, body string) {
		if err := checkAnswer([]byte(body)); err != nil && !errors.Is(err, ErrBadAnswer) {
			t.Fatalf("error %v does not wrap ErrBadAnswer", err)
		}
	})
}
