package console

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/staff"
)

// The 个人信息 page: what is kept and for how long, and the office's
// purge when the lockdown ends (actions.Purge), which asks for the
// community's name to be typed: it cannot be undone.

type privacyView struct {
	*view
	RetainDays int
	// Today is the latest day a purge may name.
	Today string
	// Report is the purge just done; Running says one is still going.
	Report  *orders.PurgeReport
	Running bool
}

// purgeWait is how long the page waits for a purge before it says the
// purge goes on (it does, and the audit log records its end).
const purgeWait = 8 * time.Second

// purgeTimeout bounds a purge started here.
const purgeTimeout = 30 * time.Minute

func (s *Server) privacyPage(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	v := &privacyView{view: s.newView(r, sess, textPrivacy, "privacy"), RetainDays: s.Community.Retention(),
		Today: orders.Day(s.now(), s.Location), Running: r.URL.Query().Get("ok") == "purge-running"}
	s.render(w, r, "privacy", v)
}

func (s *Server) purge(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	if strings.TrimSpace(r.PostFormValue("confirm")) != s.Community.Name {
		done(w, r, "/admin/privacy", "", "purge-confirm")
		return
	}
	day := strings.TrimSpace(r.PostFormValue("before"))
	if _, _, err := actions.ParsePurgeDay(day, s.now(), s.Location); err != nil {
		var bad *actions.PurgeDateError
		if errors.As(err, &bad) && bad.Future {
			done(w, r, "/admin/privacy", "", "purge-future")
		} else {
			done(w, r, "/admin/privacy", "", "purge-date")
		}
		return
	}
	// A purge outlives a browser that gives up waiting.
	type ended struct {
		rep orders.PurgeReport
		err error
	}
	end := make(chan ended, 1)
	a := s.actor(sess)
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), purgeTimeout)
		defer cancel()
		rep, err := s.Actions.Purge(ctx, a, day)
		if err != nil && !errors.Is(err, orders.ErrConflict) {
			s.Log.ErrorContext(ctx, "console purge", "err", err)
		}
		end <- ended{rep, err}
	}()
	select {
	case e := <-end:
		switch {
		case errors.Is(e.err, orders.ErrConflict):
			done(w, r, "/admin/privacy", "", "purge-running")
		case e.err != nil:
			done(w, r, "/admin/privacy", "", "purge-failed")
		default:
			v := &privacyView{view: s.newView(r, sess, textPrivacy, "privacy"), RetainDays: s.Community.Retention(),
				Today: orders.Day(s.now(), s.Location), Report: &e.rep}
			v.Flash = flashTexts["purged"]
			s.render(w, r, "privacy", v)
		}
	case <-time.After(purgeWait):
		done(w, r, "/admin/privacy", "purge-running", "")
	}
}
