package adminapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/internal/signedurl"
	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
	"github.com/baogong/baogong/outbox"
)

// nothingSent is a sender whose person is out of reach by every way: the
// outbox holds what it is given.
type nothingSent struct{}

func (nothingSent) Custom(context.Context, orders.Notice) error { return orders.ErrOutsideWindow }
func (nothingSent) Voice(context.Context, string, []byte) error { return orders.ErrOutsideWindow }
func (nothingSent) Template(context.Context, orders.Notice, string) error {
	return orders.ErrTemplateRefused
}

func getPage(t *testing.T, u string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// TestNoticesPageAndMedia: a person's notices page (a template's link)
// shows what was held for them, which it delivers; a kept voice or photo
// opens only behind its signed link, privately.
func TestNoticesPageAndMedia(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Client(t)
	community := redistest.Community(t)
	store := redisstore.New(rdb, community, nil)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ob := outbox.New(rdb, community, nothingSent{}, log)
	ob.Coalesce = -1
	if err := ob.Enqueue(ctx, orders.Notice{ID: "r1", OpenID: "vol-x", Kind: "roster", Text: "【配送任务】3栋2单元501 <蔬菜包>"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	signer := &signedurl.Signer{Key: []byte("k"), TTL: time.Hour}
	mux := http.NewServeMux()
	(&Server{Store: store, Token: token, Log: log, Mailboxes: ob, MediaFiles: store,
		Jobs: &Jobs{Runner: &jobs.Runner{Location: time.UTC}, Links: signer}}).Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	signer.Base = srv.URL

	code, body, _ := getPage(t, signer.URL("/n/vol-x", nil))
	if code != 200 || !strings.Contains(body, "没发到您微信上的通知") || !strings.Contains(body, "&lt;蔬菜包&gt;") {
		t.Fatalf("notices page: %d\n%s", code, body)
	}
	if h, _ := ob.Held(ctx, "vol-x"); len(h) != 0 {
		t.Errorf("still held after the page showed it: %+v", h)
	}
	if _, body, _ := getPage(t, signer.URL("/n/vol-x", nil)); !strings.Contains(body, "最近的通知") || !strings.Contains(body, "【配送任务】") {
		t.Errorf("the page again:\n%s", body)
	}
	if code, _, _ := getPage(t, srv.URL+"/n/vol-x"); code != http.StatusForbidden {
		t.Errorf("unsigned notices page: %d", code)
	}
	if code, _, _ := getPage(t, strings.Replace(signer.URL("/n/vol-x", nil), "vol-x", "vol-y", 1)); code != http.StatusForbidden {
		t.Errorf("someone else's page with this link: %d", code)
	}

	if err := store.SaveMedia(ctx, "voice:m:1", "audio/amr", []byte("#!AMR\nhi"), time.Hour); err != nil {
		t.Fatal(err)
	}
	code, body, h := getPage(t, signer.URL("/m/voice:m:1", nil))
	if code != 200 || body != "#!AMR\nhi" || h.Get("Content-Type") != "audio/amr" || h.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("media: %d %q %v", code, body, h)
	}
	if code, _, _ := getPage(t, srv.URL+"/m/voice:m:1"); code != http.StatusForbidden {
		t.Errorf("unsigned media: %d", code)
	}
	store.DeleteMedia(ctx, "voice:m:1")
	if code, _, _ := getPage(t, signer.URL("/m/voice:m:1", nil)); code != http.StatusGone {
		t.Errorf("deleted media: %d", code)
	}
}
