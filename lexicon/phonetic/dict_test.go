package phonetic

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

const miniDict = `;;; a comment
cure K Y UH1 R
cures K Y UH1 R Z
read R IY1 D
read(2) R EH1 D
We W IY1
chat CH AE1 T  # trailing comment

cancer K AE1 N S ER0
`

func TestParseDictPronounce(t *testing.T) {
	d, err := ParseDict(strings.NewReader(miniDict))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		word string
		want [][]string
		ok   bool
	}{
		{"cures", [][]string{{"K", "Y", "UH", "R", "Z"}}, true},
		{"CURE", [][]string{{"K", "Y", "UH", "R"}}, true},
		{"read", [][]string{{"R", "IY", "D"}, {"R", "EH", "D"}}, true},
		{"cancer,", [][]string{{"K", "AE", "N", "S", "ER"}}, true},
		{"wechat", [][]string{{"W", "IY", "CH", "AE", "T"}}, true}, // compound
		{"cancers", nil, false},
		{"", nil, false},
	}
	for _, tt := range tests {
		got, ok := d.Pronounce(tt.word)
		if ok != tt.ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Pronounce(%q) = %v, %v; want %v, %v", tt.word, got, ok, tt.want, tt.ok)
		}
	}
	if d.Len() != 6 {
		t.Errorf("Len = %d, want 6", d.Len())
	}
}

func TestParseDictErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"word without phones", "cure\n"},
		{"digit-only phone", "cure K 1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseDict(strings.NewReader(tt.in)); err == nil {
				t.Fatalf("ParseDict(%q) succeeded, want error", tt.in)
			}
		})
	}
}

func TestLoadDictMissing(t *testing.T) {
	_, err := LoadDict("/nonexistent/cmudict.dict")
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want os.ErrNotExist", err)
	}
}

func TestPronounceDoesNotAlias(t *testing.T) {
	d, err := ParseDict(strings.NewReader(miniDict))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := d.Pronounce("cure")
	p[0][0] = "X"
	q, _ := d.Pronounce("cure")
	if q[0][0] != "K" {
		t.Fatal("Pronounce result aliases the dictionary")
	}
}

func TestLoadSystemDict(t *testing.T) {
	d := loadSystemDict(t)
	if d.Len() < 100000 {
		t.Fatalf("Len = %d, want > 100000", d.Len())
	}
	got, ok := d.Pronounce("effects")
	if !ok || strings.Join(got[0], " ") != "IH F EH K T S" {
		t.Fatalf("Pronounce(effects) = %v, %v", got, ok)
	}
}
