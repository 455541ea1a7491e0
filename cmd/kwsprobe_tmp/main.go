package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/earshot/earshot/internal/tts"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/lexicon/defaults"
	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/kws"
	"github.com/earshot/earshot/transcript/sphinx"
)

func main() {
	lx, _ := lexicon.Parse("default.yaml", defaults.YAML())
	d, _ := kws.LoadDict(kws.DefaultDict)
	kps := kws.Derive(lx, d, kws.Tuned(), kws.DeriveOptions{})
	var sk []sphinx.Keyphrase
	for _, k := range kps {
		sk = append(sk, sphinx.Keyphrase{Phrase: k.Phrase, Threshold: k.Threshold})
	}
	t0 := time.Now()
	r, err := sphinx.New(sphinx.Config{Keyphrases: sk})
	if err != nil {
		panic(err)
	}
	fmt.Println("load", time.Since(t0))
	pcm, err := tts.ReadPCM(os.Args[1])
	if err != nil {
		panic(err)
	}
	t0 = time.Now()
	s, _ := r.Open(context.Background(), func(h transcript.Hypothesis) {
		if h.Final {
			for _, w := range h.Words {
				fmt.Printf("%v-%v %q %.3g\n", w.Start, w.End, w.Text, w.Confidence)
			}
		}
	})
	for i := 0; i < len(pcm); i += 1600 {
		_ = s.Write(pcm[i:min(i+1600, len(pcm))], time.Duration(i)*time.Second/16000)
	}
	_ = s.Close()
	fmt.Println("decode", time.Since(t0), "audio", tts.Duration(len(pcm)))
}
