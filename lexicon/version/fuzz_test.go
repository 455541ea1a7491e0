package version

import (
	"bytes"
	"testing"

	"github.com/earshot/earshot/lexicon"
)

// FuzzImportCSV: any CSV gives YAML that parses, or an error; never a panic.
func FuzzImportCSV(f *testing.F) {
	f.Add("phrase,category,severity,language,reminder\n加微信,private-goods,high,zh,不要\n")
	f.Add("add me,private-goods,high,en,stop\n\"a,b\",x,y,z,w\n")
	f.Add("phrase\n")
	f.Add("白名单\n特效妆\nbest before|最近\n")
	f.Add("allow,notes\n特效妆,x\n")
	f.Fuzz(func(t *testing.T, in string) {
		out, err := ImportCSV("f.csv", "f", bytes.NewReader([]byte(in)))
		if err != nil {
			return
		}
		if _, err := lexicon.Parse("f.yaml", out); err != nil {
			t.Fatalf("import produced invalid YAML: %v\n%s", err, out)
		}
	})
}

// FuzzCompileVersion: a hostile KV value is rejected, never activated and
// never a panic.
func FuzzCompileVersion(f *testing.F) {
	v := Version{Number: 1, YAML: "format: 1\nrules: []\n", Hash: Hash([]byte("format: 1\nrules: []\n"))}
	good, _ := testKeys.seal(v)
	unsigned, _ := encode(v)
	f.Add(good)
	f.Add(unsigned)
	f.Add([]byte("\x1f\x8b\x08\x00garbage"))
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := CompileVersion(in, testKeys, func(lx *lexicon.Lexicon) (*lexicon.Engine, error) { return lexicon.Compile(lx, lexicon.Options{}) })
		if err == nil && (c == nil || c.Meta.Number <= 0) {
			t.Fatalf("accepted a version without a number: %+v", c)
		}
	})
}
