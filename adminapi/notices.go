package adminapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
)

// Notices is the outbox as the API sees it (outbox.Outbox implements it):
// what waits to be sent, and the dead letters an admin requeues or drops.
type Notices interface {
	Pending(ctx context.Context) (int, error)
	Dead(ctx context.Context) ([]orders.Notice, error)
	Requeue(ctx context.Context, ids ...string) (int, error)
	Drop(ctx context.Context, ids ...string) (int, error)
}

func (s *Server) registerNotices(mux *http.ServeMux) {
	if s.Notices == nil {
		return
	}
	mux.Handle("GET /api/notices", s.auth(http.HandlerFunc(s.listNotices)))
	mux.Handle("POST /api/notices/requeue", s.auth(http.HandlerFunc(s.requeueNotices)))
	mux.Handle("POST /api/notices/drop", s.auth(http.HandlerFunc(s.dropNotices)))
}

// NoticeJSON is a dead-lettered notice as the API shows it. Text may hold
// an address: the API is for admins only.
type NoticeJSON struct {
	ID        string `json:"id"`
	OpenID    string `json:"openid"`
	Kind      string `json:"kind"`
	Text      string `json:"text"`
	Attempts  int    `json:"attempts"`
	LastError string `json:"last_error"`
	// Reason is LastError as the console's 消息 page says it
	// (jobs.SendFailure): the same words behind either door.
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
}

// listNotices answers {"pending": n, "dead": [...]}.
func (s *Server) listNotices(w http.ResponseWriter, r *http.Request) {
	pending, err := s.Notices.Pending(r.Context())
	if err != nil {
		s.unavailable(w, "count notices", err)
		return
	}
	dead, err := s.Notices.Dead(r.Context())
	if err != nil {
		s.unavailable(w, "list dead notices", err)
		return
	}
	out := struct {
		Pending int          `json:"pending"`
		Dead    []NoticeJSON `json:"dead"`
	}{Pending: pending, Dead: []NoticeJSON{}}
	for _, n := range dead {
		out.Dead = append(out.Dead, NoticeJSON{ID: n.ID, OpenID: n.OpenID, Kind: n.Kind, Text: n.Text,
			Attempts: n.Attempts, LastError: n.LastError, Reason: jobs.SendFailure(n.LastError), CreatedAt: n.CreatedAt})
	}
	writeJSON(w, http.StatusOK, out)
}

// noticeIDs reads {"ids": [...]} or {"all": true} (every dead notice).
func noticeIDs(w http.ResponseWriter, r *http.Request) ([]string, bool, bool) {
	var in struct {
		IDs []string `json:"ids"`
		All bool     `json:"all"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil || (len(in.IDs) == 0 && !in.All) {
		writeJSON(w, http.StatusBadRequest, errorBody{`want {"ids":["…"]} or {"all":true}`})
		return nil, false, false
	}
	return in.IDs, in.All, true
}

func (s *Server) requeueNotices(w http.ResponseWriter, r *http.Request) {
	s.changeNotices(w, r, "requeued", s.Actions.RetryNotices)
}

func (s *Server) dropNotices(w http.ResponseWriter, r *http.Request) {
	s.changeNotices(w, r, "dropped", s.Actions.DropNotices)
}

// changeNotices applies change to the dead notices named in the request
// and answers {"<what>": n}.
func (s *Server) changeNotices(w http.ResponseWriter, r *http.Request, what string, change func(context.Context, actions.Actor, []string, bool) (int, error)) {
	ids, all, ok := noticeIDs(w, r)
	if !ok {
		return
	}
	n, err := change(r.Context(), apiActor, ids, all)
	if err != nil {
		s.unavailable(w, what+" notices", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{what: n})
}
