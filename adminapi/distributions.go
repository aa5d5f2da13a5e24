package adminapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/baogong/baogong/orders"
)

// distributionRequest is the body of POST /api/distributions.
type distributionRequest struct {
	// ID names the distribution: the same id again tops it up (new
	// households, or more stock) without giving anyone twice.
	ID           string   `json:"id"`
	SKU          string   `json:"sku"`
	PerHousehold int      `json:"per_household"`
	Grids        []string `json:"grids"`
}

func (s *Server) registerDistributions(mux *http.ServeMux) {
	if s.Actions == nil || s.Actions.Distributor == nil {
		return
	}
	mux.Handle("POST /api/distributions", s.auth(http.HandlerFunc(s.distribute)))
	mux.Handle("GET /api/distributions/{id}", s.auth(http.HandlerFunc(s.distribution)))
}

func (s *Server) distribute(w http.ResponseWriter, r *http.Request) {
	var in distributionRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{`body must be {"sku":"VEG-FREE","per_household":1,"grids":["G1"]}`})
		return
	}
	if in.PerHousehold == 0 {
		in.PerHousehold = 1
	}
	if in.ID == "" {
		// Without an id a retried request would be a second distribution
		// and every household would get two packs.
		writeJSON(w, http.StatusBadRequest, errorBody{`an "id" is required (e.g. "2026-w48-veg"); post the same id again to top up without giving anyone twice`})
		return
	}
	// A distribution over thousands of households outlives a slow
	// client: finish it even if the request is cancelled.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Minute)
	defer cancel()
	res, err := s.Actions.Distribute(ctx, apiActor, orders.DistributionRequest{
		ID: in.ID, SKU: in.SKU, PerHousehold: in.PerHousehold, Grids: in.Grids,
	})
	switch {
	case errors.Is(err, orders.ErrNotFound), errors.Is(err, orders.ErrInvalid):
		writeJSON(w, http.StatusBadRequest, errorBody{err.Error()})
	case err != nil:
		s.unavailable(w, "distribution", err)
	default:
		writeJSON(w, http.StatusOK, res)
	}
}

func (s *Server) distribution(w http.ResponseWriter, r *http.Request) {
	entries, err := s.Store.DistributionEntries(r.Context(), r.PathValue("id"))
	if err != nil {
		s.unavailable(w, "distribution", err)
		return
	}
	if len(entries) == 0 {
		writeJSON(w, http.StatusNotFound, errorBody{"no such distribution (or it gave nothing yet)"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": r.PathValue("id"), "households": entries})
}
