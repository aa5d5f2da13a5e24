package bot

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/orders"
)

// Vulnerable households (issue 5): leads mark the households of their
// buildings (标记 3-2-501 独居老人) and take marks off (取消标记 3-2-501
// [孕妇]). Marks are shown to leads and volunteers only.

// markedHousehold is a household and its marks, for replies.
type markedHousehold struct {
	addr  orders.Address
	marks []orders.Mark
}

// markText handles 标记 and 取消标记 (unmark) with what follows the word.
func (b *Bot) markText(ctx context.Context, msg *Message, rest string, unmark bool) (string, error) {
	buildings := msg.Leads
	rest = strings.TrimSpace(rest)
	if rest == "" {
		if unmark {
			return textMarkHowTo, nil
		}
		marked, err := b.markedIn(ctx, buildings)
		return textMarkedList(marked), err
	}
	m, ok := orders.FindAddress(rest, b.known)
	if !ok {
		if m, ok = orders.FindAddress(rest, nil); !ok {
			return textMarkHowTo, nil
		}
	}
	if !orders.Owns(buildings, m.Building) {
		return textNotYourBuilding(m.Building), nil
	}
	marks, unknown := orders.ParseMarks(rest[:m.Start] + " " + rest[m.End:])
	if len(unknown) > 0 {
		return textMarkUnknown(unknown), nil
	}
	return b.mark(ctx, msg, m.Address, marks, unmark)
}

// mark adds marks to a household, or with unmark takes them off (all of
// them when marks is empty); adding none shows the household's marks.
func (b *Bot) mark(ctx context.Context, msg *Message, a orders.Address, marks []orders.Mark, unmark bool) (string, error) {
	if !unmark && len(marks) == 0 {
		before, err := b.Store.HouseholdMarks(ctx, a.Household())
		return textMarksOf(a, before), err
	}
	change := actions.AddMarks
	if unmark {
		change = actions.RemoveMarks
	}
	res, err := b.Actions.Mark(ctx, msg.actor(), a, change, marks)
	var shape *orders.ShapeError
	switch {
	case errors.As(err, &shape):
		return textNoSuchDoor(shape.Reason), nil
	case errors.Is(err, actions.ErrForbidden), errors.As(err, new(*actions.NotHereError)):
		return textNotYourBuilding(a.Building), nil
	}
	if err != nil {
		return "", err
	}
	if !unmark {
		return textMarked(a, res.After), nil
	}
	if !res.Changed() {
		return textUnmarkNothing(a, len(res.Before) > 0), nil
	}
	return textUnmarked(a, marks, res.After), nil
}

// markedIn returns the marked households of buildings, in address order.
func (b *Bot) markedIn(ctx context.Context, buildings []string) ([]markedHousehold, error) {
	all, err := b.Store.AllMarks(ctx)
	if err != nil {
		return nil, err
	}
	var out []markedHousehold
	for hh, ms := range all {
		a, err := orders.ParseHousehold(hh)
		if err != nil || !orders.Owns(buildings, a.Building) {
			continue
		}
		out = append(out, markedHousehold{addr: a, marks: ms})
	}
	sort.Slice(out, func(i, j int) bool { return orders.AddressLess(out[i].addr, out[j].addr) })
	return out, nil
}
