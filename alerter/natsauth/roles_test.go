package natsauth

import (
	"os"
	"strings"
	"testing"
)

// TestDocsListEveryRole keeps docs/nats-permissions.md's table in step
// with the role table: every role has a row naming each of its subjects.
func TestDocsListEveryRole(t *testing.T) {
	doc, err := os.ReadFile("../../docs/nats-permissions.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[Role]string{}
	for _, line := range strings.Split(string(doc), "\n") {
		for _, r := range Roles() {
			if strings.HasPrefix(line, "| `"+string(r)+"` |") {
				rows[r] = line
			}
		}
	}
	for _, r := range Roles() {
		row, ok := rows[r]
		if !ok {
			t.Errorf("docs/nats-permissions.md has no row for role %s", r)
			continue
		}
		p, _ := PermissionsOf(r)
		for _, subj := range append(append(p.PubAllow, p.SubAllow...), p.SubDeny...) {
			if !strings.Contains(row, "`"+subj+"`") {
				t.Errorf("role %s: docs row lacks %s:\n%s", r, subj, row)
			}
		}
		if p.Responses && !strings.Contains(row, "allow-responses") {
			t.Errorf("role %s: docs row does not mention allow-responses", r)
		}
	}
}

func TestParseRole(t *testing.T) {
	for _, r := range Roles() {
		if got, err := ParseRole(" " + string(r)); err != nil || got != r {
			t.Errorf("ParseRole(%s) = %s, %v", r, got, err)
		}
	}
	if _, err := ParseRole("admin"); err == nil || !strings.Contains(err.Error(), "anchor, compliance, service") {
		t.Errorf("ParseRole(admin): %v", err)
	}
}
