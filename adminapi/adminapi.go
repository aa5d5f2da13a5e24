// Package adminapi serves the community admin's JSON API (behind a bearer
// token) and the health check.
package adminapi

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/staff"
)

// Server holds what the API needs.
type Server struct {
	Store     Store
	Community *orders.Community
	// Actions carry out every change the API asks for.
	Actions *actions.Service
	// Jobs, when set, adds running jobs and the pick-list and roster
	// pages.
	Jobs *Jobs
	// Notices, when set, adds the outbox's dead letters.
	Notices Notices
	// Bindings, when set, adds households' members and waiting bindings.
	Bindings Bindings
	// Mailboxes, when set (with Jobs), adds people's notices pages;
	// MediaFiles the voices and photos kept (both behind signed links).
	Mailboxes  Mailboxes
	MediaFiles MediaFiles
	// Token is the bearer token every /api request must carry; Guard
	// (nil: none) slows down an address that keeps guessing it.
	Token string
	Guard *staff.Guard
	Log   *slog.Logger
	// Now is the service's clock (time.Now when nil).
	Now func() time.Time
	// Secure marks the cookies it sets Secure: set when public_url is
	// https (TLS may end at a proxy that says nothing of it).
	Secure bool
}

func (s *Server) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Register adds the API's routes to mux.
func (s *Server) Register(mux *http.ServeMux) {
	mux.Handle("GET /api/orders", s.auth(http.HandlerFunc(s.listOrders)))
	mux.Handle("GET /api/leads", s.auth(http.HandlerFunc(s.listLeads)))
	mux.Handle("POST /api/leads", s.auth(http.HandlerFunc(s.addLead)))
	mux.Handle("DELETE /api/leads/{openid}", s.auth(http.HandlerFunc(s.removeLead)))
	mux.Handle("POST /api/privacy/purge", s.auth(http.HandlerFunc(s.purge)))
	mux.HandleFunc("GET /healthz", s.health)
	s.registerJobs(mux)
	s.registerStock(mux)
	s.registerDistributions(mux)
	s.registerMarks(mux)
	s.registerNotices(mux)
	s.registerHouseholds(mux)
	s.registerMailbox(mux)
	s.registerMedia(mux)
}

// auth serves next to requests with the bearer token: the community's
// staff (apiActor), whose every change the actions audit.
func (s *Server) auth(next http.Handler) http.Handler {
	return Gate{Token: s.Token, Guard: s.Guard, Log: s.Log}.Require(next)
}

// apiActor is who acts through the API: the holder of the admin token.
var apiActor = actions.Actor{Who: staff.TokenWho, Door: actions.API, Staff: true}

// BearerOK reports whether r carries "Authorization: Bearer <token>"
// (compared in constant time). An empty token matches nothing.
func BearerOK(r *http.Request, token string) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && token != "" && subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}

// Gate lets in requests that carry the admin bearer token. Others get
// 401; an address that keeps guessing waits, longer each time (429 with
// Retry-After), and every wrong token is logged with its address. Each
// try is counted before the token is compared (see staff.Guard.Try).
type Gate struct {
	Token string
	// Guard (nil: none) counts the tries of each address.
	Guard *staff.Guard
	// Log (nil: none) gets every wrong token.
	Log *slog.Logger
}

// Require serves next to requests with the token.
func (g Gate) Require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.Allowed(w, r) {
			return
		}
		if !BearerOK(r, g.Token) {
			g.Refused(r)
			w.Header().Set("WWW-Authenticate", `Bearer realm="baogong"`)
			writeJSON(w, http.StatusUnauthorized, errorBody{"missing or wrong bearer token"})
			return
		}
		g.Passed(r)
		next.ServeHTTP(w, r)
	})
}

// Try counts r's try of the secret, before it is compared, and returns
// how long r's address must wait first (0: compare it now; else it was
// not counted and must not be compared).
func (g Gate) Try(r *http.Request) time.Duration {
	if g.Guard == nil {
		return 0
	}
	wait, err := g.Guard.Try(r.Context(), g.Guard.Client(r))
	if err != nil {
		g.logError(r, err)
		return 0 // Redis failing fails the request further on
	}
	return wait
}

