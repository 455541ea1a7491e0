package eval_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/earshot/earshot/eval"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/pipeline"
)

// Score text cases against the shipped lexicon (audio cases also need
// Options.Recognizer).
func Example() {
	dir, _ := os.MkdirTemp("", "corpus")
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "zh.jsonl"),
		[]byte(`{"text": "加我威信", "expect": ["private-goods"]}`+"\n"), 0o644)
	corpus, err := eval.LoadCorpus(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	lx, _ := lexicon.Default()
	eng, _ := lexicon.Compile(lx, lexicon.Options{})
	rep, err := eval.Run(context.Background(), corpus, eval.Options{Matcher: pipeline.Static(eng)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Text.Cases, rep.Text.Recall, rep.Text.Precision)
	// Output: 1 1 1
}
