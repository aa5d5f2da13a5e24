package actions

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/baogong/baogong/orders"
)

// People who serve: building leads and volunteers, set in the config or
// added at run time by staff; volunteers may also sign up (报名志愿者) and
// be approved by their grid's lead or staff.

// UnknownBuildingError: a building in no grid of the community.
type UnknownBuildingError struct{ Building string }

func (e *UnknownBuildingError) Error() string {
	return "building " + e.Building + " is in no grid of this community"
}
func (e *UnknownBuildingError) Unwrap() error { return orders.ErrInvalid }

// UnknownGridError: a grid the community does not have.
type UnknownGridError struct{ Grid string }

func (e *UnknownGridError) Error() string { return "no grid " + e.Grid + " in this community" }
func (e *UnknownGridError) Unwrap() error { return orders.ErrInvalid }

// AddLead makes p the lead of buildings (adding to or replacing what they
// led), keeping the name and phone given. Staff only; a lead set in the
// config is ErrInConfig. Their messages reach this community from now on.
func (s *Service) AddLead(ctx context.Context, a Actor, p orders.Person, buildings []string) (l orders.Lead, err error) {
	defer func() { s.done(ctx, a, "add_lead", err) }()
	if !a.Staff {
		return l, ErrForbidden
	}
	if p.OpenID == "" || len(buildings) == 0 {
		return l, fmt.Errorf("a lead needs an openid and buildings: %w", orders.ErrInvalid)
	}
	l.OpenID = p.OpenID
	for _, b := range buildings {
		if !s.known(b) {
			return l, &UnknownBuildingError{Building: b}
		}
		if c := orders.CanonicalBuilding(b); !slices.Contains(l.Buildings, c) {
			l.Buildings = append(l.Buildings, c)
		}
	}
	if slices.ContainsFunc(s.Community.Leads, func(x orders.Lead) bool { return x.OpenID == p.OpenID }) {
		return l, ErrInConfig
	}
	if err := s.People.AddLead(ctx, l); err != nil {
		return l, err
	}
	if err := s.savePerson(ctx, p); err != nil {
		return l, err
	}
	s.joined(ctx, p.OpenID)
	s.rolesChanged(ctx, p.OpenID)
	s.record(ctx, a, auditAddLead, p.OpenID, strings.Join(l.Buildings, "、")+"栋")
	return l, nil
}

// RemoveLead removes a lead added at run time: staff only; a lead in the
// config is ErrInConfig, someone who is no lead orders.ErrNotFound.
func (s *Service) RemoveLead(ctx context.Context, a Actor, openid string) (err error) {
	defer func() { s.done(ctx, a, "remove_lead", err) }()
	if !a.Staff {
		return ErrForbidden
	}
	if slices.ContainsFunc(s.Community.Leads, func(l orders.Lead) bool { return l.OpenID == openid }) {
		return ErrInConfig
	}
	if err := s.People.RemoveLead(ctx, openid); err != nil {
		return err
	}
	s.rolesChanged(ctx, openid)
	s.record(ctx, a, auditRemoveLead, openid, "")
	return nil
}

// AddVolunteer puts p on grid's team, keeping the name and phone given.
// Staff only.
func (s *Service) AddVolunteer(ctx context.Context, a Actor, p orders.Person, grid string) (err error) {
	defer func() { s.done(ctx, a, "add_volunteer", err) }()
	if !a.Staff {
		return ErrForbidden
	}
	if p.OpenID == "" {
		return fmt.Errorf("a volunteer needs an openid: %w", orders.ErrInvalid)
	}
	if !slices.Contains(s.Community.GridIDs(), grid) {
		return &UnknownGridError{Grid: grid}
	}
	if err := s.People.AddVolunteer(ctx, grid, p.OpenID); err != nil {
		return err
	}
	if err := s.savePerson(ctx, p); err != nil {
		return err
	}
	s.joined(ctx, p.OpenID)
	s.rolesChanged(ctx, p.OpenID)
	s.record(ctx, a, auditAddVolunteer, p.OpenID, grid)
	return nil
}

// RemoveVolunteer takes openid off grid's run-time team: staff only; a
// volunteer in the config is ErrInConfig.
func (s *Service) RemoveVolunteer(ctx context.Context, a Actor, grid, openid string) (err error) {
	defer func() { s.done(ctx, a, "remove_volunteer", err) }()
	if !a.Staff {
		return ErrForbidden
	}
	for _, g := range s.Community.Grids {
		if g.ID == grid && slices.Contains(g.Volunteers, openid) {
			return ErrInConfig
		}
	}
	if err := s.People.RemoveVolunteer(ctx, grid, openid); err != nil {
		return err
	}
	s.rolesChanged(ctx, openid)
	s.record(ctx, a, auditRemoveVolunteer, openid, grid)
	return nil
}

