package server

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter/disposition"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/lexicon/backtest"
	"github.com/earshot/earshot/rooms"
)

// fillValue sets every exported field reachable from v to a distinct
// non-zero value: one element per slice and map, pointers allocated.
func fillValue(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + string(rune('a'+*n%26)))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(*n))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(*n) + 0.5)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillValue(v.Elem(), n)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fillValue(v.Index(0), n)
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fillValue(k, n)
		fillValue(e, n)
		v.SetMapIndex(k, e)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 3, 10, 12, 0, *n, 0, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillValue(v.Field(i), n)
			}
		}
	}
}

func filled[T any]() T {
	var v T
	n := 0
	fillValue(reflect.ValueOf(&v).Elem(), &n)
	return v
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wireCase checks that converting a record changes nothing on the wire,
// for a record with every field set and for the zero record (omitempty,
// null versus []).
type wireCase struct {
	name       string
	full, zero func() (record, wire any)
}

func pair[R, W any](conv func(R) W) func() (any, any) {
	return func() (any, any) { r := filled[R](); return r, conv(r) }
}

func zeroPair[R, W any](conv func(R) W) func() (any, any) {
	return func() (any, any) { var r R; return r, conv(r) }
}

func wc[R, W any](name string, conv func(R) W) wireCase {
	return wireCase{name, pair(conv), zeroPair(conv)}
}

func eachOf[R, W any](conv func(R) W) func([]R) []W {
	return func(rs []R) []W { return each(rs, conv) }
}

// listCase: an empty list was [] before, never null.
func listCase[R, W any](name string, conv func(R) W) wireCase {
	l := func(rs []R) []W { return list(rs, conv) }
	return wireCase{name, pair(l), func() (any, any) { return []R{}, l(nil) }}
}

// TestWireMatchesRecords: the api wire types carry exactly the JSON the
// server wrote when it encoded its storage records directly, so moving the
// contract into package api changed nothing a client sees.
func TestWireMatchesRecords(t *testing.T) {
	cases := []wireCase{
		wc("rooms.Status", wireRoomStatus),
		wc("alerter.Alert", wireAlert),
		wc("disposition.Disposition", wireDisposition),
		wc("alerter.Escalation", wireEscalation),
		wc("version.Summary", wireSummary),
		wc("version.Version", wireVersion),
		wc("version.AuditEntry", wireAudit),
		wc("*version.Diff", wireDiff),
		wc("lexicon.Rule", wireRule),
		wc("lexicon.Hit", wireHit),
		wc("lexicon.Explanation", wireExplanation),
		wc("store.Record", wireRecord),
		wc("store.Hit", wireSearchHit),
		wc("facets", wireFacets),
		wc("[]rooms.Status", eachOf(wireRoomStatus)),
		wc("[]version.Summary", eachOf(wireSummary)),
		{"*backtest.Report", pair(func(r *backtest.Report) api.BacktestReport { return wireReport(r) }),
			func() (any, any) { r := &backtest.Report{}; return r, wireReport(r) }},
		// Lists the server always wrote as [] (never null).
		listCase("[]alerter.Alert", wireAlert),
		listCase("[]lexicon.Hit", wireHit),
		listCase("[]lexicon.Explanation", wireExplanation),
		listCase("[]store.Hit", wireSearchHit),
		listCase("[]store.Record", wireRecord),
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, mk := range []func() (any, any){c.full, c.zero} {
				rec, wire := mk()
				want, got := mustJSON(t, rec), mustJSON(t, wire)
				if !bytes.Equal(want, got) {
					t.Errorf("wire JSON differs from the record's\nrecord %s\nwire   %s", want, got)
				}
			}
		})
	}
}

// TestWireRequestsMatch: the request bodies the client encodes are what the
// server's decoders read.
func TestWireRequestsMatch(t *testing.T) {
	spec := filled[rooms.Spec]()
	got := mustJSON(t, api.RoomSpec{ID: spec.ID, Anchor: spec.Anchor, Merchant: spec.Merchant, Source: spec.Source,
		Token: spec.Token, Recognizer: spec.Recognizer})
	if want := mustJSON(t, spec); !bytes.Equal(want, got) {
		t.Errorf("RoomSpec\nrooms %s\napi   %s", want, got)
	}
	req := filled[disposition.Request]()
	got = mustJSON(t, api.DispositionRequest{Decision: api.Decision(req.Decision), Note: req.Note, By: req.By})
	if want := mustJSON(t, req); !bytes.Equal(want, got) {
		t.Errorf("DispositionRequest\ndisposition %s\napi         %s", want, got)
	}
}
