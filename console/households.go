package console

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/internal/zh"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/staff"
)

type householdRow struct {
	Key, Address, Grid string
	Users              []string
	Marks              []orders.Mark
}

// Has reports whether the household has mark m (for the form's boxes).
func (h householdRow) Has(m orders.Mark) bool { return slices.Contains(h.Marks, m) }

type householdsView struct {
	*view
	Buildings []string
	Building  string
	Q         string
	Rows      []householdRow
	More      bool
	MarkKinds []orders.Mark
	// Requests are the bindings waiting for a household's answer.
	Requests []orders.BindRequest
}

// maxHouseholds bounds one page of households.
const maxHouseholds = 500

// households lists the known households (bound, with orders, or in the
// config) of a building, or the one searched for, with who is bound to
// each and their marks.
func (s *Server) households(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	ctx := r.Context()
	v := &householdsView{view: s.newView(r, sess, textHouseholds, "households"), Buildings: s.Community.Buildings(),
		Building: r.URL.Query().Get("building"), Q: strings.TrimSpace(r.URL.Query().Get("q")), MarkKinds: orders.MarkKinds}
	var err error
	if v.Requests, err = s.Store.BindRequests(ctx, s.now()); err != nil {
		s.failed(w, r, "households", err)
		return
	}
	var list []orders.Address
	if v.Q != "" {
		m, ok := orders.FindAddress(strings.TrimSpace(zh.Fold(v.Q)), nil)
		if !ok {
			v.Problem = textBadAddress
		} else if _, err := s.Community.Locate(m.Address); err != nil {
			v.Problem = textBadAddress
		} else {
			list = []orders.Address{m.Address}
		}
	} else if s.Distributor != nil {
		all, err := s.Distributor.Households(ctx, nil)
		if err != nil {
			s.failed(w, r, "households", err)
			return
		}
		for _, a := range all {
			if v.Building == "" || orders.CanonicalBuilding(a.Building) == orders.CanonicalBuilding(v.Building) {
				list = append(list, a)
			}
		}
	}
	if len(list) > maxHouseholds {
		list, v.More = list[:maxHouseholds], true
	}
	keys := make([]string, len(list))
	for i, a := range list {
		keys[i] = a.Household()
	}
	users, err := s.Store.HouseholdsUsers(ctx, keys)
	if err != nil {
		s.failed(w, r, "households", err)
		return
	}
	marks, err := s.Store.MarksOf(ctx, keys)
	if err != nil {
		s.failed(w, r, "households", err)
		return
	}
	for i, a := range list {
		g, _ := s.Community.GridOf(a.Building)
		v.Rows = append(v.Rows, householdRow{Key: keys[i], Address: a.String(), Grid: g, Users: users[keys[i]], Marks: marks[keys[i]]})
	}
	s.render(w, r, "households", v)
}

// setMarks replaces a household's marks with the boxes ticked.
func (s *Server) setMarks(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	a, err := orders.ParseHousehold(r.PathValue("household"))
	back := "/admin/households"
	if b := r.PostFormValue("building"); b != "" {
		back += "?building=" + url.QueryEscape(b)
	}
	if err != nil {
		done(w, r, back, "", "household")
		return
	}
	r.ParseForm()
	var marks []orders.Mark
	for _, word := range r.PostForm["mark"] {
		m, ok := orders.ParseMark(word)
		if !ok {
			done(w, r, back, "", "mark")
			return
		}
		marks = append(marks, m)
	}
	_, err = s.Actions.Mark(r.Context(), s.actor(sess), a, actions.SetMarks, marks)
	var notHere *actions.NotHereError
	switch {
	case errors.As(err, &notHere):
		done(w, r, back, "", "household")
	case err != nil:
		s.failed(w, r, "set marks", err)
	default:
		done(w, r, back, "marks", "")
	}
}

// answerBinding approves or refuses a binding waiting for a household's
// answer; whoever asked is told.
func (s *Server) answerBinding(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	decision := r.PathValue("decision")
	if decision != "approve" && decision != "refuse" {
		http.NotFound(w, r)
		return
	}
	_, err := s.Actions.AnswerBinding(r.Context(), s.actor(sess), r.PathValue("code"), decision == "approve")
	switch {
	case errors.Is(err, orders.ErrNotFound):
		done(w, r, "/admin/households", "", "binding")
	case err != nil:
		s.failed(w, r, "answer binding", err)
	default:
		done(w, r, "/admin/households", "binding-"+decision, "")
	}
}

// removeMember takes one person out of a household (moved out, a wrong
// binding); they are told.
func (s *Server) removeMember(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	a, err := orders.ParseHousehold(r.PathValue("household"))
	if err != nil {
		done(w, r, "/admin/households", "", "member")
		return
	}
	err = s.Actions.RemoveMember(r.Context(), s.actor(sess), a, r.PathValue("openid"))
	switch {
	case errors.Is(err, orders.ErrNotFound):
		done(w, r, "/admin/households", "", "member")
	case err != nil:
		s.failed(w, r, "remove member", err)
	default:
		done(w, r, "/admin/households?q="+url.QueryEscape(a.String()), "member-removed", "")
	}
}