// SetContact records the name and phone the office calls someone by.
// Staff only.
func (s *Service) SetContact(ctx context.Context, a Actor, p orders.Person) (err error) {
	defer func() { s.done(ctx, a, "set_contact", err) }()
	if !a.Staff {
		return ErrForbidden
	}
	if err := s.People.SetPerson(ctx, p); err != nil {
		return err
	}
	s.record(ctx, a, auditContact, p.OpenID, p.Name)
	return nil
}

// savePerson keeps the name and phone given with an addition, if any.
func (s *Service) savePerson(ctx context.Context, p orders.Person) error {
	if p.Name == "" && p.Phone == "" {
		return nil
	}
	return s.People.SetPerson(ctx, p)
}

// SignUpResult is what SignUp did.
type SignUpResult struct {
	Application orders.Application
	// Asked: the grid's leads were asked to approve. Again: the person's
	// application was waiting already (Application); nobody asked twice.
	Asked, Again bool
}

// SignUp files the bound actor's application to volunteer in their grid
// under a fresh code (name and phone: the office must be able to ring
// them) and asks the grid's leads to approve it. ErrForbidden when the
// actor is not bound here.
func (s *Service) SignUp(ctx context.Context, a Actor, name, phone string) (res SignUpResult, err error) {
	defer func() { s.done(ctx, a, "sign_up", err) }()
	if a.Home == nil {
		return res, ErrForbidden
	}
	var app orders.Application
	for tries := 0; ; tries++ {
		code, err := orders.ShortCode(tries)
		if err != nil {
			return res, err
		}
		app, err = s.People.Apply(ctx, orders.Application{Code: code, OpenID: a.OpenID, Grid: a.Home.Grid, Address: a.Home.Address, At: s.now(), Name: name, Phone: phone})
		if err == nil {
			break
		}
		if !errors.Is(err, orders.ErrConflict) || tries == 40 {
			return res, err
		}
	}
	if app.Again {
		// Waiting already: the leads were asked then.
		res.Application, res.Again = app, true
		return res, nil
	}
	res.Application = app
	var ns []orders.Notice
	for _, l := range s.leadsOfGrid(ctx, app.Grid) {
		ns = append(ns, orders.Notice{ID: "apply:" + app.Code + ":" + l, OpenID: l, Kind: "apply", Text: textApplication(app)})
	}
	if len(ns) > 0 {
		if err := s.Outbox.Enqueue(ctx, ns...); err != nil {
			s.Log.ErrorContext(ctx, "queue application notice", "err", err)
		} else {
			res.Asked = true
		}
	}
	return res, nil
}

// DecideApplication approves (the applicant joins the grid's team, with
// the name and phone they gave, and is told) or refuses the volunteer
// application code. The leads of the applicant's grid and staff may
// decide (ErrForbidden for anyone else); orders.ErrNotFound for a code
// decided or never given.
func (s *Service) DecideApplication(ctx context.Context, a Actor, code string, approve bool) (app orders.Application, err error) {
	defer func() { s.done(ctx, a, "decide_application", err) }()
	app, err = s.People.Application(ctx, code)
	if err != nil {
		return app, err
	}
	if !a.Staff && !slices.Contains(s.leadsOfGrid(ctx, app.Grid), a.OpenID) {
		return app, ErrForbidden
	}
	if approve {
		if err := s.savePerson(ctx, orders.Person{OpenID: app.OpenID, Name: app.Name, Phone: app.Phone}); err != nil {
			return app, err
		}
		if err := s.People.AddVolunteer(ctx, app.Grid, app.OpenID); err != nil {
			return app, err
		}
		s.joined(ctx, app.OpenID)
		s.rolesChanged(ctx, app.OpenID)
	}
	if err := s.People.DeleteApplication(ctx, code); err != nil {
		return app, err
	}
	action := auditRefuse
	if approve {
		action = auditApprove
		s.tell(ctx, orders.Notice{ID: "approved:" + app.Code + ":" + app.OpenID, OpenID: app.OpenID, Kind: "apply", Text: textWelcomeVolunteer(app.Grid)})
	}
	s.record(ctx, a, action, app.Address.String(), app.Grid+" "+code)
	return app, nil
}
