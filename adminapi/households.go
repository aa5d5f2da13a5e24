package adminapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/orders"
)

// Bindings is what the API reads of who belongs to a household;
// orders/redisstore.Store implements it.
type Bindings interface {
	HouseholdUsers(ctx context.Context, household string) ([]string, error)
	Binding(ctx context.Context, openid string) (orders.Binding, error)
	BindRequests(ctx context.Context, now time.Time) ([]orders.BindRequest, error)
}

func (s *Server) registerHouseholds(mux *http.ServeMux) {
	if s.Bindings == nil {
		return
	}
	mux.Handle("GET /api/households/{household}/members", s.auth(http.HandlerFunc(s.members)))
	mux.Handle("POST /api/households/{household}/members", s.auth(http.HandlerFunc(s.addMember)))
	mux.Handle("DELETE /api/households/{household}/members/{openid}", s.auth(http.HandlerFunc(s.removeMember)))
	mux.Handle("GET /api/bindings", s.auth(http.HandlerFunc(s.bindRequests)))
	mux.Handle("POST /api/bindings/{code}/{answer}", s.auth(http.HandlerFunc(s.answerBinding)))
}

// MemberJSON is one member of a household.
type MemberJSON struct {
	OpenID string    `json:"openid"`
	At     time.Time `json:"bound_at"`
}

func (s *Server) members(w http.ResponseWriter, r *http.Request) {
	a, ok := s.household(w, r)
	if !ok {
		return
	}
	users, err := s.Bindings.HouseholdUsers(r.Context(), a.Household())
	if err != nil {
		s.unavailable(w, "household members", err)
		return
	}
	out := []MemberJSON{}
	for _, u := range users {
		b, err := s.Bindings.Binding(r.Context(), u)
		if err != nil && !errors.Is(err, orders.ErrNotFound) {
			s.unavailable(w, "household members", err)
			return
		}
		out = append(out, MemberJSON{OpenID: u, At: b.At})
	}
	writeJSON(w, http.StatusOK, map[string]any{"household": a.Household(), "address": a.String(), "members": out})
}

// addMember binds {"openid"} to the household whoever lives there: the
// admin answers for it.
func (s *Server) addMember(w http.ResponseWriter, r *http.Request) {
	a, ok := s.household(w, r)
	if !ok {
		return
	}
	var in struct {
		OpenID string `json:"openid"`
	}
	if json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&in) != nil || in.OpenID == "" {
		writeJSON(w, http.StatusBadRequest, errorBody{`want {"openid":"…"}`})
		return
	}
	err := s.Actions.AddMember(r.Context(), apiActor, a, in.OpenID)
	var notHere *actions.NotHereError
	switch {
	case errors.As(err, &notHere):
		writeJSON(w, http.StatusBadRequest, errorBody{notHere.Err.Error()})
	case err != nil:
		s.unavailable(w, "bind member", err)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) {
	a, ok := s.household(w, r)
	if !ok {
		return
	}
	err := s.Actions.RemoveMember(r.Context(), apiActor, a, r.PathValue("openid"))
	switch {
	case errors.Is(err, orders.ErrNotFound):
		writeJSON(w, http.StatusNotFound, errorBody{"not a member of this household"})
	case err != nil:
		s.unavailable(w, "remove member", err)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// BindRequestJSON is a binding waiting for a household's answer.
type BindRequestJSON struct {
	Code      string    `json:"code"`
	OpenID    string    `json:"openid"`
	Household string    `json:"household"`
	Address   string    `json:"address"`
	At        time.Time `json:"at"`
}

func (s *Server) bindRequests(w http.ResponseWriter, r *http.Request) {
	reqs, err := s.Bindings.BindRequests(r.Context(), s.now())
	if err != nil {
		s.unavailable(w, "binding requests", err)
		return
	}
	out := []BindRequestJSON{}
	for _, q := range reqs {
		out = append(out, BindRequestJSON{Code: q.Code, OpenID: q.OpenID, Household: q.Address.Household(), Address: q.Address.String(), At: q.At})
	}
	writeJSON(w, http.StatusOK, map[string]any{"requests": out})
}

// answerBinding approves or refuses a waiting binding: POST
// /api/bindings/{code}/approve or /refuse.
func (s *Server) answerBinding(w http.ResponseWriter, r *http.Request) {
	answer := r.PathValue("answer")
	if answer != "approve" && answer != "refuse" {
		writeJSON(w, http.StatusNotFound, errorBody{"answer is approve or refuse"})
		return
	}
	_, err := s.Actions.AnswerBinding(r.Context(), apiActor, r.PathValue("code"), answer == "approve")
	switch {
	case errors.Is(err, orders.ErrNotFound):
		writeJSON(w, http.StatusNotFound, errorBody{"no such binding request (answered or expired)"})
	case err != nil:
		s.unavailable(w, "answer binding", err)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}
