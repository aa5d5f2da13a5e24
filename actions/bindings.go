package actions

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/baogong/baogong/orders"
)

// Bindings: a household's orders belong to its members, so who may join
// a household is asked. The first member of a household nobody lives in
// and nobody ordered for joins at once (the building's lead hears of it
// in a digest); anyone else waits for a member, the building's lead or
// staff to approve with a short code. Members leave (解绑, unfollowing);
// a lead or staff remove one; staff add one.

// BindStep is what a request to bind did.
type BindStep int

// Bind steps.
const (
	// Bound: the person is now a member of the household.
	Bound BindStep = iota
	// AlreadyBound: they were a member already.
	AlreadyBound
	// Asked: the household's members (and its lead) were asked.
	Asked
	// AskedBefore: the same request waits already; nobody asked twice.
	AskedBefore
	// NobodyToAsk: the household has no member and no lead to ask; the
	// request is withdrawn.
	NobodyToAsk
	// Refused: the household refused this person within a day; nobody
	// is asked again.
	Refused
	// TooMany: the person has as many requests waiting as they may.
	TooMany
)

// BindResult is what Bind did.
type BindResult struct {
	Step    BindStep
	Address orders.Address
	// Members: the household has members (they were asked, not only
	// the lead).
	Members bool
	// Known: the household is one the office or the lead knows (listed
	// in the config, or marked): only its lead or staff may let someone in.
	Known bool
}

// NotHereError says an address is not in the community: its building is
// in no grid, or it lies outside the building's shape (Err, from
// orders.Community.Locate, says which).
type NotHereError struct {
	Address orders.Address
	Err     error
}

func (e *NotHereError) Error() string { return "not in this community: " + e.Err.Error() }
func (e *NotHereError) Unwrap() error { return e.Err }

// Bind binds the actor to household addr of this community, or asks its
// members (or lead) to approve. from is the community their message was
// read in: this one, unless they bind in another community of the account
// (then their binding in the one they leave is removed). An address not
// in the community is a *NotHereError.
func (s *Service) Bind(ctx context.Context, a Actor, addr orders.Address, from *Service) (res BindResult, err error) {
	defer func() { s.done(ctx, a, "bind", err) }()
	res.Address = addr
	grid, err := s.Community.Locate(addr)
	if err != nil {
		return res, &NotHereError{Address: addr, Err: err}
	}
	if from == s && a.Home != nil && a.Home.Address == addr {
		res.Step = AlreadyBound
		return res, nil
	}
	// A household the office lists, or the lead marked, is not a stranger's
	// to take by binding first: its lead (or staff) says yes.
	out, err := s.Households.Bind(ctx, orders.Binding{OpenID: a.OpenID, Address: addr, Grid: grid, At: s.now()}, s.Community.Listed(addr))
	if err != nil {
		return res, err
	}
	switch out {
	case orders.AlreadyBound, orders.Bound:
		// The building's lead hears of a new household in the next
		// bindings digest (package jobs), not one message per household.
		s.moved(ctx, a.OpenID, from)
		res.Step = Bound
		if out == orders.AlreadyBound {
			res.Step = AlreadyBound
		}
		return res, nil
	}
	req, err := s.Households.RequestBinding(ctx, orders.BindRequest{OpenID: a.OpenID, Address: addr, Grid: grid, At: s.now()})
	switch {
	case errors.Is(err, orders.ErrRefused):
		res.Step = Refused
		return res, nil
	case errors.Is(err, orders.ErrTooMany):
		res.Step = TooMany
		return res, nil
	case err != nil:
		return res, err
	}
	members, err := s.Households.HouseholdUsers(ctx, addr.Household())
	if err != nil {
		return res, err
	}
	res.Members = len(members) > 0
	marks, err := s.Households.HouseholdMarks(ctx, addr.Household())
	if err != nil {
		return res, err
	}
	res.Known = s.Community.Listed(addr) || len(marks) > 0
	if req.Again {
		res.Step = AskedBefore
		return res, nil
	}
	// The members are asked, and the building's lead always: a first
	// member may be a stranger who took an empty door, and must not be
	// the only one to answer the real resident.
	var ns []orders.Notice
	for _, u := range members {
		ns = append(ns, orders.Notice{ID: "bindreq:" + req.Code + ":" + u, OpenID: u, Kind: "binding", Text: textBindAskMembers(req)})
	}
	for _, l := range s.leadsOf(ctx, addr.Building) {
		if !slices.Contains(members, l) {
			ns = append(ns, orders.Notice{ID: "bindreq:" + req.Code + ":" + l, OpenID: l, Kind: "binding", Text: textBindAskLead(req, len(members) > 0, res.Known)})
		}
	}
	if len(ns) == 0 || s.Outbox.Enqueue(ctx, ns...) != nil {
		// Nobody can be asked: the request would wait for nothing, and
		// must not stay for the console to approve unasked.
		if _, err := s.Households.WithdrawBinding(ctx, req.Code); err != nil && !errors.Is(err, orders.ErrNotFound) {
			return res, err
		}
		res.Step = NobodyToAsk
		return res, nil
	}
	res.Step = Asked
	return res, nil
}

