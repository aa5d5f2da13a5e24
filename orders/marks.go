package orders

import (
	"slices"
	"strings"
)

// Mark says why a household needs looking after (独居老人, 透析 …). Leads
// and admins set marks; volunteers and leads see them, other residents
// never do. Every order of a marked household is urgent, and marked
// households come first in rosters.
type Mark string

// The kinds of marks.
const (
	MarkAlone     Mark = "独居老人"
	MarkPregnant  Mark = "孕妇"
	MarkDialysis  Mark = "透析"
	MarkDisabled  Mark = "残疾"
	MarkLowIncome Mark = "低保"
)

// MarkKinds lists every mark, in the order marks are shown.
var MarkKinds = []Mark{MarkAlone, MarkPregnant, MarkDialysis, MarkDisabled, MarkLowIncome}

// markWords maps the words people use for each mark, after zh.Fold.
var markWords = map[string]Mark{
	"独居老人": MarkAlone, "独居": MarkAlone, "独居老年人": MarkAlone, "独居长者": MarkAlone,
	"空巢老人": MarkAlone, "空巢": MarkAlone, "孤寡老人": MarkAlone, "孤寡": MarkAlone,
	"孕妇": MarkPregnant, "怀孕": MarkPregnant, "孕产妇": MarkPregnant, "产妇": MarkPregnant,
	"透析": MarkDialysis, "血透": MarkDialysis, "腹透": MarkDialysis, "肾透析": MarkDialysis,
	"透析病人": MarkDialysis, "尿毒症": MarkDialysis,
	"残疾": MarkDisabled, "残疾人": MarkDisabled, "残障": MarkDisabled, "残障人士": MarkDisabled,
	"低保": MarkLowIncome, "低保户": MarkLowIncome,
}

// ParseMark reads one mark as written (独居, 血透, 低保户 …, folded or
// not). It reports false for anything else.
func ParseMark(word string) (Mark, bool) {
	m, ok := markWords[strings.TrimSpace(word)]
	return m, ok
}

// ParseMarks reads a list of marks separated by spaces or Chinese or
// ASCII commas. It returns the marks in MarkKinds order, each once, and
// the words that are not marks, in the order written.
func ParseMarks(s string) (marks []Mark, unknown []string) {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(" ,，、;；/和及", r) }) {
		if m, ok := ParseMark(w); ok {
			marks = append(marks, m)
		} else {
			unknown = append(unknown, w)
		}
	}
	return SortMarks(marks), unknown
}

// SortMarks returns marks in MarkKinds order, each once, dropping
// unknown ones. It does not change marks.
func SortMarks(marks []Mark) []Mark {
	var out []Mark
	for _, k := range MarkKinds {
		if slices.Contains(marks, k) {
			out = append(out, k)
		}
	}
	return out
}

// Valid reports whether m is one of MarkKinds.
func (m Mark) Valid() bool { return slices.Contains(MarkKinds, m) }

// MarkNote follows an address for volunteers, leads and staff:
// （独居老人、孕妇）, or none when the household has no marks. Residents
// never see marks.
func MarkNote(ms []Mark, none string) string {
	if len(ms) == 0 {
		return none
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = string(m)
	}
	return "（" + strings.Join(parts, "、") + "）"
}
