package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Label is one expected detection: a category spoken between Start and End
// of the audio.
type Label struct {
	Category string `json:"category"`
	StartMs  int64  `json:"start_ms"`
	EndMs    int64  `json:"end_ms"`
}

// Labels is the content of NAME.json.
type Labels struct {
	Expect []Label `json:"expect"`
}

// AudioCase is one WAV file with its labels.
type AudioCase struct {
	Name   string
	WAV    string
	Expect []Label
}

// TextCase is one line of a *.jsonl text file.
type TextCase struct {
	Text   string   `json:"text"`
	Expect []string `json:"expect"`
	// Where names the file and line, for reports and errors.
	Where string `json:"-"`
}

// Corpus is a loaded corpus directory.
type Corpus struct {
	Dir   string
	Audio []AudioCase
	Text  []TextCase
}

// maxLabelFile bounds a label file; labels are small.
const maxLabelFile = 1 << 20

// LoadCorpus reads dir: every NAME.wav must have NAME.json beside it.
func LoadCorpus(dir string) (*Corpus, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("eval: corpus: %w", err)
	}
	c := &Corpus{Dir: dir}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := e.Name()
		path := filepath.Join(dir, name)
		switch strings.ToLower(filepath.Ext(name)) {
		case ".wav":
			ac, err := loadAudioCase(path)
			if err != nil {
				return nil, err
			}
			c.Audio = append(c.Audio, ac)
		case ".jsonl":
			tc, err := loadTextCases(path)
			if err != nil {
				return nil, err
			}
			c.Text = append(c.Text, tc...)
		}
	}
	if len(c.Audio) == 0 && len(c.Text) == 0 {
		return nil, fmt.Errorf("eval: corpus %s: no NAME.wav + NAME.json pairs and no *.jsonl text cases", dir)
	}
	sort.Slice(c.Audio, func(i, j int) bool { return c.Audio[i].Name < c.Audio[j].Name })
	return c, nil
}

func loadAudioCase(wav string) (AudioCase, error) {
	base := strings.TrimSuffix(wav, filepath.Ext(wav))
	data, err := readSmall(base + ".json")
	if err != nil {
		return AudioCase{}, fmt.Errorf("eval: labels of %s: %w", wav, err)
	}
	l, err := ParseLabels(data)
	if err != nil {
		return AudioCase{}, fmt.Errorf("eval: %s.json: %w", base, err)
	}
	return AudioCase{Name: filepath.Base(base), WAV: wav, Expect: l.Expect}, nil
}

func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(&limited{f: f, n: maxLabelFile + 1}); err != nil {
		return nil, err
	}
	if b.Len() > maxLabelFile {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, maxLabelFile)
	}
	return b.Bytes(), nil
}

type limited struct {
	f *os.File
	n int
}

func (l *limited) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errors.New("label file too large")
	}
	p = p[:min(len(p), l.n)]
	n, err := l.f.Read(p)
	l.n -= n
	return n, err
}

// ParseLabels decodes and checks a NAME.json label file. Unknown keys are
// errors, so a misspelled "expect" is not read as clean speech.
func ParseLabels(data []byte) (Labels, error) {
	var l Labels
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return Labels{}, fmt.Errorf("labels: %w", err)
	}
	if dec.More() {
		return Labels{}, errors.New("labels: trailing data after the JSON object")
	}
	if l.Expect == nil {
		return Labels{}, errors.New(`labels: missing "expect" (use [] for clean speech)`)
	}
	for i, e := range l.Expect {
		if err := e.check(); err != nil {
			return Labels{}, fmt.Errorf("labels: expect[%d]: %w", i, err)
		}
	}
	return l, nil
}

func (e Label) check() error {
	switch {
	case strings.TrimSpace(e.Category) == "":
		return errors.New("category is empty")
	case e.StartMs < 0:
		return fmt.Errorf("start_ms %d is negative", e.StartMs)
	case e.EndMs < e.StartMs:
		return fmt.Errorf("end_ms %d is before start_ms %d", e.EndMs, e.StartMs)
	case e.EndMs > int64(100*time.Hour/time.Millisecond):
		return fmt.Errorf("end_ms %d is beyond 100 hours", e.EndMs)
	}
	return nil
}

func loadTextCases(path string) ([]TextCase, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	defer f.Close()
	var out []TextCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), maxLabelFile)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		tc, err := ParseTextCase(line)
		if err != nil {
			return nil, fmt.Errorf("eval: %s:%d: %w", path, n, err)
		}
		tc.Where = fmt.Sprintf("%s:%d", filepath.Base(path), n)
		out = append(out, tc)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("eval: %s: %w", path, err)
	}
	return out, nil
}

// ParseTextCase decodes one JSONL text case.
func ParseTextCase(line []byte) (TextCase, error) {
	var tc TextCase
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&tc); err != nil {
		return TextCase{}, fmt.Errorf("text case: %w", err)
	}
	if dec.More() {
		return TextCase{}, errors.New("text case: trailing data after the JSON object")
	}
	if strings.TrimSpace(tc.Text) == "" {
		return TextCase{}, errors.New(`text case: "text" is empty`)
	}
	for i, c := range tc.Expect {
		if strings.TrimSpace(c) == "" {
			return TextCase{}, fmt.Errorf("text case: expect[%d] is empty", i)
		}
	}
	return tc, nil
}