// Allowed counts r's try (Try) and reports whether its secret may be
// compared now; when it may not, it has answered 429 with how long to
// wait.
func (g Gate) Allowed(w http.ResponseWriter, r *http.Request) bool {
	wait := g.Try(r)
	if wait <= 0 {
		return true
	}
	w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
	writeJSON(w, http.StatusTooManyRequests, errorBody{"too many wrong tokens from this address: wait " + wait.Round(time.Second).String()})
	return false
}

// Passed clears the count of r's address: its secret was right.
func (g Gate) Passed(r *http.Request) {
	if g.Guard == nil {
		return
	}
	if err := g.Guard.Passed(r.Context(), g.Guard.Client(r)); err != nil {
		g.logError(r, err)
	}
}

// Refused logs a wrong secret from r's address (Try counted it).
func (g Gate) Refused(r *http.Request) {
	if g.Log != nil {
		g.Log.WarnContext(r.Context(), "wrong admin token", "addr", g.Guard.Client(r), "path", r.URL.Path)
	}
}

func (g Gate) logError(r *http.Request, err error) {
	if g.Log != nil {
		g.Log.ErrorContext(r.Context(), "guard", "err", err)
	}
}

type errorBody struct {
	Error string `json:"error"`
}

// OrderJSON is an order as the API shows it.
type OrderJSON struct {
	ID        string         `json:"id"`
	Grid      string         `json:"grid"`
	Address   orders.Address `json:"address"`
	Items     []ItemJSON     `json:"items"`
	TotalFen  int64          `json:"total_fen"`
	Status    orders.Status  `json:"status"`
	PlacedBy  string         `json:"placed_by"`
	Channel   string         `json:"channel"`
	Contact   string         `json:"contact,omitempty"`
	Urgent    bool           `json:"urgent,omitempty"`
	Day       string         `json:"day"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
}

// ItemJSON is one line of an order.
type ItemJSON struct {
	SKU      string `json:"sku"`
	Name     string `json:"name"`
	Qty      int    `json:"qty"`
	PriceFen int64  `json:"price_fen"`
}

// maxLimit bounds one listing; a community has thousands of orders a day.
const maxLimit = 10000

func (s *Server) listOrders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := orders.Filter{Status: orders.Status(q.Get("status")), Grid: q.Get("grid"), Day: q.Get("date"), Limit: maxLimit}
	switch f.Status {
	case "", orders.StatusAwaitingRx, orders.StatusPending, orders.StatusAssigned, orders.StatusDelivered, orders.StatusReceived, orders.StatusCancelled:
	default:
		writeJSON(w, http.StatusBadRequest, errorBody{"status must be awaiting_rx, pending, assigned, delivered, received or cancelled"})
		return
	}
	if f.Day != "" {
		if _, err := time.Parse(time.DateOnly, f.Day); err != nil {
			writeJSON(w, http.StatusBadRequest, errorBody{"date must be YYYY-MM-DD"})
			return
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			writeJSON(w, http.StatusBadRequest, errorBody{"limit must be 1 to 10000"})
			return
		}
		f.Limit = n
	}
	list, err := s.Store.Orders(r.Context(), f)
	if err != nil {
		s.unavailable(w, "list orders", err)
		return
	}
	out := struct {
		Orders []OrderJSON `json:"orders"`
	}{Orders: make([]OrderJSON, 0, len(list))}
	for _, o := range list {
		j := OrderJSON{
			ID: o.ID, Grid: o.Grid, Address: o.Address, TotalFen: o.TotalFen, Status: o.Status,
			PlacedBy: o.PlacedBy, Channel: o.Channel, Contact: o.Contact, Urgent: o.Urgent, Day: o.Day, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
			Items: make([]ItemJSON, len(o.Lines)),
		}
		for i, l := range o.Lines {
			j.Items[i] = ItemJSON{SKU: l.SKU, Name: l.Name, Qty: l.Qty, PriceFen: l.PriceFen}
		}
		out.Orders = append(out.Orders, j)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "redis unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
