package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/links"
	"github.com/earshot/earshot/web"
)

// LinkService is the returning-violator store the API serves
// (*links.Service): bans, benign marks and the links view.
type LinkService interface {
	PutBan(ctx context.Context, b links.Ban) (links.Ban, error)
	LiftBan(ctx context.Context, a links.Account) error
	Bans(ctx context.Context) ([]links.Ban, error)
	ViewOf(ctx context.Context, a links.Account) (links.View, error)
	PutBenign(ctx context.Context, b links.Benign) (links.Benign, error)
	LiftBenign(ctx context.Context, hash string) error
	Benigns(ctx context.Context) ([]links.Benign, error)
	HashOf(value string) (hash string, ok bool)
}

func (s *Server) linkHandlers() map[string]http.Handler {
	return map[string]http.Handler{
		"GET /links":              pageHeaders(servePage(web.Static(), "links.html")), // pages.go
		"POST /v1/bans":           http.HandlerFunc(s.postBan),
		"GET /v1/bans":            http.HandlerFunc(s.listBans),
		"DELETE /v1/bans":         http.HandlerFunc(s.deleteBan),
		"GET /v1/links":           http.HandlerFunc(s.getLinks),
		"GET /v1/links/benign":    http.HandlerFunc(s.listBenign),
		"POST /v1/links/benign":   http.HandlerFunc(s.postBenign),
		"DELETE /v1/links/benign": http.HandlerFunc(s.deleteBenign),
	}
}

// decider is the token's subject: the author of a ban or benign mark.
func decider(r *http.Request) string {
	if c, ok := claimsOf(r); ok {
		return c.Subject
	}
	return ""
}

// rawAllowed reports whether the request may read raw identifiers:
// compliance staff (and admin, who may call everything) only.
func rawAllowed(r *http.Request) bool {
	c, ok := claimsOf(r)
	return ok && (c.Role == api.RoleCompliance || c.Role == api.RoleAdmin)
}

// decodeStrict reads one JSON object of v's type, refusing unknown fields.
func decodeStrict(r io.Reader, v any) error {
	body, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("body is not the expected JSON object: %w", err)
	}
	if dec.More() {
		return errors.New("body has data after the JSON object")
	}
	return nil
}

// accountOf reads exactly one of anchor and merchant.
func accountOf(anchor, merchant string) (links.Account, error) {
	var a links.Account
	switch {
	case anchor != "" && merchant != "":
		return a, errors.New("name one account: anchor or merchant, not both")
	case anchor != "":
		a = links.Account{Kind: links.Anchor, ID: anchor}
	case merchant != "":
		a = links.Account{Kind: links.Merchant, ID: merchant}
	default:
		return a, errors.New("name one account: anchor or merchant")
	}
	return a, a.Validate()
}

func (s *Server) accountQuery(w http.ResponseWriter, r *http.Request) (links.Account, bool) {
	q := r.URL.Query()
	if err := onlyParams(q, "anchor", "merchant"); err != nil {
		writeError(w, api.CodeBadQuery, err.Error()+" (want anchor= or merchant=)")
		return links.Account{}, false
	}
	a, err := accountOf(q.Get("anchor"), q.Get("merchant"))
	if err != nil {
		writeError(w, api.CodeBadAccount, err.Error())
		return a, false
	}
	return a, true
}

func (s *Server) postBan(w http.ResponseWriter, r *http.Request) {
	var req api.BanRequest
	if err := decodeStrict(r.Body, &req); err != nil {
		bodyError(w, err, api.CodeBadBan, "the ban")
		return
	}
	a, err := accountOf(req.Anchor, req.Merchant)
	if err != nil {
		writeError(w, api.CodeBadAccount, err.Error())
		return
	}
	b := links.Ban{Account: a, Action: links.Action(req.Action), Reason: req.Reason, By: decider(r)}
	if b.Action == "" {
		b.Action = links.ActionBan
	}
	if err := links.ValidateBan(b); err != nil {
		writeError(w, api.CodeBadBan, err.Error())
		return
	}
	b, err = s.opts.Links.PutBan(r.Context(), b)
	if err != nil {
		writeError(w, api.CodeLinks, err.Error())
		return
	}
	s.opts.Logger.Info("account banned", "kind", b.Kind, "action", b.Action, "by", b.By)
	writeJSON(w, http.StatusCreated, wireBan(b))
}

