package actions

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/baogong/baogong/orders"
)

// Personal data has an end (PIPL arts. 15–17, 47): a resident is told at
// binding what is kept and asks for it to go with 删除我的信息; settled
// orders lose their personal fields after the retention period; the
// office purges everything of the lockdown when it ends (purge.go).

// PrivacyStore removes personal data (orders/redisstore).
type PrivacyStore interface {
	// Scrub removes the people of p from every key of the community (see
	// redisstore.Store.Scrub) but the answer saved for message keep (a
	// dedupe key; "": none), and says what changed.
	Scrub(ctx context.Context, p *orders.Erasure, keep string) (orders.Scrubbed, error)
	// AskErasure records 删除我的信息 for ttl (again: from now);
	// ErasureAsked reports whether one is recorded.
	AskErasure(ctx context.Context, openid string, ttl time.Duration) error
	ErasureAsked(ctx context.Context, openid string) (bool, error)
	// BeginErasure records an erasure under way (false: one is already),
	// Erasing reports one, EndErasure forgets both records, Erasures
	// returns the records of those under way.
	BeginErasure(ctx context.Context, openid string, record []byte, ttl time.Duration) (bool, error)
	Erasing(ctx context.Context, openid string) (bool, error)
	EndErasure(ctx context.Context, openid string) error
	Erasures(ctx context.Context) ([][]byte, error)
}

const (
	// EraseWindow is how long 确认删除 waits for its 删除我的信息.
	EraseWindow = 10 * time.Minute
	// EraseTimeout bounds one erasure; one cut short is finished by
	// ResumeErasures.
	EraseTimeout = 30 * time.Minute
	// erasingTTL keeps the record of an erasure under way for
	// ResumeErasures, should the service stop under it.
	erasingTTL = 7 * 24 * time.Hour
	// eraseMargin is what 确认删除 leaves of its message's time for the
	// answer: an erasure that needs more goes on after it.
	eraseMargin = 800 * time.Millisecond
)

// ErrNoErasure: 确认删除 came without a 删除我的信息 in the last
// EraseWindow (or after it was done).
var ErrNoErasure = errors.New("no erasure asked for")

// ErasePlan is what erasing someone does, told before they confirm and
// after it is done.
type ErasePlan struct {
	// Cancel are the orders they placed for their home that are not on a
	// volunteer's way yet: erasing cancels them and gives the stock back.
	Cancel []orders.Order
	// Cancelled are those it cancelled; OnTheWay those that went on a
	// roster meanwhile, delivered as usual.
	Cancelled, OnTheWay []orders.Order
	// Roles are what they were at run time, in words (3栋楼栋长,
	// A网格志愿者): they no longer are, and the office is told.
	Roles []string
	// InConfig are the roles the config file gives them: they stay until
	// the office removes them there (the office is told; the data goes
	// all the same).
	InConfig []string
	// Bound: they were bound to a household (which stays for the others
	// and its lead).
	Bound bool
	// Going: the erasure is under way and finishes after the answer (a
	// big community, or a job it waits for); nothing is left to confirm.
	Going bool
}

// AskErase answers 删除我的信息: it says what erasing the actor would do
// and waits EraseWindow (from now, asked again or not) for their 确认删除.
// Anyone may ask, bound or not.
func (s *Service) AskErase(ctx context.Context, a Actor) (plan ErasePlan, err error) {
	defer func() { s.done(ctx, a, "ask_erase", err) }()
	if a.OpenID == "" {
		return plan, ErrForbidden
	}
	if plan, err = s.Account.planErase(ctx, a.OpenID); err != nil {
		return plan, err
	}
	return plan, s.Privacy.AskErasure(ctx, a.OpenID, EraseWindow)
}

// eraseRecord is what an erasure under way keeps, to be finished after a
// restart.
type eraseRecord struct {
	OpenID  string    `json:"openid"`
	Key     string    `json:"key,omitempty"`
	Door    Door      `json:"door,omitempty"`
	Started time.Time `json:"started"`
}

// Erase answers 确认删除: within EraseWindow of the actor's 删除我的
// 信息 it removes them from every community of the account (see
// Account.erase), else ErrNoErasure, erasing nothing. It waits for the
// erasure while ctx leaves time to answer; one that needs longer goes on
// (plan.Going), as does one under way already. The answer saved for this
// very message (a.Key) stays, so a WeChat retry of it is answered the
// same; it expires within a day.
func (s *Service) Erase(ctx context.Context, a Actor) (plan ErasePlan, err error) {
	defer func() { s.done(ctx, a, "erase", err) }()
	if a.OpenID == "" {
		return plan, ErrForbidden
	}
	if going, err := s.Privacy.Erasing(ctx, a.OpenID); err != nil || going {
		return ErasePlan{Going: going}, err
	}
	asked, err := s.Privacy.ErasureAsked(ctx, a.OpenID)
	if err != nil {
		return plan, err
	}
	if !asked {
		return plan, ErrNoErasure
	}
	record, _ := json.Marshal(eraseRecord{OpenID: a.OpenID, Key: a.Key, Door: a.Door, Started: s.now()})
	began, err := s.Privacy.BeginErasure(ctx, a.OpenID, record, erasingTTL)
	if err != nil || !began {
		return ErasePlan{Going: !began}, err
	}
	done := s.Account.startErase(ctx, Actor{OpenID: a.OpenID, Key: a.Key, Door: a.Door}, s)
	wait := make(<-chan time.Time)
	if dl, ok := ctx.Deadline(); ok {
		wait = time.After(time.Until(dl) - eraseMargin)
	}
	select {
	case end := <-done:
		return end.plan, end.err
	case <-wait:
		return ErasePlan{Going: true}, nil
	}
}

