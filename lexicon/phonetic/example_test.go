package phonetic_test

import (
	"fmt"
	"strings"

	"github.com/earshot/earshot/lexicon/phonetic"
)

func Example() {
	dict, err := phonetic.ParseDict(strings.NewReader(`
cure K Y UH1 R
cures K Y UH1 R Z
is IH1 Z
cancer K AE1 N S ER0
this DH IH1 S
`))
	if err != nil {
		panic(err)
	}
	ix := phonetic.NewIndex(dict, phonetic.IndexOptions{})
	if err := ix.Add(7, []string{"cures", "cancer"}); err != nil {
		panic(err)
	}
	words := strings.Fields("this cure is cancer")
	for _, m := range ix.Find(words) {
		fmt.Printf("phrase %d on %q, distance %d, score %.2f\n",
			m.ID, strings.Join(words[m.StartWord:m.EndWord], " "), m.Distance, m.Score)
	}
	// Output: phrase 7 on "cure is cancer", distance 1, score 0.90
}
