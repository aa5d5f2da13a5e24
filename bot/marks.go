package bot

import (
	"context"
	"slices"
	"sort"
	"strings"

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
	return b.mark(ctx, m.Address, marks, unmark)
}

// mark adds marks to a household, or with unmark takes them off (all of
// them when marks is empty).
func (b *Bot) mark(ctx context.Context, a orders.Address, marks []orders.Mark, unmark bool) (string, error) {
	hh := a.Household()
	before, err := b.Store.HouseholdMarks(ctx, hh)
	if err != nil {
		return "", err
	}
	if !unmark {
		if len(marks) == 0 {
			return textMarksOf(a, before), nil
		}
		after, err := b.Store.AddMarks(ctx, hh, marks)
		if err != nil {
			return "", err
		}
		return textMarked(a, after), nil
	}
	had := len(marks) == 0 && len(before) > 0
	for _, m := range marks {
		had = had || slices.Contains(before, m)
	}
	if !had {
		return textUnmarkNothing(a, len(before) > 0), nil
	}
	left, err := b.Store.RemoveMarks(ctx, hh, marks)
	if err != nil {
		return "", err
	}
	return textUnmarked(a, marks, left), nil
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
