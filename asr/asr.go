// Package asr transcribes voice messages with a speech-to-text service
// that speaks the OpenAI-compatible API (POST /v1/audio/transcriptions):
// whisper.cpp's server, faster-whisper servers and others offer it. WeChat
// is withdrawing the speech recognition of official accounts, so voices
// arrive without words; this is how a deployment that runs such a service
// still reads them. No model ships with baogong.
package asr

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"time"
)

// Client calls one transcription service. It is safe for concurrent use.
type Client struct {
	// URL is the service's base (http://127.0.0.1:8178); the path
	// /v1/audio/transcriptions is added unless URL ends with it.
	URL string
	// Model is sent as the model field (whisper-1 when empty); Language
	// as the language hint (zh when empty).
	Model, Language string
	// HTTP is the client used (a 10 s timeout when nil); each call is
	// bounded by its ctx too.
	HTTP *http.Client
}

// ErrNoWords is returned when the service heard nothing.
var ErrNoWords = errors.New("asr: no words heard")

// maxAnswer bounds the service's answer: a minute of speech is a few
// hundred bytes of text.
const maxAnswer = 64 << 10

// Transcribe sends audio (a file named name, e.g. voice.amr) and returns
// the words heard. An empty transcript is ErrNoWords; a service that
// answers with an error status, or not in time, is an error whose text
// names the status (never the audio).
func (c *Client) Transcribe(ctx context.Context, name string, audio []byte) (string, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	f, err := w.CreateFormFile("file", name)
	if err != nil {
		return "", err
	}
	f.Write(audio)
	model, lang := c.Model, c.Language
	if model == "" {
		model = "whisper-1"
	}
	if lang == "" {
		lang = "zh"
	}
	w.WriteField("model", model)
	w.WriteField("language", lang)
	w.WriteField("response_format", "json")
	if err := w.Close(); err != nil {
		return "", err
	}
	u := strings.TrimRight(c.URL, "/")
	if !strings.HasSuffix(u, "/v1/audio/transcriptions") {
		u += "/v1/audio/transcriptions"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, &body)
	if err != nil {
		return "", fmt.Errorf("asr: %w", err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("asr: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return "", fmt.Errorf("asr: read answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("asr: service answered %d", resp.StatusCode)
	}
	var out struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		// Some servers answer text/plain when asked for text.
		out.Text = string(raw)
	}
	text := strings.TrimSpace(out.Text)
	if text == "" || isNoise(text) {
		return "", ErrNoWords
	}
	return text, nil
}

// isNoise reports whether whisper's transcript is one of its placeholders
// for silence or music rather than words.
func isNoise(s string) bool {
	s = strings.Trim(s, " []()（）.。")
	switch strings.ToLower(s) {
	case "", "blank_audio", "music", "silence", "音乐", "无声":
		return true
	}
	return false
}
