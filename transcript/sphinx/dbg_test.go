package sphinx

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/earshot/earshot/internal/tts"
)

func TestDbgFrames(t *testing.T) {
	pcm := speak(t, tts.FliteSLT, sentences[0])
	cfg := Config{}.withDefaults()
	kws := filepath.Join(t.TempDir(), "k.kws")
	os.WriteFile(kws, []byte("cancer /1e-10/\ndiabetes /1e-10/\n"), 0o600)
	d, err := newDecoder(cfg.args(kws), true)
	if err != nil {
		t.Fatal(err)
	}
	defer d.free()
	for u := 0; u < 3; u++ {
		d.startUtt()
		d.process(pcm)
		d.endUtt()
		t.Logf("%+v %q", d.segments(), d.hyp())
	}
}
