// Package actions is every action a person takes in baogong, each in one
// function that every front door calls: the bot (a WeChat message), the
// console (a form), the admin API (a JSON call), the command line and the
// signed pages. Each does the whole action once — who may do it, the one
// write to the store, which community the person belongs to, the notices
// to everyone else concerned, the audit entry and the metrics — and
// returns a result the front door renders in its own words. Front doors
// parse their input and render; they never write to the store themselves.
//
// A Service is one community's actions; an Account is the communities of
// one official account, and knows which community each person belongs to.
package actions

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/staff"
	"github.com/baogong/baogong/urgent"
)

// Door is the front door an action came through.
type Door string

// Front doors.
const (
	Bot     Door = "bot"     // a WeChat message
	Console Door = "console" // the staff console
	API     Door = "api"     // the admin API (bearer token)
	CLI     Door = "cli"     // baogong run-job and friends
	Page    Door = "page"    // a signed page (a volunteer's round)
	Link    Door = "link"    // a signed link to one file (a prescription photo)
)

// Actor is who acts, as the front door knows them: resolved once (the bot
// from its message's one read, the console from the session).
type Actor struct {
	// OpenID is the person's WeChat id; "" for the admin token.
	OpenID string
	// Who names them in the audit log: the openid, or staff.TokenWho.
	Who  string
	Door Door
	// Leads are the buildings they lead, Teams the grids whose volunteers
	// they are, Supplier the supplier whose contact they are, Staff
	// whether they are the community's staff (the console and the admin
	// token are).
	Leads    []string
	Teams    []string
	Supplier string
	Staff    bool
	// Home is their household's binding, when they are bound here.
	Home *orders.Binding
	// Marks are their household's marks (with Home).
	Marks []orders.Mark
	// Key identifies the request the action answers (a message's dedupe
	// key): notices it queues are named by it, so a retry queues none
	// twice.
	Key string
}

// Leads reports whether the actor leads building.
func (a Actor) leads(building string) bool { return orders.Owns(a.Leads, building) }

// household is the actor's household key, "" when unbound.
func (a Actor) household() string {
	if a.Home == nil {
		return ""
	}
	return a.Home.Address.Household()
}

// who is the name the audit log and the orders' history give the actor.
func (a Actor) who() string {
	if a.Who != "" {
		return a.Who
	}
	if a.OpenID != "" {
		return a.OpenID
	}
	return staff.TokenWho
}

// Errors an action returns besides the store's (orders.ErrNotFound,
// ErrConflict, ErrInvalid …): front doors turn each into their words.
var (
	// ErrForbidden: the actor may not do this.
	ErrForbidden = errors.New("not allowed")
	// ErrInConfig: the person is set in the config file; change it there.
	ErrInConfig = errors.New("set in the config file")
)

// Auditor keeps the audit log (staff.Keeper).
type Auditor interface {
	Record(ctx context.Context, e staff.Entry) error
}

