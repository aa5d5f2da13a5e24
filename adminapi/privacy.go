package adminapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/orders"
)

// POST /api/privacy/purge {"before": "2026-12-31"}: the office's purge of
// personal data when the lockdown ends (actions.Purge). A big community
// takes a while: it answers as a job run does, 200 with what went when
// it finished within RunWait, else 202 with a run to poll at
// /api/jobs/runs/{id}.
func (s *Server) purge(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Before string `json:"before"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || in.Before == "" {
		writeJSON(w, http.StatusBadRequest, errorBody{`body must be {"before": "2026-12-31"}: personal data of activity before that day goes`})
		return
	}
	// A bad date is refused at once, not as a failed run.
	if _, _, err := actions.ParsePurgeDay(in.Before, s.now(), s.Actions.Location); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{purgeDateWords(err)})
		return
	}
	run := RunJSON{ID: newRunID(), Job: "purge"}
	s.background(w, r, run, RunWait, func(ctx context.Context, run *RunJSON) error {
		rep, err := s.Actions.Purge(ctx, apiActor, in.Before)
		run.Purge = &rep
		switch {
		case errors.Is(err, orders.ErrConflict):
			run.Error = "another purge is running; poll it or try again when it is done"
		case errors.Is(err, orders.ErrInvalid):
			run.Error = purgeDateWords(err)
		}
		return err
	}, func(run RunJSON, err error) {
		switch {
		case err == nil:
			writeJSON(w, http.StatusOK, run)
		case errors.Is(err, orders.ErrConflict):
			writeJSON(w, http.StatusConflict, errorBody{run.Error})
		case errors.Is(err, orders.ErrInvalid):
			writeJSON(w, http.StatusBadRequest, errorBody{run.Error})
		default:
			writeJSON(w, http.StatusServiceUnavailable, errorBody{"the purge failed (run " + run.ID + "); run it again, it repeats nothing: " + run.Error})
		}
	})
}

// purgeDateWords says why a purge date was refused.
func purgeDateWords(err error) string {
	var bad *actions.PurgeDateError
	if errors.As(err, &bad) && bad.Future {
		return `"before" ` + bad.Day + ` is after today: only what is past can be purged`
	}
	return `"before" must be a date like 2026-12-31`
}
