package wechat

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baogong/baogong/orders"
)

// Template fields. Every template baogong sends has the same five fields,
// named as WeChat's template library names fields by their type, so one
// layout serves every kind of notice (docs/wechat-platform.md says which
// templates to add):
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

// TemplateFields renders b in the template layout above: long texts cut
// to what WeChat accepts (it refuses the whole message otherwise, 47003),
// empty fields filled so no template shows a blank. at is when the notice
// was made, for a Brief without its own time.
func TemplateFields(b orders.Brief, at time.Time, loc *time.Location) map[string]string {
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
	return map[string]string{
		FieldWhat:   clip(orDash(b.What), maxThing),
		FieldWhere:  clip(orDash(b.Where), maxThing),
		FieldStatus: clip(phrase(b.Status), maxPhrase),
		FieldTime:   when.In(loc).Format("2006年1月2日 15:04"),
		FieldRef:    ref(b.Ref),
	}
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// phrase keeps a phrase field to words: WeChat refuses digits and
// punctuation there.
func phrase(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return "请查看"
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
