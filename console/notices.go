package console

import (
	"context"
	"net/http"
	"strconv"

	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/staff"
)

type noticesView struct {
	*view
	Pending int
	Dead    []orders.Notice
	// Unreached are people nothing could reach (issue 19); Problems the
	// template ids WeChat refused.
	Unreached []jobs.Unreachable
	Problems  []string
}

// problemLister is the outbox's list of refused template ids.
type problemLister interface {
	Problems(ctx context.Context) ([]string, error)
}

func (s *Server) notices(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	if s.Notices == nil {
		s.message(w, r, http.StatusNotFound, textNoNotices)
		return
	}
	v := &noticesView{view: s.newView(r, sess, textNotices, "notices")}
	var err error
	if v.Pending, err = s.Notices.Pending(r.Context()); err != nil {
		s.failed(w, r, "notices", err)
		return
	}
	if v.Dead, err = s.Notices.Dead(r.Context()); err != nil {
		s.failed(w, r, "notices", err)
		return
	}
	if s.Jobs != nil {
		if v.Unreached, err = s.Jobs.Unreachable(r.Context()); err != nil {
			s.failed(w, r, "notices", err)
			return
		}
	}
	if p, ok := s.Notices.(problemLister); ok {
		if v.Problems, err = p.Problems(r.Context()); err != nil {
			s.failed(w, r, "notices", err)
			return
		}
	}
	s.render(w, r, "notices", v)
}

// changeNotices retries or drops the dead notices ticked (all of them
// with all=1).
func (s *Server) changeNotices(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	if s.Notices == nil {
		s.message(w, r, http.StatusNotFound, textNoNotices)
		return
	}
	what := r.PathValue("what")
	change := s.Actions.RetryNotices
	switch what {
	case "retry":
	case "drop":
		change = s.Actions.DropNotices
	default:
		http.NotFound(w, r)
		return
	}
	r.ParseForm()
	ids, all := r.PostForm["id"], r.PostFormValue("all") == "1"
	n, err := change(r.Context(), s.actor(sess), ids, all)
	switch {
	case err != nil:
		s.failed(w, r, "notices", err)
	case n == 0:
		done(w, r, "/admin/notices", "", "none-ticked")
	default:
		done(w, r, "/admin/notices", "notices-"+what, "")
	}
}

type auditView struct {
	*view
	Entries    []staff.Entry
	Prev, Next int
	HasPrev    bool
	HasNext    bool
}

// auditPage is how many entries one page of the audit log shows.
const auditPage = 100

// audit shows the audit log, newest first.
func (s *Server) audit(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	v := &auditView{view: s.newView(r, sess, textAudit, "audit")}
	from, _ := strconv.Atoi(r.URL.Query().Get("from"))
	from = max(0, min(from, staff.KeepAudit))
	es, err := s.Staff.Entries(r.Context(), from, auditPage+1)
	if err != nil {
		s.failed(w, r, "audit", err)
		return
	}
	if len(es) > auditPage {
		es, v.HasNext, v.Next = es[:auditPage], true, from+auditPage
	}
	v.Entries, v.HasPrev, v.Prev = es, from > 0, max(0, from-auditPage)
	s.render(w, r, "audit", v)
}
