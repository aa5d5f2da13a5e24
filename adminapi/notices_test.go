package adminapi

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/outbox"
)

// gate is a notice sender an admin's fix opens: closed, every send fails
// for good (a bad template id); open, it records what was sent.
type gate struct {
	mu   sync.Mutex
	open bool
	sent []string
}

func (g *gate) Custom(ctx context.Context, n orders.Notice) error { return g.Template(ctx, n, "") }

func (g *gate) Voice(ctx context.Context, openid string, _ []byte) error {
	return g.Template(ctx, orders.Notice{OpenID: openid}, "")
}

// Template sends as the outbox does to people who never wrote.
func (g *gate) Template(_ context.Context, n orders.Notice, _ string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.open {
		return fmt.Errorf("%w: template refused", orders.ErrPermanent)
	}
	g.sent = append(g.sent, n.ID)
	return nil
}

// TestDeadNotices walks an admin through the outbox's dead letters: list
// them, requeue one once the cause is fixed (it is then sent), drop the
// other (it is gone), and refuse a request that names nothing.
func TestDeadNotices(t *testing.T) {
	g := &gate{}
	ob := outbox.New(redistest.Client(t), redistest.Community(t), g, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ob.Coalesce = -1
	ob.Templates = map[string]string{orders.TplDelivery: "tpl-d", orders.TplUrgent: "tpl-u"}
	ctx := context.Background()
	if err := ob.Enqueue(ctx, orders.Notice{ID: "n1", OpenID: "o1", Kind: "delivered", Text: "已送达"},
		orders.Notice{ID: "n2", OpenID: "o2", Kind: "urgent", Text: "急"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	(&Server{Notices: ob, Actions: &actions.Service{Dead: ob, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, Token: token, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	var list struct {
		Pending int          `json:"pending"`
		Dead    []NoticeJSON `json:"dead"`
	}
	if code := callJSON(t, "GET", srv.URL+"/api/notices", token, "", &list); code != 200 || list.Pending != 0 || len(list.Dead) != 2 {
		t.Fatalf("list: %d %+v", code, list)
	}
	if d := list.Dead[0]; d.LastError == "" || d.Attempts == 0 || d.Kind == "" {
		t.Errorf("dead notice shows no cause: %+v", d)
	}
	if code, _ := call(t, "GET", srv.URL+"/api/notices", "", ""); code != http.StatusUnauthorized {
		t.Errorf("without the token: %d", code)
	}

	g.mu.Lock()
	g.open = true
	g.mu.Unlock()
	var moved map[string]int
	if code := callJSON(t, "POST", srv.URL+"/api/notices/requeue", token, `{"ids":["n1","nope"]}`, &moved); code != 200 || moved["requeued"] != 1 {
		t.Fatalf("requeue: %d %v", code, moved)
	}
	if sent, err := ob.Drain(ctx); err != nil || sent != 1 || len(g.sent) != 1 || g.sent[0] != "n1" {
		t.Fatalf("after requeue: sent %d %v (%v)", sent, g.sent, err)
	}
	if code := callJSON(t, "POST", srv.URL+"/api/notices/drop", token, `{"all":true}`, &moved); code != 200 || moved["dropped"] != 1 {
		t.Fatalf("drop: %d %v", code, moved)
	}
	if code := callJSON(t, "GET", srv.URL+"/api/notices", token, "", &list); code != 200 || len(list.Dead) != 0 {
		t.Fatalf("after drop: %d %+v", code, list)
	}
	if code, _ := call(t, "POST", srv.URL+"/api/notices/requeue", token, `{}`); code != http.StatusBadRequest {
		t.Errorf("empty requeue: %d", code)
	}
}
