package adminapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
)

// Job runs over the API. A job over a big community (a roster of 100 000
// orders) takes longer than any HTTP timeout, so a run is started in the
// background and recorded in Redis under a run id: the request waits up
// to RunWait for it and answers 200 with the result (and its "run" id)
// when it finished by then, else 202 with the run id; GET
// /api/jobs/runs/{id} answers with the run as it stands, on any replica.
const (
	// RunWait is how long POST /api/jobs/{name}/run waits for the run
	// (?wait= asks for less, or for up to MaxRunWait), well inside the
	// server's 10 s write timeout.
	RunWait    = 5 * time.Second
	MaxRunWait = 8 * time.Second
	// runTimeout bounds one run; a run still "running" after it was cut
	// short (the service stopped) and is reported lost.
	runTimeout = 10 * time.Minute
	// runTTL is how long a run's record can be polled.
	runTTL = 24 * time.Hour
)

// Run statuses.
const (
	RunRunning = "running"
	RunDone    = "done"
	RunFailed  = "failed"
	// RunLost: the run did not finish within its time (the service
	// stopped under it); run it again.
	RunLost = "lost"
)

// RunJSON is a job run as GET /api/jobs/runs/{id} shows it.
type RunJSON struct {
	ID     string `json:"run"`
	Job    string `json:"job"`
	Status string `json:"status"`
	// Slot is the slot asked for; none: the job ran now (jobs.RunNow).
	Slot       *time.Time   `json:"slot,omitempty"`
	StartedAt  time.Time    `json:"started_at"`
	FinishedAt *time.Time   `json:"finished_at,omitempty"`
	Deadline   time.Time    `json:"deadline"`
	Result     *jobs.Result `json:"result,omitempty"`
	// Purge is what a purge of personal data removed (Job "purge").
	Purge *orders.PurgeReport `json:"purge,omitempty"`
	Error string              `json:"error,omitempty"`
	// Poll is where to ask again.
	Poll string `json:"poll"`
}

// ranJSON is a run that finished while its request waited: the result
// itself (as before runs had ids) and the run id.
type ranJSON struct {
	ID string `json:"run"`
	jobs.Result
}

func (s *Server) runJob(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !slices.Contains(jobs.Names, name) {
		writeJSON(w, http.StatusNotFound, errorBody{fmt.Sprintf("no job %q; jobs are %v", name, jobs.Names)})
		return
	}
	q := r.URL.Query()
	var slot *time.Time
	if v := q.Get("slot"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, errorBody{"slot must be RFC 3339, e.g. 2026-11-24T07:00:00+08:00"})
			return
		}
		slot = &t
	}
	wait := RunWait
	if v := q.Get("wait"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > MaxRunWait {
			writeJSON(w, http.StatusBadRequest, errorBody{fmt.Sprintf("wait must be a duration from 0s to %s, e.g. 2s", MaxRunWait)})
			return
		}
		wait = d
	}
	run := RunJSON{ID: newRunID(), Job: name, Status: RunRunning, Slot: slot}
	s.background(w, r, run, wait, func(ctx context.Context, run *RunJSON) error {
		res, err := s.Actions.RunJob(ctx, apiActor, run.Job, run.Slot)
		run.Result = &res
		switch {
		case errors.Is(err, jobs.ErrClosedToday):
			run.Error = "今天已经截单了: today's orders are closed already; tomorrow's close on schedule"
		case errors.Is(err, jobs.ErrAhead):
			run.Error = "no cutoff of a day ahead: that day's orders close on schedule"
		}
		return err
	}, func(run RunJSON, err error) {
		switch {
		case err == nil:
			writeJSON(w, http.StatusOK, ranJSON{ID: run.ID, Result: *run.Result})
		case errors.Is(err, jobs.ErrClosedToday), errors.Is(err, jobs.ErrAhead):
			writeJSON(w, http.StatusConflict, errorBody{run.Error})
		default:
			writeJSON(w, http.StatusServiceUnavailable, errorBody{"the job failed (run " + run.ID + "): " + run.Error})
		}
	})
}

// background does do in the background under run's record, waits up to
// wait for it and calls answer with the run as it ended and do's error;
// when it takes longer it answers 202 with the run, to poll at
// /api/jobs/runs/{id}. do fills in run's result, and its Error in words
// for the errors it expects (any other is logged and given as it is).
func (s *Server) background(w http.ResponseWriter, r *http.Request, run RunJSON, wait time.Duration, do func(context.Context, *RunJSON) error, answer func(RunJSON, error)) {
	run.StartedAt = s.now()
	run.Deadline, run.Poll = run.StartedAt.Add(runTimeout), "/api/jobs/runs/"+run.ID
	if err := s.saveRun(r.Context(), run); err != nil {
		s.unavailable(w, run.Job, err)
		return
	}
	type ended struct {
		run RunJSON
		err error
	}
	done := make(chan ended, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), runTimeout)
		defer cancel()
		run := run
		err := do(ctx, &run)
		at := s.now()
		run.FinishedAt, run.Status = &at, RunDone
		if err != nil {
			run.Status = RunFailed
			if run.Error == "" {
				s.Log.Error("run", "job", run.Job, "run", run.ID, "err", err)
				run.Error = err.Error()
			}
		}
		sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer scancel()
		if serr := s.saveRun(sctx, run); serr != nil {
			s.Log.Error("run: record", "job", run.Job, "run", run.ID, "err", serr)
		}
		done <- ended{run, err}
	}()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case end := <-done:
		answer(end.run, end.err)
	case <-timer.C:
		w.Header().Set("Location", run.Poll)
		writeJSON(w, http.StatusAccepted, run)
	}
}

func (s *Server) saveRun(ctx context.Context, run RunJSON) error {
	data, err := json.Marshal(run)
	if err != nil {
		return err
	}
	return s.Store.SaveRunRecord(ctx, run.ID, data, runTTL)
}

func (s *Server) jobRun(w http.ResponseWriter, r *http.Request) {
	data, err := s.Store.RunRecord(r.Context(), r.PathValue("id"))
	if errors.Is(err, orders.ErrNotFound) {
		writeJSON(w, http.StatusNotFound, errorBody{"no such run (runs are kept a day)"})
		return
	}
	if err != nil {
		s.unavailable(w, "job run", err)
		return
	}
	var run RunJSON
	if err := json.Unmarshal(data, &run); err != nil {
		s.unavailable(w, "job run", err)
		return
	}
	if run.Status == RunRunning && s.now().After(run.Deadline) {
		run.Status = RunLost
	}
	writeJSON(w, http.StatusOK, run)
}

func newRunID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}
