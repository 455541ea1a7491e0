package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/eval"
	"github.com/earshot/earshot/internal/tts"
)

func newCorpusCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "corpus", Short: "Labelled corpora for `earshot eval`"}
	cmd.AddCommand(newCorpusGenCmd())
	return cmd
}

func newCorpusGenCmd() *cobra.Command {
	var o eval.GenOptions
	var voices, snrs, speeds string
	cmd := &cobra.Command{
		Use:   "gen --out DIR [--voices V,...] [--snr 15,10] [--seed N] [--size small|full]",
		Short: "Synthesize a labelled corpus: clean talk with violations at known offsets, noise, reverb",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if o.Voices, err = parseVoices(voices); err != nil {
				return err
			}
			if o.SNRs, err = parseFloats("--snr", snrs); err != nil {
				return err
			}
			if o.Speeds, err = parseFloats("--speeds", speeds); err != nil {
				return err
			}
			infos, err := eval.Generate(cmd.Context(), o)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d clips, text_zh.jsonl and manifest.json to %s\n", len(infos), o.Out)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Out, "out", "", "output directory (required)")
	f.StringVar(&voices, "voices", "", "comma-separated tts voices, e.g. flite:slt,festival:slt_hts,espeak-ng:en-us+f3 (default: flite slt/rms/awb/kal and festival slt_hts)")
	f.StringVar(&snrs, "snr", "15", "comma-separated SNRs in dB, used in turn")
	f.StringVar(&speeds, "speeds", "1", "comma-separated tempo factors, used in turn")
	f.Uint64Var(&o.Seed, "seed", 1, "random seed")
	f.StringVar(&o.Size, "size", "small", "small (12 clips) or full (96 clips)")
	f.IntVar(&o.Clips, "clips", 0, "number of clips (overrides --size)")
	f.BoolVar(&o.Reverb, "reverb", true, "make every fourth clip a room-reverb variant")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

func parseVoices(s string) ([]tts.Voice, error) {
	var out []tts.Voice
	for _, v := range splitList(s) {
		if err := tts.Check(tts.Voice(v)); err != nil {
			return nil, fmt.Errorf("--voices: %w", err)
		}
		out = append(out, tts.Voice(v))
	}
	return out, nil
}

func parseFloats(flag, s string) ([]float64, error) {
	var out []float64
	for _, v := range splitList(s) {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a number", flag, v)
		}
		out = append(out, f)
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
