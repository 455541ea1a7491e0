package e2e

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testutil"
)

// TestWebhookDocSnippets runs the Python and Node verifiers of
// docs/webhooks.md, as printed there, against signatures api.SignWebhook
// makes: they accept a good delivery and refuse a tampered body, a wrong
// secret and an old timestamp, as api.VerifyWebhook does.
func TestWebhookDocSnippets(t *testing.T) {
	doc, err := os.ReadFile("../docs/webhooks.md")
	if err != nil {
		t.Fatal(err)
	}
	block := func(lang string) string {
		m := regexp.MustCompile("(?s)```" + lang + "\n(.*?)```").FindSubmatch(doc)
		if m == nil {
			t.Fatalf("docs/webhooks.md has no ```%s block", lang)
		}
		return string(m[1])
	}
	runners := []struct {
		tool, flag, code string
	}{
		{"python3", "-c", block("python") + "\nimport sys\nprint(verify_earshot(sys.argv[1].encode(), sys.argv[2], sys.argv[3].encode(), float(sys.argv[4])))\n"},
		{"node", "-e", block("js") + "\nconst [secret, header, body, now] = process.argv.slice(1);\n" +
			"console.log(verifyEarshot(secret, header, Buffer.from(body), Number(now)) ? \"True\" : \"False\");\n"},
	}
	secret, body := "whsec_docs_secret_0123456789", `{"type":"alert","id":"01KB","room":"r1","context":"这个面霜能治糖尿病"}`
	sent := time.Now()
	header := api.SignWebhook([]byte(secret), []byte(body), sent)
	cases := []struct {
		name                 string
		secret, header, body string
		now                  time.Time
		want                 bool
	}{
		{"good", secret, header, body, sent.Add(time.Minute), true},
		{"tampered body", secret, header, strings.Replace(body, "r1", "r2", 1), sent, false},
		{"wrong secret", "whsec_another_secret_012345", header, body, sent, false},
		{"six minutes old", secret, header, body, sent.Add(6 * time.Minute), false},
		{"no v1", secret, header[:strings.Index(header, ",")], body, sent, false},
	}
	for _, r := range runners {
		tool := testutil.NeedTool(t, r.tool)
		for _, c := range cases {
			if want := c.want; (api.VerifyWebhook([]byte(c.secret), c.header, []byte(c.body), c.now) == nil) != want {
				t.Fatalf("%s: api.VerifyWebhook disagrees with the case", c.name)
			}
			out, err := exec.Command(tool, r.flag, r.code, c.secret, c.header, c.body,
				strconv.FormatInt(c.now.Unix(), 10)).CombinedOutput()
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", r.tool, c.name, err, out)
			}
			if got := strings.TrimSpace(string(out)) == "True"; got != c.want {
				t.Errorf("%s verifier, %s: %s, want %v", r.tool, c.name, out, c.want)
			}
		}
	}
}
