package links

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// fixture is a Linker over a real embedded nats-server.
type fixture struct {
	t     *testing.T
	store *Store
	l     *Linker
	now   time.Time
	utt   uint64
}

func newFixture(t *testing.T, opts StoreOptions) *fixture {
	t.Helper()
	srv := natstest.Start(t, "")
	js, err := jetstream.New(natstest.Service(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	st, err := OpenStore(testutil.Context(t, 10*time.Second), js, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	h, err := NewHasher([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, store: st, now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	f.l = NewLinker(Options{Store: st, Hasher: h, Now: func() time.Time { return f.now }})
	return f
}

// say has anchor (and merchant) say text in room, and returns the alerts.
func (f *fixture) say(room, anchor, merchant, text string) []alerter.Alert {
	f.t.Helper()
	f.utt++
	f.now = f.now.Add(time.Minute)
	h := pipeline.Heard{Room: pipeline.Room{ID: room, Anchor: anchor, Merchant: merchant}, Session: "s-" + room,
		Hypothesis: transcript.Hypothesis{Utterance: f.utt, Final: true, Text: text, Start: 2 * time.Second, End: 5 * time.Second}}
	out, err := f.l.Link(context.Background(), h, []alerter.Alert{{ID: fmt.Sprintf("A%d", f.utt), ClipURL: fmt.Sprintf("/v1/alerts/A%d/clip", f.utt)}})
	if err != nil {
		f.t.Fatalf("Link(%q): %v", text, err)
	}
	return out
}

func (f *fixture) ban(a Account, action Action) {
	f.t.Helper()
	if _, err := f.store.PutBan(context.Background(), Ban{Account: a, Action: action, Reason: "sold fakes", By: "alice"}); err != nil {
		f.t.Fatal(err)
	}
}

func TestReturningViolator(t *testing.T) {
	tests := []struct {
		name, before, after, kind string
	}{
		{"zh wechat said as letters", "家人们加我微信 abc123 私聊", "V信 a b c 1 2 3 有优惠", "wechat"},
		{"zh phone in Chinese digits", "打我电话 13800138000", "电话幺三八零零幺三八零零零", "phone"},
		{"en phone read out as words", "call me on 138 0013 8000", "call one three eight double oh one three eight zero zero zero", "phone"},
		{"en email spoken", "write to lily.shop@qq.com", "email lily dot shop at qq dot com", "email"},
		{"zh wechat, letters and Chinese digits", "家人们加我微信 lily8899", "新号开播 加我微信 l i l y 八 八 九 九 哦", "wechat"},
		{"zh wechat, Chinese digits glued", "微信号是 lily8899", "加我微信 lily八八九九 领券", "wechat"},
		{"en wechat, letters then digit words", "add my wechat lily8899", "add my wechat lily eight eight nine nine", "wechat"},
		{"en wechat spelled w x", "wechat: lily_8899", "w x id lily 8899", "wechat"},
		{"zh phone in groups of words", "电话 138 1234 5678", "有问题打电话 幺三八 一二三四 五六七八", "phone"},
		{"en phone in groups of words", "打 13812345678", "call one three eight, one two three four, five six seven eight", "phone"},
		{"a hyphenated web address", "visit lily-beauty.example.com", "go to www.lily-beauty.example.com", "url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, StoreOptions{})
			if got := f.say("r1", "old-anchor", "m1", tt.before); len(got) != 0 {
				t.Fatalf("first mention raised %v", got)
			}
			f.ban(Account{Anchor, "old-anchor"}, ActionBan)
			got := f.say("r2", "new-anchor", "m2", tt.after)
			if len(got) != 1 {
				t.Fatalf("want one returning-violator alert, got %d", len(got))
			}
			a := got[0]
			if a.Category != alerter.CategoryReturningViolator || a.Room != "r2" || a.Anchor != "new-anchor" || !a.StaffOnly || a.Severity != "high" {
				t.Errorf("alert %+v", a)
			}
			if err := a.Validate(); err != nil {
				t.Error(err)
			}
			if len(a.Links) != 1 {
				t.Fatalf("links %+v", a.Links)
			}
			k := a.Links[0]
			if k.AccountKind != "anchor" || k.AccountID != "old-anchor" || k.Action != "ban" || k.Reason != "sold fakes" || k.By != "alice" ||
				k.IdentifierKind != tt.kind || k.Earlier.Room != "r1" || k.Earlier.AlertID != "A1" || k.Earlier.ClipURL == "" || k.Earlier.Text != tt.before {
				t.Errorf("link %+v", k)
			}
			if !strings.Contains(tt.after, a.MatchedText) || a.MatchedText == "" {
				t.Errorf("matched %q not in %q", a.MatchedText, tt.after)
			}
			// The banned account's merchant was not banned: one link only,
			// and the same sentence again within Realert raises nothing.
			if again := f.say("r2", "new-anchor", "m2", tt.after); len(again) != 0 {
				t.Errorf("repeat within an hour raised %d alerts", len(again))
			}
			f.now = f.now.Add(2 * time.Hour)
			if again := f.say("r2", "new-anchor", "m2", tt.after); len(again) != 1 {
				t.Errorf("repeat after Realert raised %d alerts, want 1", len(again))
			}
		})
	}
}

func TestNoAlert(t *testing.T) {
	f := newFixture(t, StoreOptions{})
	f.say("r1", "old", "shop", "加我微信 abc123，客服热线 400-820-8820，官网 lily-beauty.example.com")
	f.ban(Account{Anchor, "old"}, ActionBan)
	f.ban(Account{Merchant, "shop"}, ActionFlag)
	hotline := f.l.opts.Hasher.Hash("4008208820")
	if _, err := f.store.PutBenign(context.Background(), Benign{Hash: hotline, Note: "brand hotline", By: "bob"}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, room, anchor, merchant, text string }{
		{"the banned anchor repeating their own id", "r9", "old", "other-shop", "my wechat is a b c one two three"},
		{"the flagged merchant's own room", "r1", "", "shop", "微信 abc123"},
		{"a benign hotline", "r2", "new", "m2", "客服热线 四零零八二零八八二零"},
		{"an unrelated id", "r2", "new", "m2", "微信 zzz999"},
		{"another site of the same domain", "r2", "new", "m2", "visit rose-beauty.example.com"},
		{"no identifier", "r2", "new", "m2", "这款面霜很好用"},
		{"a room without accounts", "r3", "", "", "微信 abc123"},
	} {
		if got := f.say(tt.room, tt.anchor, tt.merchant, tt.text); len(got) != 0 {
			t.Errorf("%s: raised %+v", tt.name, got[0].Links)
		}
	}
	// The benign hotline is not even recorded for the new account.
	mine, err := f.store.Of(context.Background(), Account{Anchor, "new"})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mine {
		if m.Hash == hotline {
			t.Errorf("benign hotline recorded: %+v", m)
		}
	}
}

func TestFlaggedSeverity(t *testing.T) {
	f := newFixture(t, StoreOptions{})
	f.say("r1", "a1", "shop", "QQ 12345678")
	f.ban(Account{Merchant, "shop"}, ActionFlag)
	got := f.say("r2", "a2", "shop2", "扣扣 一二三四五六七八")
	if len(got) != 1 || got[0].Severity != "medium" || got[0].Links[0].AccountID != "shop" || got[0].Links[0].Action != "flag" {
		t.Fatalf("got %+v", got)
	}
}

func TestView(t *testing.T) {
	f := newFixture(t, StoreOptions{})
	f.say("r1", "a1", "", "微信 abc123 电话 13800138000")
	f.say("r2", "a2", "", "微信 abc123 电话 13800138000")
	f.say("r3", "a3", "", "go to lilyshop.com")
	f.say("r4", "a4", "", "微信 abc123 lilyshop.com")
	f.ban(Account{Anchor, "a2"}, ActionBan)
	v, err := f.store.ViewOf(context.Background(), Account{Anchor, "a1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Identifiers) != 2 || len(v.Linked) != 2 {
		t.Fatalf("view %+v", v)
	}
	if l := v.Linked[0]; l.Account.ID != "a2" || l.Strength != 0.96 || l.Ban == nil || len(l.Shared) != 2 {
		t.Errorf("strongest link %+v", l)
	}
	if l := v.Linked[1]; l.Account.ID != "a4" || l.Strength != 0.8 || l.Ban != nil {
		t.Errorf("second link %+v", l)
	}
}

func TestBanValidation(t *testing.T) {
	f := newFixture(t, StoreOptions{})
	ctx := context.Background()
	for _, b := range []Ban{
		{Account: Account{"shop", "x"}, Action: ActionBan, Reason: "r", By: "a"},
		{Account: Account{Anchor, ""}, Action: ActionBan, Reason: "r", By: "a"},
		{Account: Account{Anchor, strings.Repeat("x", 129)}, Action: ActionBan, Reason: "r", By: "a"},
		{Account: Account{Anchor, "a\x00b"}, Action: ActionBan, Reason: "r", By: "a"},
		{Account: Account{Anchor, "a"}, Action: "mute", Reason: "r", By: "a"},
		{Account: Account{Anchor, "a"}, Action: ActionBan, Reason: " ", By: "a"},
		{Account: Account{Anchor, "a"}, Action: ActionBan, Reason: strings.Repeat("r", MaxReason+1), By: "a"},
	} {
		if _, err := f.store.PutBan(ctx, b); err == nil {
			t.Errorf("PutBan(%+v) accepted", b.Account)
		}
	}
	a := Account{Anchor, "李主播 #1"}
	f.ban(a, ActionBan)
	bans, err := f.store.Bans(ctx)
	if err != nil || len(bans) != 1 || bans[0].Account != a || bans[0].At.IsZero() {
		t.Fatalf("bans %+v %v", bans, err)
	}
	if err := f.store.LiftBan(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := f.store.LiftBan(ctx, a); err == nil {
		t.Error("lifting twice succeeded")
	}
}

func TestRetention(t *testing.T) {
	f := newFixture(t, StoreOptions{Retention: time.Second})
	f.say("r1", "a1", "", "微信 abc123")
	ctx := context.Background()
	if m, _ := f.store.Of(ctx, Account{Anchor, "a1"}); len(m) != 1 {
		t.Fatalf("mentions %v", m)
	}
	testutil.WaitFor(t, 15*time.Second, "the mention to expire", func() bool {
		m, err := f.store.Of(ctx, Account{Anchor, "a1"})
		return err == nil && len(m) == 0
	})
}

// TestBanWatch: a ban written by another node (straight to the bucket)
// reaches this node's cache through the watch, and so does its lifting.
func TestBanWatch(t *testing.T) {
	f := newFixture(t, StoreOptions{})
	ctx := context.Background()
	other := &Store{mentions: f.store.mentions, bans: f.store.bans, cache: &banCache{bans: map[string]Ban{}, ready: make(chan struct{})}}
	a := Account{Merchant, "elsewhere"}
	if _, err := other.PutBan(ctx, Ban{Account: a, Action: ActionBan, Reason: "r", By: "x"}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 5*time.Second, "the ban in this node's cache", func() bool {
		_, found, ok := f.store.cache.get(banKey(a))
		return ok && found
	})
	if err := other.LiftBan(ctx, a); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 5*time.Second, "the lift in this node's cache", func() bool {
		_, found, ok := f.store.cache.get(banKey(a))
		return ok && !found
	})
}

// TestKeyCheck: the first key is adopted; the same key again is fine;
// another key is refused naming the file to copy.
func TestKeyCheck(t *testing.T) {
	f := newFixture(t, StoreOptions{})
	ctx := context.Background()
	if fp, err := f.store.KeyFingerprint(ctx); err != nil || fp != "" {
		t.Fatalf("fresh bucket: %q %v", fp, err)
	}
	mine, _ := NewHasher([]byte("0123456789abcdef0123456789abcdef"))
	other, _ := NewHasher([]byte("fedcba9876543210fedcba9876543210"))
	for i, h := range []*Hasher{mine, mine} {
		if err := f.store.AdoptKey(ctx, h, "k"); err != nil {
			t.Fatalf("adopt %d: %v", i, err)
		}
	}
	if err := f.store.AdoptKey(ctx, other, "/data/keys/links.key"); err == nil || !strings.Contains(err.Error(), "copy keys/links.key") {
		t.Errorf("another key: %v", err)
	}
	if fp, _ := f.store.KeyFingerprint(ctx); fp != mine.Fingerprint() || strings.Contains(fp, "0123") {
		t.Errorf("fingerprint %q", fp)
	}
}

// TestBanCatchesThoseWhoCameBefore: an account that said a banned
// account's identifier before the ban is linked at the ban (one alert per
// sentence, naming the banned account, with both sides' mentions), not
// only when it says the identifier again; the banned account's own
// merchant (the same sentence), benign numbers and unrelated ids link
// nothing, and the next mention within Realert raises nothing more.
func TestBanCatchesThoseWhoCameBefore(t *testing.T) {
	f := newFixture(t, StoreOptions{})
	f.say("r1", "old", "old-shop", "家人们加我微信 lily8899，客服热线 400-820-8820")
	f.say("r2", "vest", "vest-shop", "新号开播 加我微信 l i l y 八 八 九 九")
	f.say("r3", "brand", "brand-shop", "客服热线 四零零八二零八八二零")
	f.say("r4", "other", "other-shop", "微信 zzz999")
	hotline := f.l.opts.Hasher.Hash("4008208820")
	if _, err := f.store.PutBenign(context.Background(), Benign{Hash: hotline, Note: "brand hotline", By: "bob"}); err != nil {
		t.Fatal(err)
	}
	b, err := f.store.PutBan(context.Background(), Ban{Account: Account{Anchor, "old"}, Action: ActionBan, Reason: "sold fakes", By: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.l.Banned(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d alerts at the ban, want 1 (the vest account's sentence): %+v", len(got), got)
	}
	a := got[0]
	if err := a.Validate(); err != nil {
		t.Error(err)
	}
	if a.Category != alerter.CategoryReturningViolator || !a.StaffOnly || a.Room != "r2" || a.Anchor != "vest" || a.Merchant != "vest-shop" ||
		a.Context != "新号开播 加我微信 l i l y 八 八 九 九" || a.Severity != "high" || len(a.Links) != 1 {
		t.Fatalf("alert %+v", a)
	}
	if k := a.Links[0]; k.AccountID != "old" || k.AccountKind != "anchor" || k.Reason != "sold fakes" || k.IdentifierKind != "wechat" ||
		k.Earlier.Room != "r1" || k.Earlier.AlertID != "A1" {
		t.Errorf("link %+v", k)
	}
	if again := f.say("r2", "vest", "vest-shop", "微信 lily8899"); len(again) != 0 {
		t.Errorf("the next mention within Realert raised %d more alerts", len(again))
	}
}
