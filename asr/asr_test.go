package asr

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fakeService is a fake of the OpenAI-compatible transcription API: it
// checks the request as such services read it and answers text.
func fakeService(t *testing.T, answer func(audio []byte) (int, string)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/audio/transcriptions" {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		f, h, err := r.FormFile("file")
		if err != nil || r.FormValue("model") == "" || r.FormValue("language") != "zh" || !strings.HasSuffix(h.Filename, ".amr") {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		audio, _ := io.ReadAll(f)
		code, text := answer(audio)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		io.WriteString(w, text)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTranscribe(t *testing.T) {
	for _, tc := range []struct {
		name   string
		code   int
		answer string
		want   string
		err    error
	}{
		{"words", 200, `{"text":" 我要两份蔬菜包。 "}`, "我要两份蔬菜包。", nil},
		{"silence", 200, `{"text":" [BLANK_AUDIO]"}`, "", ErrNoWords},
		{"nothing", 200, `{"text":""}`, "", ErrNoWords},
		{"plain text", 200, `我要鸡蛋`, "我要鸡蛋", nil},
		{"server error", 500, `{"error":"model not loaded"}`, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakeService(t, func(audio []byte) (int, string) {
				if string(audio) != "#!AMR\nvoice" {
					return 400, `{"error":"audio"}`
				}
				return tc.code, tc.answer
			})
			got, err := (&Client{URL: srv.URL}).Transcribe(context.Background(), "voice.amr", []byte("#!AMR\nvoice"))
			switch {
			case tc.code != 200:
				if err == nil || !strings.Contains(err.Error(), "500") {
					t.Fatalf("err %v", err)
				}
			case tc.err != nil:
				if !errors.Is(err, tc.err) {
					t.Fatalf("err %v, want %v", err, tc.err)
				}
			case err != nil || got != tc.want:
				t.Fatalf("got %q, %v", got, err)
			}
		})
	}
}

func TestTranscribeTimeout(t *testing.T) {
	srv := fakeService(t, func([]byte) (int, string) {
		time.Sleep(300 * time.Millisecond)
		return 200, `{"text":"迟到"}`
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := (&Client{URL: srv.URL + "/"}).Transcribe(ctx, "voice.amr", []byte("#!AMR\nvoice")); err == nil {
		t.Fatal("a late answer was waited for")
	}
}
