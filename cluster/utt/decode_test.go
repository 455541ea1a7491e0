package utt

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// stdDecode is how Decode read a body before decode.go: encoding/json with
// unknown fields refused. decodeBody must agree with it.
func stdDecode(data []byte) (Message, error) {
	var m Message
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(&m)
	return m, err
}

var decodeCases = []string{
	`{"schema":1,"session":"s","utterance":1,"text":"hi"}`,
	`{"schema":1,"session":"s","utterance":2,"final":true,"text":"it cures","alternatives":["it cure",null],"start_ms":10,"end_ms":20,"confidence":0.5,"recognizer":"sphinx","anchor":"a","merchant":"m","clips":true}`,
	`{"schema":1,"session":"s","utterance":3,"words":[{"text":"it","start_ms":1,"end_ms":2,"confidence":0.9},null,{"text":"cures"}]}`,
	`{"Schema":1,"SESSION":"s","Utterance":1,"Text":"case-insensitive names, as encoding/json"}`,
	`{"schema":1,"session":"s","utterance":1,"text":"first","text":"last wins"}`,
	`{"schema":1,"session":null,"utterance":1,"text":null,"words":null}`,
	`{"schema":1,"session":"s\u00e9\n\"q\"","utterance":1,"text":"\ud83d\ude00 escapes"}`,
	"{\"schema\":1,\"session\":\"s\",\"utterance\":1,\"text\":\"bad \xff utf-8\"}",
	`{"schema":1,"session":"s","utterance":1,"txt":"x"}`,
	`{"schema":1,"session":"s","utterance":1,"words":[{"txt":"x"}]}`,
	`{"schema":"1","session":"s","utterance":1}`,
	`{"schema":1,"session":"s","utterance":-1}`,
	`{"schema":1,"session":"s","utterance":1.5}`,
	`{"schema":1,"session":"s","utterance":1,"final":"yes"}`,
	`{"schema":1,"session":"s","utterance":1,"alternatives":"one"}`,
	`{"schema":1,"session":"s","utterance":1,"words":[1]}`,
	`{"schema":1,"session":"s","utterance":1,"start_ms":1e3}`,
	`{"schema":1,"session":"s","utterance":1,"confidence":1e999}`,
	`{"schema":1,"session":"s","utterance":1,"confidence":NaN}`,
	`{"schema":1,"session":"s","utterance":1} {"schema":1}`,
	`{"schema":1,"session":"s","utterance":007}`,
	`{"schema":1,"session":"s","utterance":1,"text":"\0"}`,
	`[1,2]`, `"text"`, `hello`, `{"schema":1,`, ``,
}

// TestDecodeBodyMatchesEncodingJSON: the same messages, and the same
// bodies refused, as encoding/json.
func TestDecodeBodyMatchesEncodingJSON(t *testing.T) {
	for _, c := range decodeCases {
		checkDecodeAgrees(t, []byte(c))
	}
}

func checkDecodeAgrees(t *testing.T, data []byte) {
	t.Helper()
	want, werr := stdDecode(data)
	var got Message
	gerr := decodeBody(data, &got)
	switch {
	case werr != nil && gerr == nil && !lenient(data):
		t.Errorf("%q: accepted (%+v), encoding/json refuses: %v", data, got, werr)
	case werr == nil && gerr != nil && !knownStricter(data, want):
		t.Errorf("%q: refused (%v), encoding/json accepts: %+v", data, gerr, want)
	case werr == nil && gerr == nil && !reflect.DeepEqual(got, want) && !loneSurrogate.Match(data):
		t.Errorf("%q:\n got %+v\nwant %+v", data, got, want)
	case werr != nil && strings.Contains(werr.Error(), "unknown field") && !knownStricter(data, want) && !strings.Contains(gerr.Error(), "unknown field"):
		t.Errorf("%q: error %q does not say unknown field", data, gerr)
	}
}

// knownStricter: decodeBody refuses data after the object, which
// json.Decoder leaves unread.
func knownStricter(data []byte, _ Message) bool {
	var v any
	return json.Unmarshal(data, &v) != nil
}

// lenient: data has raw control characters, which decodeBody reads in
// strings and encoding/json refuses.
func lenient(data []byte) bool {
	return bytes.ContainsFunc(data, func(r rune) bool { return r < 0x20 && r != ' ' && r != '\t' && r != '\n' && r != '\r' })
}

// loneSurrogate: data has a \uD800-\uDFFF escape, which decodeBody may keep
// as written where encoding/json reads U+FFFD.
var loneSurrogate = regexp.MustCompile(`(?i)\\ud[89a-f]`)

func FuzzDecodeBody(f *testing.F) {
	for _, c := range decodeCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkDecodeAgrees(t, data) })
}

// BenchmarkDecode: one hypothesis body, as the bus publishes it, decoded by
// the scan role (decodeBody) against encoding/json as before.
func BenchmarkDecode(b *testing.B) {
	data, _ := json.Marshal(Message{Schema: 1, Session: "s1", Utterance: 7, Final: true, Text: benchTexts[1], StartMs: 1200, EndMs: 3400})
	b.Run("fastjson", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m Message
			if err := decodeBody(data, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := stdDecode(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestDecodeRefusesDeepNesting: a body nested deeper than any valid message
// is refused at once naming the depth. fastjson's validator alone took 6 s
// for 8,000 '[' and hours for 100,000, holding the room's partition (found
// publishing to earshot.utt.<room> by hand); brackets in strings and a
// message of 2,000 words (many objects, 3 deep) are still read.
func TestDecodeRefusesDeepNesting(t *testing.T) {
	manyWords, _ := json.Marshal(Message{Schema: 1, Session: "s", Utterance: 1, Text: "w",
		Words: slices.Repeat([]Word{{Text: "w", EndMs: 1}}, MaxWords)})
	cases := []struct {
		name, body string
		deep       bool
	}{
		{"100,000 arrays", strings.Repeat("[", 100_000), true},
		{"3,000 arrays, closed", strings.Repeat("[", 3000) + strings.Repeat("]", 3000), true},
		{"deep in a word", `{"schema":1,"session":"s","utterance":1,"words":[{"text":` + strings.Repeat("[", 50_000) + `}]}`, true},
		{"deep in an unknown field", `{"schema":1,"session":"s","utterance":1,"x":` + strings.Repeat(`{"a":`, 9) + `1` + strings.Repeat("}", 9) + `}`, true},
		{"brackets in text", `{"schema":1,"session":"s","utterance":1,"text":"[[[[[[[[[[{{{{{{{{{{ \" [[[[[[[[["}`, false},
		{"2,000 words", string(manyWords), false},
	}
	for _, c := range cases {
		_, _, err := Decode("earshot.uttp.0.r1", []byte(c.body))
		switch {
		case c.deep && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "nested deeper than")):
			t.Errorf("%s: err %v, want ErrInvalid naming the nesting", c.name, err)
		case !c.deep && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		}
	}
}
