package actions

import (
	"context"
	"slices"

	"github.com/baogong/baogong/orders"
)

// Vulnerable households: leads (标记 3-2-501 独居老人) and staff mark the
// households of their buildings; marks put their orders first and are
// shown to leads and volunteers only.

// MarkChange says how to change a household's marks.
type MarkChange int

// Mark changes.
const (
	AddMarks    MarkChange = iota // add these
	RemoveMarks                   // take these off (every mark when none are given)
	SetMarks                      // replace them with these (none: unmark)
)

// MarksResult is a household's marks before and after a change.
type MarksResult struct {
	Before, After []orders.Mark
}

// Changed reports whether the change changed anything.
func (r MarksResult) Changed() bool { return !slices.Equal(r.Before, r.After) }

// Mark changes the marks of household addr: its building's lead or staff
// may (ErrForbidden for anyone else). An address not in the community is
// a *NotHereError.
func (s *Service) Mark(ctx context.Context, a Actor, addr orders.Address, change MarkChange, marks []orders.Mark) (res MarksResult, err error) {
	defer func() { s.done(ctx, a, "mark", err) }()
	if !a.mayManage(addr.Building) {
		return res, ErrForbidden
	}
	if _, err := s.Community.Locate(addr); err != nil {
		return res, &NotHereError{Address: addr, Err: err}
	}
	hh := addr.Household()
	if res.Before, err = s.Households.HouseholdMarks(ctx, hh); err != nil {
		return res, err
	}
	switch change {
	case AddMarks:
		res.After, err = s.Households.AddMarks(ctx, hh, marks)
	case RemoveMarks:
		res.After, err = s.Households.RemoveMarks(ctx, hh, marks)
	case SetMarks:
		res.After, err = s.Households.SetMarks(ctx, hh, orders.SortMarks(marks))
	}
	if err != nil {
		return res, err
	}
	if res.Changed() {
		s.record(ctx, a, auditMarks, addr.String(), orders.MarkNote(res.After, textNoMarks))
	}
	return res, nil
}
