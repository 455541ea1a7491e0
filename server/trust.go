package server

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/trust"
)

// TrustView answers the trust routes from memory (*trust.View).
type TrustView interface {
	Account(kind trust.Kind, id string) (trust.Report, bool)
	History(kind trust.Kind, id string, days int) []trust.Point
	List(kind trust.Kind, sortBy string, desc bool, limit int) []trust.Report
	Ready() bool
	Window() int
}

func (s *Server) trustAnchors(w http.ResponseWriter, r *http.Request) {
	s.trustList(w, r, trust.Anchor)
}
func (s *Server) trustMerchants(w http.ResponseWriter, r *http.Request) {
	s.trustList(w, r, trust.Merchant)
}
func (s *Server) trustAnchor(w http.ResponseWriter, r *http.Request) {
	s.trustAccount(w, r, trust.Anchor)
}
func (s *Server) trustMerchant(w http.ResponseWriter, r *http.Request) {
	s.trustAccount(w, r, trust.Merchant)
}

func (s *Server) trustReady(w http.ResponseWriter) bool {
	if !s.opts.Trust.Ready() {
		w.Header().Set("Retry-After", "1")
		writeError(w, api.CodeTrustNotReady, "the trust ledger is still loading on this node")
		return false
	}
	return true
}

func (s *Server) trustAccount(w http.ResponseWriter, r *http.Request, kind trust.Kind) {
	q := r.URL.Query()
	if err := onlyParams(q, "history"); err != nil {
		writeError(w, api.CodeBadQuery, err.Error())
		return
	}
	days := trust.DefaultHistoryDays
	if v := q.Get("history"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > api.MaxTrustHistory {
			writeError(w, api.CodeBadQuery, fmt.Sprintf("history %q: want a whole number of days from 0 to %d", v, api.MaxTrustHistory))
			return
		}
		days = n
	}
	id := r.PathValue("id")
	if err := trust.ValidID(id); err != nil {
		writeError(w, api.CodeBadAccount, fmt.Sprintf("%s id: %v", kind, err))
		return
	}
	if !s.trustReady(w) {
		return
	}
	rep, ok := s.opts.Trust.Account(kind, id)
	if !ok {
		writeError(w, api.CodeUnknownAccount, fmt.Sprintf("the trust ledger has nothing about %s %q in the last %d days", kind, id, s.opts.Trust.Window()))
		return
	}
	out := wireTrust(rep)
	if days > 0 {
		for _, p := range s.opts.Trust.History(kind, id, days) {
			out.History = append(out.History, api.TrustPoint{Date: p.Date, Score: p.Score, Indicators: p.Indicators})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) trustList(w http.ResponseWriter, r *http.Request, kind trust.Kind) {
	q := r.URL.Query()
	if err := onlyParams(q, "sort", "order", "limit", "format"); err != nil {
		writeError(w, api.CodeBadQuery, err.Error())
		return
	}
	sortBy := q.Get("sort")
	switch sortBy {
	case "":
		sortBy = trust.SortScore
	case trust.SortScore, trust.SortAirtime, trust.SortID:
	default:
		writeError(w, api.CodeBadQuery, fmt.Sprintf("sort %q: want score, airtime or id", sortBy))
		return
	}
	order := q.Get("order")
	switch order {
	case "":
		order = "asc"
		if sortBy == trust.SortAirtime {
			order = "desc"
		}
	case "asc", "desc":
	default:
		writeError(w, api.CodeBadQuery, fmt.Sprintf("order %q: want asc or desc", order))
		return
	}
	limit := api.DefaultTrustLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > api.MaxTrustLimit {
			writeError(w, api.CodeBadQuery, fmt.Sprintf("limit %q: want a whole number from 1 to %d", v, api.MaxTrustLimit))
			return
		}
		limit = n
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "csv" {
		writeError(w, api.CodeBadQuery, fmt.Sprintf("format %q: want json or csv", format))
		return
	}
	if !s.trustReady(w) {
		return
	}
	all := s.opts.Trust.List(kind, sortBy, order == "desc", 0)
	total := len(all)
	if len(all) > limit {
		all = all[:limit]
	}
	if format == "csv" {
		writeTrustCSV(w, kind, all)
		return
	}
	out := api.TrustList{Kind: string(kind), WindowDays: s.opts.Trust.Window(), Sort: sortBy, Order: order, Total: total,
		Accounts: make([]api.TrustReport, 0, len(all))}
	for _, rep := range all {
		out.Accounts = append(out.Accounts, wireTrust(rep))
	}
	writeJSON(w, http.StatusOK, out)
}

// writeTrustCSV writes one row per account: kind, id, score, formula,
// window, then every indicator's value under its name.
func writeTrustCSV(w http.ResponseWriter, kind trust.Kind, reps []trust.Report) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="trust-%ss.csv"`, kind))
	cw := csv.NewWriter(w)
	names := trust.Compute(trust.Day{}).Indicators
	head := []string{"kind", "id", "score", "formula", "from", "to"}
	for _, in := range names {
		head = append(head, in.Name)
	}
	_ = cw.Write(head)
	for _, rep := range reps {
		row := []string{string(rep.Kind), csvSafe(rep.ID), ff(rep.Score.Score), rep.Formula, rep.From, rep.To}
		for _, in := range names {
			v, _ := rep.Get(in.Name)
			row = append(row, ff(v.Value))
		}
		_ = cw.Write(row)
	}
	cw.Flush()
}

// csvSafe keeps a spreadsheet from reading an id as a formula (CSV
// injection: an anchor named "=HYPERLINK(...)").
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}

func ff(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func wireTrust(rep trust.Report) api.TrustReport {
	out := api.TrustReport{Kind: string(rep.Kind), ID: rep.ID, Score: rep.Score.Score, Formula: rep.Formula,
		WindowDays: rep.Days, From: rep.From, To: rep.To, Violations: rep.Violations,
		Indicators: make([]api.TrustIndicator, 0, len(rep.Indicators))}
	for _, in := range rep.Indicators {
		out.Indicators = append(out.Indicators, api.TrustIndicator{Name: in.Name, Value: in.Value, Weight: in.Weight,
			SubScore: in.Sub, Contribution: in.Contribution, NoData: in.NoData, Formula: in.Formula})
	}
	return out
}
