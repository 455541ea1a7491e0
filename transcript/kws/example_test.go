package kws_test

import (
	"fmt"
	"strings"

	"github.com/earshot/earshot/transcript/kws"
)

func ExampleDerive() {
	phrases := []kws.Phrase{{Text: "clinically proven", ID: "fa-clinical"},
		{Text: "cure* gout", ID: "fa-clinical"}, {Text: "fda approved", ID: "fa-clinical"}}
	dict, _ := kws.ParseDict(strings.NewReader(`clinically K L IH N IH K L IY
proven P R UW V AH N
cure K Y UH R
cures K Y UH R Z
gout G AW T
`))
	th := kws.Thresholds{Bands: []kws.Band{{MaxPhones: 8, Threshold: 1e-10}, {MaxPhones: 99, Threshold: 1e-25}}}
	for _, k := range kws.Derive(phrases, dict, th, kws.DeriveOptions{}) {
		fmt.Println(k.Phrase, k.Phones, k.Threshold, k.Rules)
	}
	// Output:
	// clinically proven 14 1e-25 [fa-clinical]
	// cure gout 7 1e-10 [fa-clinical]
	// cures gout 8 1e-10 [fa-clinical]
}