// AnswerBinding approves (the requester joins the household) or refuses
// the binding request code, and tells the requester. A member of the
// household, the building's lead or staff may answer; to anyone else, as
// for a code answered or expired, it is orders.ErrNotFound (codes are
// short: nobody learns which exist).
func (s *Service) AnswerBinding(ctx context.Context, a Actor, code string, approve bool) (req orders.BindRequest, err error) {
	defer func() { s.done(ctx, a, "answer_binding", err) }()
	req, err = s.Households.BindRequest(ctx, code)
	if err != nil {
		return req, err
	}
	if !a.Staff && !a.leads(req.Address.Building) && a.household() != req.Address.Household() {
		return req, fmt.Errorf("binding request %s: %w", code, orders.ErrNotFound)
	}
	if !approve {
		if _, err := s.Households.RefuseBinding(ctx, code); err != nil {
			return req, err
		}
		s.tell(ctx, orders.Notice{ID: "bindno:" + req.Code, OpenID: req.OpenID, Kind: "binding", Text: textBindRefusedNotice(req.Address)})
		s.record(ctx, a, auditBindRefuse, req.Address.String(), req.OpenID)
		return req, nil
	}
	if _, err := s.Households.ApproveBinding(ctx, code, s.now()); err != nil {
		return req, err
	}
	s.moved(ctx, req.OpenID, nil)
	s.tell(ctx, orders.Notice{ID: "bindok:" + req.Code, OpenID: req.OpenID, Kind: "binding", Text: textBindApprovedNotice(req.Address, s.Community.Retention())})
	s.record(ctx, a, auditBindApprove, req.Address.String(), req.OpenID)
	return req, nil
}

// Leave takes the actor out of their household (解绑, or unfollowing the
// account). It returns the binding they left, or orders.ErrNotFound.
func (s *Service) Leave(ctx context.Context, a Actor) (b orders.Binding, err error) {
	defer func() { s.done(ctx, a, "leave", err) }()
	b, err = s.Households.Unbind(ctx, a.OpenID)
	if err != nil {
		return b, err
	}
	s.left(ctx, a.OpenID)
	return b, nil
}

// mayManage reports whether a may see and change who belongs to the
// households of building: its lead, or staff.
func (a Actor) mayManage(building string) bool { return a.Staff || a.leads(building) }

// Members returns the members of household addr, earliest bound first,
// for its building's lead or staff (ErrForbidden for anyone else).
func (s *Service) Members(ctx context.Context, a Actor, addr orders.Address) ([]orders.Binding, error) {
	if !a.mayManage(addr.Building) {
		return nil, ErrForbidden
	}
	users, err := s.Households.HouseholdUsers(ctx, addr.Household())
	if err != nil {
		return nil, err
	}
	var out []orders.Binding
	for _, u := range users {
		b, err := s.Households.Binding(ctx, u)
		if errors.Is(err, orders.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// RemoveMember takes openid out of household addr (moved out, a wrong
// binding) and tells them: the building's lead or staff may (else
// ErrForbidden). orders.ErrNotFound when openid is no member of it.
func (s *Service) RemoveMember(ctx context.Context, a Actor, addr orders.Address, openid string) (err error) {
	defer func() { s.done(ctx, a, "remove_member", err) }()
	if !a.mayManage(addr.Building) {
		return ErrForbidden
	}
	b, err := s.Households.Binding(ctx, openid)
	if err == nil && b.Address.Household() != addr.Household() {
		err = orders.ErrNotFound
	}
	if err != nil {
		return err
	}
	if _, err := s.Households.Unbind(ctx, openid); err != nil && !errors.Is(err, orders.ErrNotFound) {
		return err
	}
	s.left(ctx, openid)
	s.tell(ctx, orders.Notice{ID: "unbound:" + s.requestKey(a) + ":" + openid, OpenID: openid, Kind: "binding", Text: textRemovedNotice(addr)})
	s.record(ctx, a, auditUnbind, addr.String(), openid)
	return nil
}

// AddMember binds openid to household addr whoever lives there: staff
// answer for it (ErrForbidden for anyone else). An address not in the
// community is a *NotHereError.
func (s *Service) AddMember(ctx context.Context, a Actor, addr orders.Address, openid string) (err error) {
	defer func() { s.done(ctx, a, "add_member", err) }()
	if !a.Staff {
		return ErrForbidden
	}
	grid, err := s.Community.Locate(addr)
	if err != nil {
		return &NotHereError{Address: addr, Err: err}
	}
	if _, err := s.Households.BindApproved(ctx, orders.Binding{OpenID: openid, Address: addr, Grid: grid, At: s.now()}); err != nil {
		return err
	}
	s.moved(ctx, openid, nil)
	s.record(ctx, a, auditAddMember, addr.String(), openid)
	return nil
}

// requestKey names the request an action answers, for the ids of the
// notices it queues: the message's key, or the moment for the console and
// the API (a form posted twice is two requests).
func (s *Service) requestKey(a Actor) string {
	if a.Key != "" {
		return a.Key
	}
	return strconv.FormatInt(s.now().UnixNano(), 36)
}
