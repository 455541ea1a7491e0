package eval

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Split keeps the audio cases that manifest.json (written by Generate) puts
// in split ("train" or "test"); text cases are kept as they are. A corpus
// without a manifest, or a case the manifest does not name, is an error:
// a silently empty split would read as a perfect score.
func (c *Corpus) Split(split string) (*Corpus, error) {
	if split != "train" && split != "test" {
		return nil, fmt.Errorf("eval: split %q: want train or test", split)
	}
	path := filepath.Join(c.Dir, "manifest.json")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("eval: split %s: %w", split, err)
	}
	var clips []ClipInfo
	if err := json.Unmarshal(data, &clips); err != nil {
		return nil, fmt.Errorf("eval: %s: %w", path, err)
	}
	of := map[string]string{}
	for _, ci := range clips {
		of[ci.Name] = ci.Split
	}
	out := &Corpus{Dir: c.Dir, Text: c.Text}
	for _, ac := range c.Audio {
		s, ok := of[ac.Name]
		if !ok {
			return nil, fmt.Errorf("eval: %s: no split for case %s", path, ac.Name)
		}
		if s == split {
			out.Audio = append(out.Audio, ac)
		}
	}
	return out, nil
}

// Merge joins corpora (e.g. the train splits of two SNRs) into one; Dir is
// the first one's.
func Merge(cs ...*Corpus) *Corpus {
	out := &Corpus{}
	for i, c := range cs {
		if i == 0 {
			out.Dir = c.Dir
		}
		out.Audio = append(out.Audio, c.Audio...)
		out.Text = append(out.Text, c.Text...)
	}
	return out
}
