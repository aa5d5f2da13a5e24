package wechat

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/baogong/baogong/orders"
)

// Template fields. A notice's brief has five parts (what happened, where
// or for whom, its state, when, an order number); a template shows them in
// its own fields, named as WeChat's template library names fields, by
// type and position ("thing3", "time5"). The layout baogong assumes unless
// the config says otherwise (wechat.template_fields; docs/wechat-platform.md
// says which templates to add):
//
//	thing1             事项  what happened      (≤ 20 characters)
//	thing2             地点  where, or for whom (≤ 20)
//	phrase3            状态  the state          (≤ 5, words only)
//	time4              时间  when               (2006年1月2日 15:04)
//	character_string5  编号  an order number    (≤ 32 letters or digits)
const (
	FieldWhat   = "thing1"
	FieldWhere  = "thing2"
	FieldStatus = "phrase3"
	FieldTime   = "time4"
	FieldRef    = "character_string5"
)

// Lengths WeChat allows in template fields, in characters.
const (
	maxThing  = 20
	maxPhrase = 5
	maxRef    = 32
)

// Layout names the template fields that show a brief's five parts, for one
// template. A part without a field is not sent (the template has none
// for it).
type Layout struct {
	What, Where, Status, Time, Ref string
}

// DefaultLayout is the layout above.
var DefaultLayout = Layout{What: FieldWhat, Where: FieldWhere, Status: FieldStatus, Time: FieldTime, Ref: FieldRef}

// The types a part may be shown in: a field's type is its name without
// the digits (thing3 is a thing). Config validation (LayoutProblem) keeps
// layouts to these. Not name (WeChat takes no digits there, and doors and
// counts have them) nor number (most notices have no order number).
// keyword is the field of the old templates (keyword1, keyword2, …),
// which take any text.
var partTypes = map[string][]string{
	"what":   {"thing", "keyword"},
	"where":  {"thing", "keyword"},
	"status": {"phrase", "thing", "keyword"},
	"time":   {"time", "date", "keyword"},
	"ref":    {"character_string", "keyword"},
}

// FieldType is the type of template field name ("thing3": "thing"), or ""
// when the name is not a type followed by its position.
func FieldType(field string) string {
	i := strings.IndexFunc(field, func(r rune) bool { return '0' <= r && r <= '9' })
	if i <= 0 || strings.TrimLeft(field[i:], "0123456789") != "" {
		return ""
	}
	return field[:i]
}

// LayoutProblem says what is wrong with field as the template field of
// part (what, where, status, time, ref), or "" when it fits: its type
// must hold the part (a time in a time or date field, an order number in
// a character_string or number field, …).
func LayoutProblem(part, field string) string {
	if field == "" {
		return ""
	}
	types, ok := partTypes[part]
	if !ok {
		return "unknown part " + part
	}
	t := FieldType(field)
	if t == "" {
		return field + " is not a template field name (a type and its number, like thing3)"
	}
	for _, ok := range types {
		if t == ok {
			return ""
		}
	}
	return field + " is a " + t + " field; " + part + " goes in a " + strings.Join(types, " or ") + " field"
}

// Used lists the fields l fills, in the order of the parts.
func (l Layout) Used() []string {
	var out []string
	for _, f := range []string{l.What, l.Where, l.Status, l.Time, l.Ref} {
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

// contentField finds the fields in a template's content, as the
// account's template list gives it ("事项：{{thing1.DATA}}").
var contentField = regexp.MustCompile(`\{\s*\{\s*([A-Za-z_]+[0-9]*)\.DATA\s*\}\s*\}`)

// ContentFields lists the fields a template's content shows, in order.
func ContentFields(content string) []string {
	var out []string
	for _, m := range contentField.FindAllStringSubmatch(content, -1) {
		out = append(out, m[1])
	}
	return out
}

// TemplateFields renders b in DefaultLayout (see Layout.Fields).
func TemplateFields(b orders.Brief, at time.Time, loc *time.Location) map[string]string {
	return DefaultLayout.Fields(b, at, loc)
}

// Fields renders b in l: each part in its field, cut and cleaned to what
// a field of that type accepts (WeChat refuses the whole message
// otherwise, 47003), empty parts filled so no field shows a blank. at is
// when the notice was made, for a Brief without its own time.
func (l Layout) Fields(b orders.Brief, at time.Time, loc *time.Location) map[string]string {
	if loc == nil {
		loc = time.Local
	}
	when := b.At
	if when.IsZero() {
		when = at
	}
	if when.IsZero() {
		when = time.Now()
	}
	out := map[string]string{}
	put := func(field, v string) {
		if field == "" {
			return
		}
		switch FieldType(field) {
		case "thing", "keyword":
			v = clip(orDash(v), maxThing)
		case "phrase":
			v = phrase(v)
		default:
			v = ref(v)
		}
		out[field] = v
	}
	put(l.What, b.What)
	put(l.Where, b.Where)
	put(l.Status, b.Status)
	put(l.Ref, b.Ref)
	if l.Time != "" {
		// A time, a date (which takes a time as well: 2019年10月1日
		// 15:01) or an old template's keyword.
		out[l.Time] = when.In(loc).Format("2006年1月2日 15:04")
	}
	return out
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// phrase keeps a phrase field to Chinese words: WeChat refuses digits,
// letters and punctuation there.
func phrase(s string) string {
	s = strings.Map(func(r rune) rune {
		if !unicode.Is(unicode.Han, r) {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return "请查看"
	}
	if r := []rune(s); len(r) > maxPhrase {
		s = string(r[:maxPhrase]) // no ellipsis: it is not a word
	}
	return s
}

// ref keeps an order number to the letters, digits and marks a
// character_string field takes.
func ref(s string) string {
	s = strings.Map(func(r rune) rune {
		if r >= utf8.RuneSelf || r == ' ' {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return "-"
	}
	if len(s) > maxRef {
		s = s[:maxRef]
	}
	return s
}

// clip cuts s to n characters, the last an ellipsis when cut.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
