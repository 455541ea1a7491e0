package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/eval"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript/kws"
)

func newKWSCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "kws", Short: "Keyword spotting derived from the lexicon: list keyphrases, tune thresholds"}
	cmd.AddCommand(newKWSListCmd(), newKWSTuneCmd())
	return cmd
}

func newKWSListCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "list [--lexicon F]", Short: "Print the keyphrases the lexicon yields (JSON lines)", Args: cobra.NoArgs}
	cf := addConfigFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := cf.load(cmd)
		if err != nil {
			return err
		}
		eng, err := app.LoadMatcher(cfg, newLogger("warn"))
		if err != nil {
			return err
		}
		d, err := kws.LoadDict(cfg.Recognizer.Sphinx.Dict)
		if err != nil {
			return err
		}
		th := kws.Tuned()
		if f := cfg.Recognizer.KWS.Thresholds; f != "" {
			if th, err = kws.LoadThresholds(f); err != nil {
				return err
			}
		}
		enc := json.NewEncoder(cmd.OutOrStdout())
		for _, k := range kws.Derive(app.KWSPhrases(eng.Lexicon()).List, d, th, kws.DeriveOptions{}) {
			if err := enc.Encode(k); err != nil {
				return err
			}
		}
		return nil
	}
	return cmd
}

func newKWSTuneCmd() *cobra.Command {
	var split, out string
	var budget float64
	var parallel int
	cmd := &cobra.Command{
		Use:   "tune CORPUS_DIR... [--split train] [--budget 1] [--out F]",
		Short: "Choose keyword thresholds per phone-count band on a corpus split",
		Args:  cobra.MinimumNArgs(1),
	}
	cf := addConfigFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&split, "split", "train", "manifest split to tune on (train or test)")
	f.Float64Var(&budget, "budget", 1, "false alarms per clean hour allowed for the whole table")
	f.StringVar(&out, "out", "", "write the thresholds JSON here (default: stdout)")
	f.IntVar(&parallel, "parallel", 2, "audio cases run at once")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		cfg, err := cf.load(cmd)
		if err != nil {
			return err
		}
		var cs []*eval.Corpus
		for _, dir := range args {
			c, err := eval.LoadCorpus(dir)
			if err != nil {
				return err
			}
			if c, err = c.Split(split); err != nil {
				return err
			}
			cs = append(cs, c)
		}
		log := newLogger("warn")
		eng, err := app.LoadMatcher(cfg, log)
		if err != nil {
			return err
		}
		th, _, err := eval.TuneKWS(cmd.Context(), eval.Merge(cs...), eval.TuneOptions{
			Phrases: app.KWSPhrases(eng.Lexicon()), Matcher: pipeline.Static(eng), HMM: cfg.Recognizer.Sphinx.HMM,
			Dict: cfg.Recognizer.Sphinx.Dict, BudgetPerHour: budget, NewSegmenter: app.NewSegmenter,
			Parallel: parallel, Logger: log,
			Progress: func(r eval.TuneRow) {
				fmt.Fprintf(cmd.ErrOrStderr(), "band <=%d phones (%d phrases) at %g: detected %d/%d, false alarms %d (%.1f/h)\n",
					r.MaxPhones, r.Phrases, r.Threshold, r.Detected, r.Labels, r.FalseAlarms, r.FAPerHour)
			},
		})
		if err != nil {
			return err
		}
		th.Note = fmt.Sprintf("tuned by `earshot kws tune --split %s --budget %g` on %v", split, budget, args)
		data, _ := json.MarshalIndent(th, "", "  ")
		data = append(data, '\n')
		if out == "" {
			_, err = cmd.OutOrStdout().Write(data)
			return err
		}
		return os.WriteFile(out, data, 0o644)
	}
	return cmd
}
