package console

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/staff"
)

// personRow is one person on the people page.
type personRow struct {
	OpenID, Name, Phone string
	// Buildings a lead leads; Grid a volunteer serves.
	Buildings []string
	Grid      string
	// FromConfig: listed in the config file (change it there).
	FromConfig bool
}

// recentRow is someone who wrote to the account lately.
type recentRow struct {
	OpenID string
	At     time.Time
	// Roles are what they are in the community; Home their household.
	Roles []string
	Home  string
}

// recentShown is how many of the latest senders the people page lists.
const recentShown = 50

type peopleView struct {
	*view
	// Recent are the latest senders, to make one a lead or volunteer.
	Recent       []recentRow
	Leads        []personRow
	Volunteers   []personRow
	Staff        []personRow
	Suppliers    []personRow
	Applications []orders.Application
	Grids        []string
}

func (s *Server) people(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	ctx := r.Context()
	v := &peopleView{view: s.newView(r, sess, textPeople, "people"), Grids: s.Community.GridIDs()}
	people, err := s.Store.People(ctx)
	if err != nil {
		s.failed(w, r, "people", err)
		return
	}
	row := func(id string) personRow {
		p := people[id]
		return personRow{OpenID: id, Name: p.Name, Phone: p.Phone}
	}
	added, err := s.Store.Leads(ctx)
	if err != nil {
		s.failed(w, r, "people", err)
		return
	}
	for i, l := range s.Community.AllLeads(added) {
		p := row(l.OpenID)
		p.Buildings, p.FromConfig = l.Buildings, i < len(s.Community.Leads)
		v.Leads = append(v.Leads, p)
	}
	for _, g := range s.Community.Grids {
		extra, err := s.Store.Volunteers(ctx, g.ID)
		if err != nil {
			s.failed(w, r, "people", err)
			return
		}
		for _, id := range g.Team(extra) {
			p := row(id)
			p.Grid, p.FromConfig = g.ID, slices.Contains(g.Volunteers, id)
			v.Volunteers = append(v.Volunteers, p)
		}
	}
	for _, id := range s.Community.Admins {
		p := row(id)
		p.FromConfig = true
		v.Staff = append(v.Staff, p)
	}
	for _, sup := range s.Catalog.Suppliers {
		if sup.ContactOpenID != "" {
			p := row(sup.ContactOpenID)
			p.Grid, p.FromConfig = sup.Name, true
			v.Suppliers = append(v.Suppliers, p)
		}
	}
	if v.Applications, err = s.Store.Applications(ctx); err != nil {
		s.failed(w, r, "people", err)
		return
	}
	recent, err := s.Store.Recent(ctx, recentShown)
	if err != nil {
		s.failed(w, r, "people", err)
		return
	}
	roles, err := s.roles(ctx)
	if err != nil {
		s.failed(w, r, "people", err)
		return
	}
	for _, rs := range recent {
		row := recentRow{OpenID: rs.OpenID, At: rs.At, Roles: roles[rs.OpenID]}
		if rs.Binding != nil {
			row.Home = rs.Binding.Address.String()
		}
		v.Recent = append(v.Recent, row)
	}
	s.render(w, r, "people", v)
}

// roles returns the community roles of everyone who has one, by openid:
// leads (config and added), volunteers of every grid, staff and
// supplier contacts, in that order.
func (s *Server) roles(ctx context.Context) (map[string][]string, error) {
	out := map[string][]string{}
	add := func(id, role string) {
		if !slices.Contains(out[id], role) {
			out[id] = append(out[id], role)
		}
	}
	added, err := s.Store.Leads(ctx)
	if err != nil {
		return out, err
	}
	for _, l := range s.Community.AllLeads(added) {
		add(l.OpenID, textRoleLead)
	}
	for _, g := range s.Community.Grids {
		extra, err := s.Store.Volunteers(ctx, g.ID)
		if err != nil {
			return out, err
		}
		for _, id := range g.Team(extra) {
			add(id, textRoleVolunteer)
		}
	}
	for _, id := range s.Community.Admins {
		add(id, textRoleStaff)
	}
	for _, sup := range s.Catalog.Suppliers {
		if sup.ContactOpenID != "" {
			add(sup.ContactOpenID, textRoleSupplier)
		}
	}
	return out, nil
}

