package adminapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/orders"
)

// LeadJSON is a building lead as the API shows it. Source is "config" for
// leads in the config file (change those there) or "api".
type LeadJSON struct {
	OpenID    string   `json:"openid"`
	Buildings []string `json:"buildings"`
	Source    string   `json:"source"`
}

func (s *Server) listLeads(w http.ResponseWriter, r *http.Request) {
	out := []LeadJSON{}
	for _, l := range s.Community.Leads {
		out = append(out, LeadJSON{OpenID: l.OpenID, Buildings: l.Buildings, Source: "config"})
	}
	added, err := s.Store.Leads(r.Context())
	if err != nil {
		s.unavailable(w, "list leads", err)
		return
	}
	for _, l := range added {
		out = append(out, LeadJSON{OpenID: l.OpenID, Buildings: l.Buildings, Source: "api"})
	}
	writeJSON(w, http.StatusOK, map[string]any{"leads": out})
}

func (s *Server) addLead(w http.ResponseWriter, r *http.Request) {
	var in struct {
		OpenID    string   `json:"openid"`
		Buildings []string `json:"buildings"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{"body must be {\"openid\": \"…\", \"buildings\": [\"3\"]}"})
		return
	}
	in.OpenID = strings.TrimSpace(in.OpenID)
	if in.OpenID == "" || len(in.Buildings) == 0 {
		writeJSON(w, http.StatusBadRequest, errorBody{"openid and buildings are required"})
		return
	}
	l, err := s.Actions.AddLead(r.Context(), apiActor, orders.Person{OpenID: in.OpenID}, in.Buildings)
	var unknown *actions.UnknownBuildingError
	switch {
	case errors.As(err, &unknown):
		writeJSON(w, http.StatusBadRequest, errorBody{unknown.Error()})
	case errors.Is(err, actions.ErrInConfig):
		writeJSON(w, http.StatusConflict, errorBody{"this lead is in the config file; change it there"})
	case err != nil:
		s.unavailable(w, "add lead", err)
	default:
		writeJSON(w, http.StatusOK, LeadJSON{OpenID: l.OpenID, Buildings: l.Buildings, Source: "api"})
	}
}

func (s *Server) removeLead(w http.ResponseWriter, r *http.Request) {
	err := s.Actions.RemoveLead(r.Context(), apiActor, r.PathValue("openid"))
	switch {
	case errors.Is(err, actions.ErrInConfig):
		writeJSON(w, http.StatusConflict, errorBody{"this lead is in the config file; remove it there"})
	case errors.Is(err, orders.ErrNotFound):
		writeJSON(w, http.StatusNotFound, errorBody{"no such lead"})
	case err != nil:
		s.unavailable(w, "remove lead", err)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// unavailable answers 503 for a store failure and logs it.
func (s *Server) unavailable(w http.ResponseWriter, what string, err error) {
	s.Log.Error(what, "err", err)
	writeJSON(w, http.StatusServiceUnavailable, errorBody{"store unavailable"})
}
