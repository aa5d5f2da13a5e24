package console

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

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

type peopleView struct {
	*view
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
	s.render(w, r, "people", v)
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

// savePerson keeps the name and phone given with an addition, if any.
func (s *Server) savePerson(r *http.Request, p orders.Person) error {
	if p.Name == "" && p.Phone == "" {
		return nil
	}
	return s.Store.SetPerson(r.Context(), p)
}

func (s *Server) addLead(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	p, ok := personForm(r)
	var buildings []string
	for _, b := range strings.FieldsFunc(r.PostFormValue("buildings"), func(r rune) bool { return strings.ContainsRune(" ,，、栋", r) }) {
		if _, known := s.Community.GridOf(b); !known {
			ok = false
		}
		buildings = append(buildings, orders.CanonicalBuilding(b))
	}
	if !ok || len(buildings) == 0 {
		done(w, r, "/admin/people", "", "person")
		return
	}
	if slices.ContainsFunc(s.Community.Leads, func(l orders.Lead) bool { return l.OpenID == p.OpenID }) {
		done(w, r, "/admin/people", "", "in-config")
		return
	}
	if err := s.Store.AddLead(r.Context(), orders.Lead{OpenID: p.OpenID, Buildings: buildings}); err != nil {
		s.failed(w, r, "add lead", err)
		return
	}
	if err := s.savePerson(r, p); err != nil {
		s.failed(w, r, "add lead", err)
		return
	}
	s.record(r, sess, textAuditAddLead, p.OpenID, strings.Join(buildings, "、")+"栋")
	done(w, r, "/admin/people", "lead-added", "")
}

func (s *Server) removeLead(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	id := r.PathValue("openid")
	if slices.ContainsFunc(s.Community.Leads, func(l orders.Lead) bool { return l.OpenID == id }) {
		done(w, r, "/admin/people", "", "in-config")
		return
	}
	err := s.Store.RemoveLead(r.Context(), id)
	if err != nil && !errors.Is(err, orders.ErrNotFound) {
		s.failed(w, r, "remove lead", err)
		return
	}
	s.record(r, sess, textAuditRemoveLead, id, "")
	done(w, r, "/admin/people", "lead-removed", "")
}

func (s *Server) addVolunteer(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	p, ok := personForm(r)
	grid := r.PostFormValue("grid")
	if !ok || !slices.Contains(s.Community.GridIDs(), grid) {
		done(w, r, "/admin/people", "", "person")
		return
	}
	if err := s.Store.AddVolunteer(r.Context(), grid, p.OpenID); err != nil {
		s.failed(w, r, "add volunteer", err)
		return
	}
	if err := s.savePerson(r, p); err != nil {
		s.failed(w, r, "add volunteer", err)
		return
	}
	s.record(r, sess, textAuditAddVolunteer, p.OpenID, grid)
	done(w, r, "/admin/people", "volunteer-added", "")
}

func (s *Server) removeVolunteer(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	grid, id := r.PathValue("grid"), r.PathValue("openid")
	for _, g := range s.Community.Grids {
		if g.ID == grid && slices.Contains(g.Volunteers, id) {
			done(w, r, "/admin/people", "", "in-config")
			return
		}
	}
	if err := s.Store.RemoveVolunteer(r.Context(), grid, id); err != nil {
		s.failed(w, r, "remove volunteer", err)
		return
	}
	s.record(r, sess, textAuditRemoveVolunteer, id, grid)
	done(w, r, "/admin/people", "volunteer-removed", "")
}

// decideApplication approves (the applicant joins the grid's team and is
// told) or refuses a volunteer application.
func (s *Server) decideApplication(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	ctx := r.Context()
	code, decision := r.PathValue("code"), r.PathValue("decision")
	if decision != "approve" && decision != "refuse" {
		http.NotFound(w, r)
		return
	}
	app, err := s.Store.Application(ctx, code)
	if errors.Is(err, orders.ErrNotFound) {
		done(w, r, "/admin/people", "", "application")
		return
	}
	if err != nil {
		s.failed(w, r, "application", err)
		return
	}
	if decision == "approve" {
		if err := s.Store.AddVolunteer(ctx, app.Grid, app.OpenID); err != nil {
			s.failed(w, r, "application", err)
			return
		}
	}
	if err := s.Store.DeleteApplication(ctx, code); err != nil {
		s.failed(w, r, "application", err)
		return
	}
	if decision == "approve" && s.Residents != nil {
		if err := s.Residents.WelcomeVolunteer(ctx, app); err != nil {
			s.Log.ErrorContext(ctx, "console welcome volunteer", "err", err)
		}
	}
	action := textAuditApprove
	if decision == "refuse" {
		action = textAuditRefuse
	}
	s.record(r, sess, action, app.Address.String(), app.Grid+" "+code)
	done(w, r, "/admin/people", "application-"+decision, "")
}

// setContact records a person's name and phone.
func (s *Server) setContact(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	p, ok := personForm(r)
	if !ok {
		done(w, r, "/admin/people", "", "person")
		return
	}
	if err := s.Store.SetPerson(r.Context(), p); err != nil {
		s.failed(w, r, "set contact", err)
		return
	}
	s.record(r, sess, textAuditContact, p.OpenID, p.Name)
	done(w, r, "/admin/people", "contact", "")
}