// personForm reads openid, name and phone from a form; ok is false when
// the openid is missing or a field is too long.
func personForm(r *http.Request) (orders.Person, bool) {
	p := orders.Person{
		OpenID: strings.TrimSpace(r.PostFormValue("openid")),
		Name:   strings.TrimSpace(r.PostFormValue("name")),
		Phone:  strings.TrimSpace(r.PostFormValue("phone")),
	}
	ok := p.OpenID != "" && len(p.OpenID) <= 128 && utf8.RuneCountInString(p.Name) <= 40 && len(p.Phone) <= 40 &&
		!strings.ContainsAny(p.OpenID, " /?#")
	return p, ok
}

// peopleDone ends an action of the people page: back to it, saying what
// happened (ok) or why it did not.
func (s *Server) peopleDone(w http.ResponseWriter, r *http.Request, err error, ok, what string) {
	switch {
	case errors.Is(err, actions.ErrInConfig):
		done(w, r, "/admin/people", "", "in-config")
	case errors.Is(err, orders.ErrInvalid):
		done(w, r, "/admin/people", "", "person")
	case errors.Is(err, orders.ErrNotFound):
		done(w, r, "/admin/people", "", "application")
	case err != nil:
		s.failed(w, r, what, err)
	default:
		done(w, r, "/admin/people", ok, "")
	}
}

func (s *Server) addLead(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	p, ok := personForm(r)
	buildings := strings.FieldsFunc(r.PostFormValue("buildings"), func(r rune) bool { return strings.ContainsRune(" ,，、栋", r) })
	if !ok || len(buildings) == 0 {
		done(w, r, "/admin/people", "", "person")
		return
	}
	_, err := s.Actions.AddLead(r.Context(), s.actor(sess), p, buildings)
	s.peopleDone(w, r, err, "lead-added", "add lead")
}

func (s *Server) removeLead(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	err := s.Actions.RemoveLead(r.Context(), s.actor(sess), r.PathValue("openid"))
	if errors.Is(err, orders.ErrNotFound) {
		err = nil // gone already
	}
	s.peopleDone(w, r, err, "lead-removed", "remove lead")
}

func (s *Server) addVolunteer(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	p, ok := personForm(r)
	if !ok {
		done(w, r, "/admin/people", "", "person")
		return
	}
	err := s.Actions.AddVolunteer(r.Context(), s.actor(sess), p, r.PostFormValue("grid"))
	s.peopleDone(w, r, err, "volunteer-added", "add volunteer")
}

func (s *Server) removeVolunteer(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	err := s.Actions.RemoveVolunteer(r.Context(), s.actor(sess), r.PathValue("grid"), r.PathValue("openid"))
	s.peopleDone(w, r, err, "volunteer-removed", "remove volunteer")
}

// decideApplication approves (the applicant joins the grid's team and is
// told) or refuses a volunteer application.
func (s *Server) decideApplication(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	decision := r.PathValue("decision")
	if decision != "approve" && decision != "refuse" {
		http.NotFound(w, r)
		return
	}
	_, err := s.Actions.DecideApplication(r.Context(), s.actor(sess), r.PathValue("code"), decision == "approve")
	s.peopleDone(w, r, err, "application-"+decision, "application")
}

// setContact records a person's name and phone.
func (s *Server) setContact(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	p, ok := personForm(r)
	if !ok {
		done(w, r, "/admin/people", "", "person")
		return
	}
	s.peopleDone(w, r, s.Actions.SetContact(r.Context(), s.actor(sess), p), "contact", "set contact")
}
