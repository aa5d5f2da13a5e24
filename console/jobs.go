package console

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/staff"
)

// runView is one job run with its result read back.
type runView struct {
	orders.JobRun
	Res jobs.Result
	*view
}

type jobView struct {
	jobRow
	// Does says what running it now does, with its day.
	Does string
	Runs []runView
}

type picklistLink struct {
	Supplier, Link string
}

type jobsView struct {
	*view
	Days      orders.Days
	Jobs      []jobView
	Picklists []picklistLink
	// Ran is the job just run, whose latest run is shown first.
	Ran string
}

// runsShown is how many past runs of each job the page lists.
const runsShown = 5

func (s *Server) jobsPage(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	ctx := r.Context()
	if s.Jobs == nil {
		s.message(w, r, http.StatusNotFound, textNoJobs)
		return
	}
	v := &jobsView{view: s.newView(r, sess, textJobs, "jobs"), Ran: r.URL.Query().Get("ran")}
	days, closed, err := s.closedDay(ctx)
	if err != nil {
		s.failed(w, r, "jobs", err)
		return
	}
	v.Days = days
	rows, err := s.jobRows(ctx)
	if err != nil {
		s.failed(w, r, "jobs", err)
		return
	}
	for _, row := range rows {
		jv := jobView{jobRow: row, Does: jobDoes(row.Name, days, closed)}
		runs, err := s.Store.JobRuns(ctx, row.Name, runsShown)
		if err != nil {
			s.failed(w, r, "jobs", err)
			return
		}
		for _, run := range runs {
			rv := runView{JobRun: run, view: v.view}
			json.Unmarshal(run.Result, &rv.Res)
			// The run kept the link sent to each supplier; staff get
			// theirs (staffPicklist).
			for i, sr := range rv.Res.Suppliers {
				if sr.Link != "" {
					rv.Res.Suppliers[i].Link = s.staffPicklist(sr.Supplier, rv.Res.Day)
				}
			}
			jv.Runs = append(jv.Runs, rv)
		}
		v.Jobs = append(v.Jobs, jv)
	}
	for _, sup := range s.Catalog.Suppliers {
		v.Picklists = append(v.Picklists, picklistLink{Supplier: sup.Name, Link: s.staffPicklist(sup.ID, closed)})
	}
	s.render(w, r, "jobs", v)
}

// staffPicklist is the link of supplier's pick list of day for staff:
// its prescription photos open in the console by the session, audited
// under the staff member's name (adminapi.ParamStaff). The link sent to
// the supplier would make the staff's browser the pharmacy's phone.
func (s *Server) staffPicklist(supplier, day string) string {
	if l, ok := s.Links.(interface{ StaffPicklist(string, string) string }); ok {
		return l.StaffPicklist(supplier, day)
	}
	return s.Links.Picklist(supplier, day)
}

// closedDay reads where the order days stand and the latest closed order
// day: tomorrow when it is closed already (the demo runs days ahead), else
// the day last closed.
func (s *Server) closedDay(ctx context.Context) (orders.Days, string, error) {
	days, err := s.days(ctx)
	if err != nil {
		return days, "", err
	}
	tomorrow := orders.AddDays(days.Today, 1)
	closed, err := s.Store.DayClosed(ctx, tomorrow)
	if err != nil || closed {
		return days, tomorrow, err
	}
	return days, days.LastClosed(), nil
}

// runJob runs a job now (as over the API and the command line: see
// actions.Service.RunJob) and shows what it did.
func (s *Server) runJob(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	if s.Jobs == nil {
		s.message(w, r, http.StatusNotFound, textNoJobs)
		return
	}
	name := r.PathValue("name")
	if _, ok := jobLabels[name]; !ok {
		http.NotFound(w, r)
		return
	}
	// A job outlives a browser that gives up waiting.
	jctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), time.Minute)
	defer cancel()
	_, err := s.Actions.RunJob(jctx, s.actor(sess), name, nil)
	switch {
	case errors.Is(err, jobs.ErrClosedToday):
		done(w, r, "/admin/jobs", "", "closed-today")
		return
	case err != nil:
		s.Log.ErrorContext(r.Context(), "console job", "job", name, "err", err)
		done(w, r, "/admin/jobs", "", "job")
		return
	}
	http.Redirect(w, r, "/admin/jobs?ran="+name+"#"+name, http.StatusSeeOther)
}