type erased struct {
	plan ErasePlan
	err  error
}

// startErase erases a in the background, on its own time, and says how
// it ended on the channel returned; home holds the erasure's records.
func (acc *Account) startErase(ctx context.Context, a Actor, home *Service) <-chan erased {
	done := make(chan erased, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), EraseTimeout)
		defer cancel()
		plan, err := acc.erase(ctx, a)
		if err == nil {
			err = home.Privacy.EndErasure(ctx, a.OpenID)
		}
		if err != nil {
			// The record stays: ResumeErasures finishes it.
			home.Log.ErrorContext(ctx, "erase", "err", err)
		}
		done <- erased{plan, err}
	}()
	return done
}

// ResumeErasures finishes the erasures a stop cut short (their records
// stay until done) that started more than age ago, in the background; it
// returns how many it started. The service calls it at start (age 0)
// and every few minutes (age EraseTimeout: one started since may still
// be running).
func (acc *Account) ResumeErasures(ctx context.Context, age time.Duration) int {
	n := 0
	for _, s := range acc.Services {
		records, err := s.Privacy.Erasures(ctx)
		if err != nil {
			s.Log.ErrorContext(ctx, "erasures under way", "err", err)
			continue
		}
		for _, data := range records {
			var r eraseRecord
			if json.Unmarshal(data, &r) != nil || r.OpenID == "" || s.now().Sub(r.Started) < age {
				continue
			}
			acc.startErase(ctx, Actor{OpenID: r.OpenID, Key: r.Key, Door: r.Door}, s)
			n++
		}
	}
	return n
}

// planErase is what erasing openid would do, over every community.
func (acc *Account) planErase(ctx context.Context, openid string) (ErasePlan, error) {
	var plan ErasePlan
	for _, s := range acc.Services {
		part, err := s.planErase(ctx, openid)
		if err != nil {
			return plan, err
		}
		plan.add(part)
	}
	return plan, nil
}

func (p *ErasePlan) add(q ErasePlan) {
	p.Cancel = append(p.Cancel, q.Cancel...)
	p.Cancelled = append(p.Cancelled, q.Cancelled...)
	p.OnTheWay = append(p.OnTheWay, q.OnTheWay...)
	p.Roles = append(p.Roles, q.Roles...)
	p.InConfig = append(p.InConfig, q.InConfig...)
	p.Bound = p.Bound || q.Bound
}

// erase removes a.OpenID from every community of the account: in each,
// their undelivered orders are cancelled, they leave their household and
// their run-time roles (the office is told), and every key is scrubbed
// of them; then the account forgets where they belong. The audit log
// records that someone erased themselves, not who.
func (acc *Account) erase(ctx context.Context, a Actor) (ErasePlan, error) {
	var plan ErasePlan
	for _, s := range acc.Services {
		part, err := s.erase(ctx, a)
		plan.add(part)
		if err != nil {
			return plan, fmt.Errorf("erase in %s: %w", s.ID(), err)
		}
	}
	if err := acc.Directory.Erase(ctx, a.OpenID); err != nil {
		return plan, err
	}
	return plan, nil
}

// planErase is what erasing openid does in s's community.
func (s *Service) planErase(ctx context.Context, openid string) (ErasePlan, error) {
	var plan ErasePlan
	seen := map[string]bool{}
	cancel := func(o orders.Order) {
		if !seen[o.ID] && o.PlacedBy == openid && (o.Status == orders.StatusPending || o.Status == orders.StatusAwaitingRx) {
			seen[o.ID] = true
			plan.Cancel = append(plan.Cancel, o)
		}
	}
	b, err := s.Households.Binding(ctx, openid)
	switch {
	case errors.Is(err, orders.ErrNotFound):
	case err != nil:
		return plan, err
	default:
		plan.Bound = true
		list, err := s.Orders.HouseholdOrders(ctx, b.Address.Household(), 50)
		if err != nil {
			return plan, err
		}
		for _, o := range list {
			cancel(o)
		}
	}
	// Their own orders for a home they left (they moved, or bound in
	// another community) wait in the queues.
	for _, g := range s.Community.Grids {
		list, err := s.Orders.OpenOrders(ctx, g.ID)
		if err != nil {
			return plan, err
		}
		for _, o := range list {
			if o.Channel == orders.ChannelWeChat || o.Channel == orders.ChannelVoice {
				cancel(o)
			}
		}
	}
	added, err := s.People.Leads(ctx)
	if err != nil {
		return plan, err
	}
	for _, l := range added {
		if l.OpenID == openid {
			plan.Roles = append(plan.Roles, textLeadRole(l.Buildings))
		}
	}
	for _, l := range s.Community.Leads {
		if l.OpenID == openid {
			plan.InConfig = append(plan.InConfig, textLeadRole(l.Buildings))
		}
	}
	for _, g := range s.Community.Grids {
		team, err := s.People.Volunteers(ctx, g.ID)
		if err != nil {
			return plan, err
		}
		if slices.Contains(team, openid) {
			plan.Roles = append(plan.Roles, textVolunteerRole(g.ID))
		}
		if slices.Contains(g.Volunteers, openid) {
			plan.InConfig = append(plan.InConfig, textVolunteerRole(g.ID))
		}
	}
	if slices.Contains(s.Community.Admins, openid) {
		plan.InConfig = append(plan.InConfig, textStaffRole)
	}
	if id := s.Catalog.SupplierOf(openid); id != "" {
		name := id
		if sup, ok := s.Catalog.Supplier(id); ok && sup.Name != "" {
			name = sup.Name
		}
		plan.InConfig = append(plan.InConfig, textSupplierRole(name))
	}
	return plan, nil
}

