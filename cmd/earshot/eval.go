package main

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/eval"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/pipeline"
)

type evalOpts struct {
	format   string
	realtime bool
	parallel int
	phonetic bool
	nbest    int
	details  bool
	split    string
}

func newEvalCmd() *cobra.Command {
	var o evalOpts
	cmd := &cobra.Command{
		Use:   "eval CORPUS_DIR [--format json|table] [--lexicon F] [--recognizer ENGINE]",
		Short: "Run a labelled corpus through the pipeline and print recall, precision, false alarms and latency",
		Long: "eval reads NAME.wav + NAME.json label pairs and *.jsonl text cases from CORPUS_DIR (see\n" +
			"docs/accuracy.md), runs the audio through the configured recognizer, segmenter and lexicon,\n" +
			"and scores the alerts. Latency is measured on the stream clock unless --realtime.",
		Args: cobra.ExactArgs(1),
	}
	cf := addConfigFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "table", "output: table or json")
	f.BoolVar(&o.realtime, "realtime", false, "pace audio in real time and measure latency on the wall clock")
	f.IntVar(&o.parallel, "parallel", 1, "audio cases run at once")
	f.BoolVar(&o.phonetic, "phonetic", true, "phone-sequence matching (lexicon.phonetic)")
	f.IntVar(&o.nbest, "nbest", 0, "sphinx n-best alternatives (0: config; -1: none)")
	f.BoolVar(&o.details, "details", false, "include every case's detections in the JSON")
	f.StringVar(&o.split, "split", "", "only the audio cases of this manifest.json split (train or test)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if o.format != "json" && o.format != "table" {
			return fmt.Errorf("eval: --format %q: want json or table", o.format)
		}
		cfg, err := cf.load(cmd)
		if err != nil {
			return err
		}
		if cmd.Flags().Changed("phonetic") {
			cfg.Lexicon.Phonetic = o.phonetic
		}
		if o.nbest != 0 {
			cfg.Recognizer.Sphinx.NBest = o.nbest
		}
		corpus, err := eval.LoadCorpus(args[0])
		if err != nil {
			return err
		}
		if o.split != "" {
			if corpus, err = corpus.Split(o.split); err != nil {
				return err
			}
		}
		log := newLogger("warn")
		eng, err := app.LoadMatcher(cfg, log)
		if err != nil {
			return err
		}
		opts := eval.Options{Matcher: pipeline.Static(eng), NewSegmenter: app.NewSegmenter,
			Realtime: o.realtime, Parallel: o.parallel, Logger: log}
		if len(corpus.Audio) > 0 && cfg.Recognizer.Engine != "none" {
			rec, err := app.NewRecognizer(cfg, log)
			if err != nil {
				return err
			}
			defer rec.Close()
			opts.Recognizer = rec
		}
		rep, err := eval.Run(cmd.Context(), corpus, opts)
		if err != nil {
			return err
		}
		rep.Config = map[string]string{"recognizer": cfg.Recognizer.Engine, "lexicon": cfg.Lexicon.File,
			"phonetic": strconv.FormatBool(cfg.Lexicon.Phonetic), "nbest": strconv.Itoa(cfg.Recognizer.Sphinx.NBest),
			"also": cfg.Recognizer.Also, "split": o.split}
		if !o.details {
			rep.Cases = nil
		}
		if o.format == "json" {
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			return enc.Encode(rep)
		}
		return rep.WriteTable(cmd.OutOrStdout())
	}
	return cmd
}
