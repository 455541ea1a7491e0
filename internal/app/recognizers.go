package app

import (
	"fmt"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/openai"
	"github.com/earshot/earshot/transcript/replay"
	"github.com/earshot/earshot/transcript/sherpa"
	"github.com/earshot/earshot/transcript/vosk"
)

// newRemoteRecognizer builds the recognizers that are not embedded: the
// server-backed ones and replay.
func newRemoteRecognizer(rc config.Recognizer) (transcript.Recognizer, error) {
	var rec transcript.Recognizer
	var err error
	switch rc.Engine {
	case "openai":
		o := rc.OpenAI
		rec, err = openai.New(openai.Config{BaseURL: o.BaseURL, Model: o.Model, APIKey: o.APIKey,
			Language: o.Language, Concurrency: o.Concurrency, Timeout: time.Duration(o.Timeout),
			Retries: o.Retries, PartialEvery: time.Duration(o.PartialEvery)})
	case "vosk":
		rec, err = vosk.New(vosk.Config{URL: rc.Vosk.URL, Timeout: time.Duration(rc.Vosk.Timeout)})
	case "sherpa":
		rec, err = sherpa.New(sherpa.Config{URL: rc.Sherpa.URL, Timeout: time.Duration(rc.Sherpa.Timeout)})
	case "replay":
		var lines []replay.Line
		if lines, err = replay.Load(rc.Replay.File); err == nil {
			rec = replay.New(lines)
		}
	default:
		err = fmt.Errorf("not a remote engine")
	}
	if err != nil {
		return nil, fmt.Errorf("recognizer %s: %w", rc.Engine, err)
	}
	return rec, nil
}
