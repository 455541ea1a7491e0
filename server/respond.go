package server

import (
	"encoding/json"
	"net/http"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/lexicon"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// writeError answers with the envelope {"error": {"code": ..., "message":
// ...}} and the status api.Errors gives code; msg says what was wrong.
func writeError(w http.ResponseWriter, code api.Code, msg string) {
	writeJSON(w, code.Status(), api.ErrorResponse{Error: api.ErrorBody{Code: code, Message: msg}})
}

// writeInvalid answers invalid_lexicon with every validation problem.
func writeInvalid(w http.ResponseWriter, es lexicon.ValidationErrors) {
	writeJSON(w, api.CodeInvalidLexicon.Status(), api.ErrorResponse{Error: api.ErrorBody{
		Code: api.CodeInvalidLexicon, Message: es.Error(), Errors: list(es, wireProblem)}})
}
