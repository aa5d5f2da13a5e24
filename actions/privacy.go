package actions

import (
	"context"
	"crypto/rand"
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
	// RedactOrders strips every personal field from the orders placed
	// before before that pick accepts, and returns how many changed.
	RedactOrders(ctx context.Context, before time.Time, pick func(orders.Order) bool) (int, error)
}

// EraseWindow is how long 确认删除 waits for its 删除我的信息.
const EraseWindow = 10 * time.Minute

// ErrNoErasure: 确认删除 came without a 删除我的信息 in the last
// EraseWindow (or after it was done).
var ErrNoErasure = errors.New("no erasure asked for")

// ErasePlan is what erasing someone does, told before they confirm and
// after it is done.
type ErasePlan struct {
	// Cancel are their household's orders they placed that are not on a
	// volunteer's way yet: erasing cancels them and gives the stock back.
	Cancel []orders.Order
	// Cancelled are those it cancelled (after: an order that went on a
	// roster meanwhile is delivered as usual).
	Cancelled []orders.Order
	// Roles are what they were, in words (3栋楼栋长, A网格志愿者): the
	// office is told they are no longer.
	Roles []string
	// InConfig are the roles the config file gives them: the office must
	// remove them there (the data goes all the same).
	InConfig []string
	// Bound: they were bound to a household (which stays for the others
	// and its lead).
	Bound bool
}

// eraseMark is the mark of a 删除我的信息 waiting for its 确认删除.
func eraseMark(openid string) string { return "erase:" + orders.Pseudonym(openid) }

// AskErase answers 删除我的信息: it says what erasing the actor would do
// and waits EraseWindow for their 确认删除. Anyone may ask, bound or not.
func (s *Service) AskErase(ctx context.Context, a Actor) (plan ErasePlan, err error) {
	defer func() { s.done(ctx, a, "ask_erase", err) }()
	if a.OpenID == "" {
		return plan, ErrForbidden
	}
	if plan, err = s.Account.planErase(ctx, a.OpenID); err != nil {
		return plan, err
	}
	// A second 删除我的信息 within the window keeps the first's end.
	if _, err := s.Marks.MarkFor(ctx, eraseMark(a.OpenID), EraseWindow); err != nil {
		return plan, err
	}
	return plan, nil
}

// Erase answers 确认删除: within EraseWindow of the actor's 删除我的
// 信息 it removes them from every community of the account (see
// Account.erase), else ErrNoErasure, erasing nothing. keep are keys that
// stay: the answer saved for this very message, so a WeChat retry of it
// is answered the same (it expires within a day).
func (s *Service) Erase(ctx context.Context, a Actor, keep ...string) (plan ErasePlan, err error) {
	defer func() { s.done(ctx, a, "erase", err) }()
	if a.OpenID == "" {
		return plan, ErrForbidden
	}
	asked, err := s.Marks.Marked(ctx, eraseMark(a.OpenID))
	if err != nil {
		return plan, err
	}
	if !asked {
		return plan, ErrNoErasure
	}
	return s.Account.erase(ctx, a, s)
}

// planErase is what erasing openid would do, over every community.
func (acc *Account) planErase(ctx context.Context, openid string) (ErasePlan, error) {
	var plan ErasePlan
	for _, s := range acc.Services {
		part, err := s.planErase(ctx, openid)
		if err != nil {
			return plan, err
		}
		plan.Cancel = append(plan.Cancel, part.Cancel...)
		plan.Roles = append(plan.Roles, part.Roles...)
		plan.InConfig = append(plan.InConfig, part.InConfig...)
		plan.Bound = plan.Bound || part.Bound
	}
	return plan, nil
}

// erase removes a.OpenID from every community of the account: in each,
// their undelivered orders are cancelled, they leave their household and
// their run-time roles (the office is told), and every key is scrubbed
// of their id, phones and name; then the account forgets where they
// belong. The audit log records that someone erased themselves, not who.
// home, whose marks hold the request, goes last: its scrub ends the
// request, and an erasure cut short is finished by sending 确认删除
// again.
func (acc *Account) erase(ctx context.Context, a Actor, home *Service) (ErasePlan, error) {
	var plan ErasePlan
	order := slices.DeleteFunc(slices.Clone(acc.Services), func(s *Service) bool { return s == home })
	for _, s := range append(order, home) {
		part, err := s.erase(ctx, a)
		plan.Cancel = append(plan.Cancel, part.Cancel...)
		plan.Cancelled = append(plan.Cancelled, part.Cancelled...)
		plan.Roles = append(plan.Roles, part.Roles...)
		plan.InConfig = append(plan.InConfig, part.InConfig...)
		plan.Bound = plan.Bound || part.Bound
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
			if o.PlacedBy == openid && (o.Status == orders.StatusPending || o.Status == orders.StatusAwaitingRx) {
				plan.Cancel = append(plan.Cancel, o)
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

// erase does planErase's plan in s's community and scrubs it.
func (s *Service) erase(ctx context.Context, a Actor) (ErasePlan, error) {
	openid := a.OpenID
	plan, err := s.planErase(ctx, openid)
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
			continue // on a roster meanwhile: it is delivered as usual
		}
		if err != nil {
			return plan, err
		}
		plan.Cancelled = append(plan.Cancelled, done)
		s.tellCancelled(ctx, done, openid, byMember)
	}
	if plan.Bound {
		b, err := s.Households.Binding(ctx, openid)
		if err == nil {
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
		// Not named by a.Key: it holds their id, and the scrub below
		// would take the notice away.
		s.tellOffice(ctx, "erased:"+rand.Text(), textRoleErased(plan.Roles, plan.InConfig))
	}
	e := orders.NewErasure(subject)
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