func (s *Server) listBans(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r.URL.Query()); err != nil {
		writeError(w, api.CodeBadQuery, err.Error())
		return
	}
	bans, err := s.opts.Links.Bans(r.Context())
	if err != nil {
		writeError(w, api.CodeLinks, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, api.BanList{Bans: list(bans, wireBan)})
}

func (s *Server) deleteBan(w http.ResponseWriter, r *http.Request) {
	a, ok := s.accountQuery(w, r)
	if !ok {
		return
	}
	if err := s.opts.Links.LiftBan(r.Context(), a); err != nil {
		if errors.Is(err, links.ErrNotFound) {
			writeError(w, api.CodeUnknownBan, err.Error())
			return
		}
		writeError(w, api.CodeLinks, err.Error())
		return
	}
	s.opts.Logger.Info("ban lifted", "kind", a.Kind, "by", decider(r))
	writeJSON(w, http.StatusOK, api.BanLifted{Kind: string(a.Kind), ID: a.ID, Lifted: true})
}

func (s *Server) getLinks(w http.ResponseWriter, r *http.Request) {
	a, ok := s.accountQuery(w, r)
	if !ok {
		return
	}
	v, err := s.opts.Links.ViewOf(r.Context(), a)
	if err != nil {
		writeError(w, api.CodeLinks, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, wireLinkView(v, rawAllowed(r)))
}

func (s *Server) listBenign(w http.ResponseWriter, r *http.Request) {
	bs, err := s.opts.Links.Benigns(r.Context())
	if err != nil {
		writeError(w, api.CodeLinks, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, api.BenignList{Benign: list(bs, wireBenign)})
}

func (s *Server) postBenign(w http.ResponseWriter, r *http.Request) {
	var req api.BenignRequest
	if err := decodeStrict(r.Body, &req); err != nil {
		bodyError(w, err, api.CodeBadBenign, "the benign mark")
		return
	}
	hash := req.Hash
	switch {
	case (req.Value == "") == (req.Hash == ""):
		writeError(w, api.CodeBadBenign, "send exactly one of value (the identifier) or hash (from GET /v1/links)")
		return
	case req.Value != "":
		h, ok := s.opts.Links.HashOf(req.Value)
		if !ok || len(req.Value) > 256 {
			writeError(w, api.CodeBadBenign, "value: no identifier in it (want a number, an id, an e-mail or web address of at most 256 bytes)")
			return
		}
		hash = h
	}
	b, err := s.opts.Links.PutBenign(r.Context(), links.Benign{Hash: hash, Note: req.Note, By: decider(r)})
	if err != nil {
		code := api.CodeLinks
		if len(req.Note) > api.MaxBanReason || req.Hash != "" {
			code = api.CodeBadBenign // a validation failure of the request, not the store
		}
		writeError(w, code, err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, wireBenign(b))
}

func (s *Server) deleteBenign(w http.ResponseWriter, r *http.Request) {
	hash := r.URL.Query().Get("hash")
	if err := s.opts.Links.LiftBenign(r.Context(), hash); err != nil {
		switch {
		case errors.Is(err, links.ErrNotFound):
			writeError(w, api.CodeUnknownBan, err.Error())
		case !links.ValidHash(hash):
			writeError(w, api.CodeBadBenign, err.Error())
		default:
			writeError(w, api.CodeLinks, err.Error())
		}
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"hash": hash, "lifted": true})
}
