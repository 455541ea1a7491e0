package server

import (
	"net/http"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/rooms"
)

// getLexiconSchema serves the closed vocabularies from their one list
// each: the lexicon's categories, severities, languages and pattern
// kinds, rooms.States and the registry's pull schemes. It needs no
// lexicon store: the vocabularies are the code's.
func (s *Server) getLexiconSchema(w http.ResponseWriter, _ *http.Request) {
	sc := api.LexiconSchema{
		Format:       lexicon.CurrentFormat,
		Categories:   wireTerms(lexicon.Categories()),
		Severities:   wireTerms(lexicon.Severities()),
		Languages:    wireTerms(lexicon.Languages()),
		PatternKinds: wireTerms(lexicon.PatternKinds()),
		ContactKinds: wireTerms(lexicon.ContactKinds()),
		RoomStates:   each(rooms.States(), func(st rooms.State) string { return string(st) }),
		PullSchemes:  []string{},
	}
	if admin, ok := s.opts.Rooms.(RoomAdmin); ok {
		sc.PullSchemes = append(sc.PullSchemes, admin.Schemes()...)
	}
	writeJSON(w, http.StatusOK, sc)
}

func wireTerms(ts []lexicon.Term) []api.Term {
	return each(ts, func(t lexicon.Term) api.Term {
		return api.Term{ID: t.ID, Label: t.Label, LabelZH: t.LabelZH, Description: t.Description}
	})
}
