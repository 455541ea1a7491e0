package openai

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"time"
)

// maxResponse bounds an answer body.
const maxResponse = 4 << 20

// errRetry marks failures worth another try.
var errRetry = errors.New("retryable")

// transcribe sends pcm and decodes the answer, retrying transient errors.
func (r *Recognizer) transcribe(ctx context.Context, pcm []int16) (Response, error) {
	body, ctype, err := r.form(pcm)
	if err != nil {
		return Response{}, err
	}
	var last error
	for attempt := 0; attempt <= r.cfg.Retries; attempt++ {
		if attempt > 0 {
			wait := r.cfg.Backoff << (attempt - 1)
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return Response{}, fmt.Errorf("openai: %w (last error: %w)", ctx.Err(), last)
			}
		}
		resp, err := r.post(ctx, body, ctype)
		if err == nil {
			return resp, nil
		}
		last = err
		if !errors.Is(err, errRetry) {
			break
		}
	}
	return Response{}, last
}

func (r *Recognizer) post(ctx context.Context, body []byte, ctype string) (Response, error) {
	select {
	case r.sem <- struct{}{}:
		defer func() { <-r.sem }()
	case <-ctx.Done():
		return Response{}, fmt.Errorf("openai: waiting for a request slot: %w", ctx.Err())
	}
	rctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, r.endpoint, bytes.NewReader(body))
	if err != nil {
		return Response{}, fmt.Errorf("openai: %w", err)
	}
	req.Header.Set("Content-Type", ctype)
	if r.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+r.cfg.APIKey)
	}
	res, err := r.client.Do(req)
	if err != nil {
		return Response{}, fmt.Errorf("openai: %s: %w: %w", r.endpoint, errRetry, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxResponse+1))
	if err != nil {
		return Response{}, fmt.Errorf("openai: reading answer: %w: %w", errRetry, err)
	}
	if len(data) > maxResponse {
		return Response{}, fmt.Errorf("openai: answer larger than %d bytes", maxResponse)
	}
	switch {
	case res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500:
		return Response{}, fmt.Errorf("openai: %s: status %d: %w: %.200s", r.endpoint, res.StatusCode, errRetry, data)
	case res.StatusCode != http.StatusOK:
		return Response{}, fmt.Errorf("openai: %s: status %d: %.200s", r.endpoint, res.StatusCode, data)
	}
	return Decode(data)
}

// form builds the multipart body: the WAV file and the options.
func (r *Recognizer) form(pcm []int16) ([]byte, string, error) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fw, err := w.CreateFormFile("file", "utterance.wav")
	if err != nil {
		return nil, "", fmt.Errorf("openai: %w", err)
	}
	if _, err := fw.Write(wav(pcm)); err != nil {
		return nil, "", fmt.Errorf("openai: %w", err)
	}
	fields := [][2]string{{"model", r.cfg.Model}, {"response_format", "verbose_json"},
		{"timestamp_granularities[]", "word"}, {"timestamp_granularities[]", "segment"}}
	if r.cfg.Language != "" {
		fields = append(fields, [2]string{"language", r.cfg.Language})
	}
	if r.cfg.Prompt != "" {
		fields = append(fields, [2]string{"prompt", r.cfg.Prompt})
	}
	for _, f := range fields {
		if err := w.WriteField(f[0], f[1]); err != nil {
			return nil, "", fmt.Errorf("openai: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", fmt.Errorf("openai: %w", err)
	}
	return b.Bytes(), w.FormDataContentType(), nil
}

// wav encodes 16 kHz mono 16-bit PCM as a RIFF WAVE file.
func wav(pcm []int16) []byte {
	n := 2 * len(pcm)
	b := make([]byte, 44+n)
	copy(b, "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+n))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1) // PCM
	binary.LittleEndian.PutUint16(b[22:], 1) // mono
	binary.LittleEndian.PutUint32(b[24:], 16000)
	binary.LittleEndian.PutUint32(b[28:], 32000)
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(n))
	for i, v := range pcm {
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(v))
	}
	return b
}