// Service is one community's actions. Its fields are its dependencies,
// wired in cmd; the stores are one Redis store seen by entity.
type Service struct {
	Community *orders.Community
	Catalog   *catalog.Catalog
	Location  *time.Location

	Orders     OrderStore
	Households HouseholdStore
	People     PeopleStore
	Stock      StockStore
	Supply     SupplyStore
	Marks      MarkStore
	Outbox     Outbox
	Dead       DeadLetters
	Privacy    PrivacyStore
	Purger     Purger
	// Media keeps voices and photos people send, and Links makes the
	// signed links to them (issue 19); without Media, voices are not
	// passed on.
	Media MediaStore
	Links MediaLinks
	// Tags, when set, keeps people's WeChat tags (and so their menus) in
	// step with their roles (see roles.go).
	Tags RoleTagger
	// Lists applies leads' 接龙; Distributor shares out free packs; Jobs
	// runs jobs now.
	Lists       *orders.Lists
	Distributor *orders.Distributor
	Jobs        *jobs.Runner

	Audit Auditor
	// Observe, when set, counts every action: its name, door and outcome
	// (ok, refused, error).
	Observe func(action string, door Door, outcome string)
	Log     *slog.Logger
	Now     func() time.Time

	// Account is set by NewAccount: the communities of the official
	// account, this one among them.
	Account *Account

	// rxViews bounds each pharmacy contact's photo views (see
	// ErrTooManyViews).
	rxViews viewCounts
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// ID is the community's id.
func (s *Service) ID() string { return s.Community.ID }

// urgent is the urgent protocol the urgent job runs too.
func (s *Service) urgent() *urgent.Protocol {
	return &urgent.Protocol{Store: urgentStore{s}, Community: s.Community, Notices: s.Outbox, Log: s.Log, Reach: urgent.ReacherOf(s.Outbox)}
}

// urgentStore is what the urgent protocol reads, from the entity stores.
type urgentStore struct{ s *Service }

func (u urgentStore) Volunteers(ctx context.Context, grid string) ([]string, error) {
	return u.s.People.Volunteers(ctx, grid)
}
func (u urgentStore) Leads(ctx context.Context) ([]orders.Lead, error) { return u.s.People.Leads(ctx) }
func (u urgentStore) MarkOnce(ctx context.Context, key string) (bool, error) {
	return u.s.Marks.MarkOnce(ctx, key)
}
func (u urgentStore) Marked(ctx context.Context, key string) (bool, error) {
	return u.s.Marks.Marked(ctx, key)
}

// done ends an action: it counts it and, for the audited ones (action
// named), records who did what to what.
func (s *Service) done(ctx context.Context, a Actor, name string, err error) {
	// A write tried with a message's arrival that did not go ahead did
	// nothing: the message is handled anew, and counted then (or it was
	// a retry of one answered already).
	if s.Observe != nil && !errors.Is(err, orders.ErrStale) {
		outcome := "ok"
		switch {
		case err == nil:
		case errors.Is(err, orders.ErrNotFound), errors.Is(err, orders.ErrConflict), errors.Is(err, orders.ErrInvalid),
			errors.Is(err, ErrForbidden), errors.Is(err, ErrInConfig), errors.Is(err, jobs.ErrClosedToday), errors.Is(err, jobs.ErrAhead),
			errors.Is(err, ErrAmount), errors.Is(err, ErrUnlimited), errors.Is(err, ErrNoRound),
			errors.Is(err, ErrNotAStop), errors.Is(err, ErrShortfallDown), errors.Is(err, ErrShortfallTooLarge),
			errors.Is(err, ErrNoPicklist), errors.Is(err, orders.ErrAmount), errors.Is(err, ErrOtherDevice),
			errors.Is(err, orders.ErrSoldOut), errors.Is(err, orders.ErrLimit):
			outcome = "refused"
		default:
			outcome = "error"
		}
		s.Observe(name, a.Door, outcome)
	}
}

// record writes an audit entry: what a person did to what. A failure is
// logged, not returned: the action itself happened.
func (s *Service) record(ctx context.Context, a Actor, action, target, note string) {
	if s.Audit == nil {
		return
	}
	e := staff.Entry{Who: a.who(), Action: action, Target: target, Note: note}
	if a.Door != Console {
		e.Note = joinNote(e.Note, doorWords[a.Door])
	}
	if err := s.Audit.Record(context.WithoutCancel(ctx), e); err != nil {
		s.Log.ErrorContext(ctx, "audit", "action", action, "err", err)
	}
}

func joinNote(note, more string) string {
	switch {
	case more == "":
		return note
	case note == "":
		return more
	}
	return note + "（" + more + "）"
}

// tell queues notices whose failure must not change the answer: the
// effect is done, and the outbox is the only way to say more.
func (s *Service) tell(ctx context.Context, ns ...orders.Notice) {
	if len(ns) == 0 {
		return
	}
	if err := s.Outbox.Enqueue(ctx, ns...); err != nil {
		s.Log.ErrorContext(ctx, "queue notices", "kind", ns[0].Kind, "err", err)
	}
}

// leadsOf returns the openids of the leads of building, sorted.
func (s *Service) leadsOf(ctx context.Context, building string) []string {
	added, err := s.People.Leads(ctx)
	if err != nil {
		s.Log.ErrorContext(ctx, "leads", "err", err)
	}
	var out []string
	for _, l := range s.Community.AllLeads(added) {
		if orders.Owns(l.Buildings, building) && !slices.Contains(out, l.OpenID) {
			out = append(out, l.OpenID)
		}
	}
	slices.Sort(out)
	return out
}

// leadsOfGrid returns the openids of the leads of any building of grid.
func (s *Service) leadsOfGrid(ctx context.Context, grid string) []string {
	added, err := s.People.Leads(ctx)
	if err != nil {
		s.Log.ErrorContext(ctx, "leads", "err", err)
	}
	var out []string
	for _, l := range s.Community.LeadsOfGrid(grid, s.Community.AllLeads(added)) {
		out = append(out, l.OpenID)
	}
	slices.Sort(out)
	return out
}

// known reports whether building is in one of the community's grids.
func (s *Service) known(building string) bool {
	_, ok := s.Community.GridOf(building)
	return ok
}