// erase does planErase's plan in s's community and scrubs it, with the
// job gate closed (as a purge does): no roster copies a phone or note of
// theirs while it goes.
func (s *Service) erase(ctx context.Context, a Actor) (plan ErasePlan, err error) {
	openid := a.OpenID
	release, err := s.holdGate(ctx, true)
	if err != nil {
		return plan, err
	}
	defer release()
	if plan, err = s.planErase(ctx, openid); err != nil {
		return plan, err
	}
	// What they were, read before their roles go: the 台账 says 志愿者
	// where their id was.
	roles, err := orders.ReadNamer(ctx, s.Community, s.People, false)
	if err != nil {
		return plan, err
	}
	// What identifies them besides their id: the name and phone the
	// office has, the phones on the orders they placed for their home.
	subject := orders.Subject{OpenID: openid}
	if p, err := s.People.Person(ctx, openid); err == nil {
		subject.Name, subject.Phones = p.Name, append(subject.Phones, p.Phone)
	}
	for _, o := range plan.Cancel {
		done, err := s.Orders.CancelOrder(ctx, o.ID, "", textErasedNote, s.now(), nil)
		if errors.Is(err, orders.ErrConflict) {
			if done.Status == orders.StatusCancelled {
				plan.Cancelled = append(plan.Cancelled, done) // by them, a moment ago
			} else {
				plan.OnTheWay = append(plan.OnTheWay, done)
			}
			continue
		}
		if err != nil {
			return plan, err
		}
		plan.Cancelled = append(plan.Cancelled, done)
		s.tellCancelled(ctx, done, openid, byMember)
	}
	e := orders.NewErasure()
	e.Keep = roles
	if plan.Bound {
		b, err := s.Households.Binding(ctx, openid)
		if err == nil {
			e.AddHome(b.Address.Household())
			list, err := s.Orders.HouseholdOrders(ctx, b.Address.Household(), 200)
			if err != nil {
				return plan, err
			}
			for _, o := range list {
				if o.PlacedBy == openid && o.Contact != "" {
					subject.Phones = append(subject.Phones, o.Contact)
				}
			}
		}
		if _, err := s.Households.Unbind(ctx, openid); err != nil && !errors.Is(err, orders.ErrNotFound) {
			return plan, err
		}
	}
	if len(plan.Roles) > 0 {
		if err := s.People.RemoveLead(ctx, openid); err != nil && !errors.Is(err, orders.ErrNotFound) {
			return plan, err
		}
		for _, g := range s.Community.Grids {
			if err := s.People.RemoveVolunteer(ctx, g.ID, openid); err != nil {
				return plan, err
			}
		}
	}
	if len(plan.Roles)+len(plan.InConfig) > 0 {
		// Not named after a.Key: it holds their pseudonym, and the scrub
		// below would take the notice away.
		s.tellOffice(ctx, "erased:"+rand.Text(), textRoleErased(plan.Roles, plan.InConfig))
	}
	e.Add(subject)
	done, err := s.Privacy.Scrub(ctx, e, a.Key)
	if err != nil {
		return plan, err
	}
	if plan.Bound || len(plan.Roles)+len(plan.InConfig) > 0 || done.Orders+done.Keys > 0 {
		s.record(ctx, Actor{Who: textErasedWho, Door: a.Door}, auditErase, "",
			fmt.Sprintf(textErasedAudit, len(plan.Cancelled), done.Orders, done.Keys))
	}
	return plan, nil
}

// tellOffice tells the community's admins, under id.
func (s *Service) tellOffice(ctx context.Context, id, text string) {
	var ns []orders.Notice
	for _, admin := range s.Community.Admins {
		ns = append(ns, orders.Notice{ID: id + ":" + admin, OpenID: admin, Kind: "office", Text: text})
	}
	s.tell(ctx, ns...)
}
