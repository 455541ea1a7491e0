package fakeasr

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// OpenAI is a fake OpenAI-compatible transcription server.
type OpenAI struct {
	*httptest.Server
	// Text is the transcript of every request; its words are spread evenly
	// over the received audio.
	Text string
	// APIKey, if set, is required as a bearer token.
	APIKey string
	// Fail answers the first Fail requests with FailStatus (default 503).
	Fail       int
	FailStatus int
	// Garbage, if set, is sent instead of a JSON answer.
	Garbage string
	// Delay stalls every answer.
	Delay time.Duration

	mu       sync.Mutex
	requests []OpenAIRequest
	inflight int
	peak     int
}

// OpenAIRequest is what the fake received.
type OpenAIRequest struct {
	Model, Format string
	Granularities []string
	Samples       int
}

// NewOpenAI starts the fake; Close it when done.
func NewOpenAI(text string) *OpenAI {
	f := &OpenAI{Text: text, FailStatus: http.StatusServiceUnavailable}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// Requests returns what was received so far.
func (f *OpenAI) Requests() []OpenAIRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]OpenAIRequest(nil), f.requests...)
}

// PeakInFlight is the most requests handled at once.
func (f *OpenAI) PeakInFlight() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.peak
}

func (f *OpenAI) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/audio/transcriptions" {
		http.Error(w, `{"error":{"message":"not found"}}`, http.StatusNotFound)
		return
	}
	if f.APIKey != "" && r.Header.Get("Authorization") != "Bearer "+f.APIKey {
		http.Error(w, `{"error":{"message":"bad key"}}`, http.StatusUnauthorized)
		return
	}
	req, samples, err := parseForm(r)
	if err != nil {
		http.Error(w, fmt.Sprintf(`{"error":{"message":%q}}`, err.Error()), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.requests = append(f.requests, req)
	n := len(f.requests)
	f.inflight++
	f.peak = max(f.peak, f.inflight)
	f.mu.Unlock()
	defer func() { f.mu.Lock(); f.inflight--; f.mu.Unlock() }()
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return
		}
	}
	if n <= f.Fail {
		http.Error(w, `{"error":{"message":"overloaded"}}`, f.FailStatus)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if f.Garbage != "" {
		_, _ = io.WriteString(w, f.Garbage)
		return
	}
	_ = json.NewEncoder(w).Encode(verbose(f.Text, float64(samples)/16000))
}

func parseForm(r *http.Request) (OpenAIRequest, int, error) {
	if err := r.ParseMultipartForm(64 << 20); err != nil {
		return OpenAIRequest{}, 0, err
	}
	req := OpenAIRequest{Model: r.FormValue("model"), Format: r.FormValue("response_format"),
		Granularities: r.MultipartForm.Value["timestamp_granularities[]"]}
	file, _, err := r.FormFile("file")
	if err != nil {
		return req, 0, fmt.Errorf("file: %w", err)
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		return req, 0, err
	}
	if len(data) < 44 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WAVE" ||
		binary.LittleEndian.Uint32(data[24:]) != 16000 {
		return req, 0, fmt.Errorf("file is not a 16 kHz WAV")
	}
	req.Samples = int(binary.LittleEndian.Uint32(data[40:])) / 2
	return req, req.Samples, nil
}

type vWord struct {
	Word  string  `json:"word"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

// verbose is the verbose_json shape of OpenAI's API.
func verbose(text string, secs float64) map[string]any {
	words := strings.Fields(text)
	ws := make([]vWord, len(words))
	for i, w := range words {
		step := secs / float64(max(len(words), 1))
		ws[i] = vWord{Word: w, Start: step * float64(i), End: step * float64(i+1)}
	}
	return map[string]any{
		"task": "transcribe", "language": "english", "duration": secs, "text": text,
		"segments": []map[string]any{{"id": 0, "start": 0, "end": secs, "text": text}},
		"words":    ws,
	}
}
