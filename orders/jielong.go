package orders

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/zh"
)

// A 接龙 (WeChat group sign-up chain) as building leads paste it:
//
//	#接龙
//	6栋2单元 蔬菜包团购
//	例 501 蔬菜包2份
//
//	1. 🌻李阿姨 501 蔬菜包2份
//	2. 王叔 13812345678 2单元1202 鸡蛋1盒
//
// The helpers below find its parts; ParseText puts them together.

type lineKind int

const (
	lineEmpty   lineKind = iota
	lineHeader           // #接龙 …
	lineTitle            // the line under a header without a title
	lineExample          // 例：3-2-501 蔬菜包2份
	lineDesc             // a 接龙's description: never an order
	lineEntry            // a numbered entry: an order, or rejected
	lineLoose            // an unnumbered line among a 接龙's entries
	lineOther            // a line of a text without header
)

// textLine is one line of a text, classified.
type textLine struct {
	kind lineKind
	text string // trimmed, as typed
	body string // folded, entry number taken off
	num  int
	ctx  lineContext
}

// classify sorts the lines of a text into headers, titles, descriptions,
// examples and the lines to read as orders, each with the context it is
// read in. It sets *title to the first header's title.
//
// A numbered line without an address is description rather than an entry
// when it is one of a 接龙's numbered rules (1）每户限2份 2）周六配送):
// before the entries, the numbering starts again after them; after the
// entries, they count 1, 2, 3 again. Any other numbered line is an entry,
// so that one the lead meant as an order is read or reported, never lost.
// Unnumbered lines after a 接龙's first entry are lineLoose: ParseText
// reports those that look like an order.
func classify(cat *catalog.Catalog, raw []string, c Context, title *string) []textLine {
	lines := make([]textLine, len(raw))
	var (
		inList      bool
		expectTitle bool
		lc          = contextFor(c, "")
	)
	for i, r := range raw {
		l := &lines[i]
		l.text = strings.TrimSpace(strings.TrimSuffix(r, "\r"))
		if l.text == "" {
			continue
		}
		s := zh.Fold(l.text)
		if t, ok := headerTitle(l.text, s); ok {
			l.kind = lineHeader
			inList, expectTitle = true, t == ""
			lc = contextFor(c, t)
			if *title == "" {
				*title = t
			}
			continue
		}
		l.num, l.body = splitNumber(s)
		isEx := isExample(l.body)
		if expectTitle {
			expectTitle = false
			if l.num == 0 && !isEx {
				l.kind = lineTitle
				lc = contextFor(c, l.text)
				if *title == "" {
					*title = l.text
				}
				continue
			}
		}
		l.ctx = lc
		switch {
		case isEx:
			l.kind = lineExample
		case inList && l.num == 0:
			l.kind = lineDesc
		case inList:
			l.kind = lineEntry
		default:
			l.kind = lineOther
		}
	}
	// Numbered rules among the entries of each 接龙.
	hasAddress := func(l *textLine) bool {
		_, body := stripPhones(l.body)
		_, _, st := resolveAddress(cat, body, l.ctx)
		return st != addrNone
	}
	for i := 0; i < len(lines); {
		if lines[i].kind != lineHeader {
			i++
			continue
		}
		j := i + 1
		for j < len(lines) && lines[j].kind != lineHeader {
			j++
		}
		var pending []int // entries without an address before the first with one
		first, prev := true, 0
		rule := 0 // the number the next rule after the entries would have
		for k := i + 1; k < j; k++ {
			l := &lines[k]
			if l.kind != lineEntry {
				continue
			}
			// Reading the address again costs: only where it decides.
			addr := (first || l.num <= prev) && hasAddress(l)
			switch {
			case first && addr:
				first = false
				for _, p := range pending {
					if lines[p].num >= l.num {
						lines[p].kind = lineDesc
					}
				}
			case first:
				pending = append(pending, k)
			case !addr && l.num <= prev && (l.num == 1 || l.num == rule):
				l.kind = lineDesc
				rule = l.num + 1
				continue
			}
			prev, rule = l.num, 0
		}
		loose := false
		for k := i + 1; k < j; k++ {
			switch l := &lines[k]; {
			case l.kind == lineEntry:
				loose = true
			case loose && l.kind == lineDesc && l.num == 0:
				l.kind = lineLoose
			}
		}
		i = j
	}
	return lines
}

// reHeader matches a 接龙 header in folded text: #接龙 (#接龍 folds to it),
// # 接龙, #Group Note, possibly after an emoji and followed by a title.
var reHeader = regexp.MustCompile(`^[^\p{L}\p{N}#]*#\s*(?:接龙|group\s*note)\s*#?`)

// headerTitle reports whether the line is a 接龙 header and returns the
// title written after it on the same line, as typed. raw is the trimmed
// line and s its folded form.
func headerTitle(raw, s string) (string, bool) {
	loc := reHeader.FindStringIndex(s)
	if loc == nil {
		return "", false
	}
	// Fold keeps the rune count, so the title starts at the same rune.
	n := utf8.RuneCountInString(s[:loc[1]])
	rest := raw
	for range n {
		_, size := utf8.DecodeRuneInString(rest)
		rest = rest[size:]
	}
	return strings.TrimFunc(rest, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(":：-—|｜,，", r)
	}), true
}

// reNumber matches an entry number at the start of folded text: 1. 1、 1)
// 1) and, folded from full width, 1． 1）; also (1). A list of a whole
// compound runs past a thousand entries, so a number may have up to five
// digits (1000. 1234、 ７０００）); longer ones are not entry numbers.
var reNumber = regexp.MustCompile(`^(?:\((\d{1,5})\)|(\d{1,5})\s*[.、)])\s*`)

// splitNumber takes the entry number off folded line s: "3. 李阿姨 …" is
// 3 and "李阿姨 …". Circled numbers ①–⑳ count too. It returns 0 and s when
// the line has no number.
func splitNumber(s string) (int, string) {
	if r, size := utf8.DecodeRuneInString(s); r >= '①' && r <= '⑳' {
		return int(r-'①') + 1, strings.TrimLeft(s[size:], " \t")
	}
	m := reNumber.FindStringSubmatchIndex(s)
	if m == nil {
		return 0, s
	}
	digits := m[2]
	if digits < 0 {
		digits = m[4]
	}
	end := strings.IndexFunc(s[digits:], func(r rune) bool { return !isASCIIDigit(r) }) + digits
	n, ok := zh.ParseNumber(s[digits:end])
	if !ok || n == 0 {
		return 0, s
	}
	return n, s[m[1]:]
}

// examplePrefixes start lines that show the format rather than order.
var examplePrefixes = []string{"例", "格式", "示例", "举例", "范例", "样例", "模板", "比如", "e.g", "eg:", "eg："}

// isExample reports whether folded line s (its entry number taken off) is
// an example: 例：3-2-501 蔬菜包2份, 【格式】楼栋-单元-房号 商品数量.
func isExample(s string) bool {
	s = strings.TrimLeftFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	})
	for _, p := range examplePrefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// rePhone matches a mainland mobile number in folded text, also written in
// groups (138-1234-5678, 138 1234 5678) or after +86.
var rePhone = regexp.MustCompile(`(?:\+?86[\s-]?)?(1[3-9][0-9])[\s-]?([0-9]{4})[\s-]?([0-9]{4})`)

// stripPhones takes mobile numbers out of folded text s, so that none is
// read as a room or a quantity, and returns the first one as 11 digits.
// StripPhone takes mobile numbers out of folded text s (138-1234-5678,
// 138 1234 5678, 13812345678), returning the first as 11 digits and the
// text without them, so a phone number is never read as a room or a
// quantity.
func StripPhone(s string) (phone, rest string) { return stripPhones(s) }

func stripPhones(s string) (phone, rest string) {
	digits := 0
	for i := 0; i < len(s); i++ {
		if isASCIIDigit(rune(s[i])) {
			digits++
		}
	}
	if digits < 11 {
		return "", s
	}
	ms := rePhone.FindAllStringSubmatchIndex(s, -1)
	if ms == nil {
		return "", s
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		if m[0] > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:m[0]]); isASCIIDigit(r) {
				continue
			}
		}
		if m[1] < len(s) {
			if r, _ := utf8.DecodeRuneInString(s[m[1]:]); isASCIIDigit(r) {
				continue
			}
		}
		if phone == "" {
			phone = s[m[2]:m[3]] + s[m[4]:m[5]] + s[m[6]:m[7]]
		}
		b.WriteString(s[last:m[0]])
		b.WriteByte(' ')
		last = m[1]
	}
	if phone == "" {
		return "", s
	}
	b.WriteString(s[last:])
	return phone, b.String()
}

// reTitleBuilding finds the building (and unit) a 接龙 is for in its
// folded title: 6栋2单元群, 六号楼, 8幢. A bare 号 is left out: in a title
// 6号 is a date more often than a building.
var reTitleBuilding = regexp.MustCompile(
	`(` + numClass + `{1,4})\s*(?:号楼|栋楼|栋|幢|座|#)\s*(?:(` + numClass + `{1,2})\s*(?:单元|门))?`)

// titleContext returns the one building (and unit) the title names. A
// title naming several buildings (5栋、6栋, 5-6栋) gives no building, one
// naming several units (6栋1-3单元, 6栋2单元、6栋3单元) no unit.
func titleContext(title string) (building, unit string, ok bool) {
	s := zh.Fold(title)
	listed := func(r rune) bool { return strings.ContainsRune("、,，-~/和及至到与", r) }
	units := map[string]bool{}
	manyUnits := false
	for _, m := range reTitleBuilding.FindAllStringSubmatchIndex(s, -1) {
		if m[2] > 0 {
			before := s[:m[2]]
			r, size := utf8.DecodeLastRuneInString(before)
			if zh.IsDigitRune(r) || r == '月' {
				continue
			}
			if listed(r) {
				if r2, _ := utf8.DecodeLastRuneInString(before[:len(before)-size]); zh.IsDigitRune(r2) || r2 == '栋' {
					return "", "", false // 5、6栋
				}
			}
		}
		b, okB := number(s[m[2]:m[3]], 1, 9999)
		if !okB {
			continue
		}
		if building != "" && building != b {
			return "", "", false // 5栋 6栋
		}
		building = b
		after, _ := utf8.DecodeRuneInString(s[m[1]:])
		switch u, okU := number(group(s, m, 2), 1, 99); {
		case okU && !listed(after):
			units[u] = true
		case okU || listed(after):
			manyUnits = true // 6栋2、3单元, 6栋1-3单元
		}
	}
	if len(units) == 1 && !manyUnits {
		for u := range units {
			unit = u
		}
	}
	return building, unit, building != ""
}

// group returns submatch i of match m in s, or "".
func group(s string, m []int, i int) string {
	if m[2*i] < 0 {
		return ""
	}
	return s[m[2*i]:m[2*i+1]]
}

// contextFor is the context a 接龙 titled title is read in: the title's
// building and unit, else the caller's.
func contextFor(c Context, title string) lineContext {
	lc := lineContext{Context: c}
	// "03" and "3" are one building: addresses read from lines are "3".
	if lc.Building != "" {
		lc.Building = CanonicalBuilding(lc.Building)
	}
	if lc.Unit != "" {
		lc.Unit = CanonicalBuilding(lc.Unit)
	}
	if title == "" {
		return lc
	}
	b, u, ok := titleContext(title)
	if !ok {
		return lc
	}
	if b != lc.Building {
		lc.Building, lc.Unit, lc.needUnit = b, u, u == ""
	} else if u != "" {
		lc.Unit = u
	}
	return lc
}

// IsJielong reports whether text is a 接龙: it has a header (#接龙, #接龍,
// # 接龙, #Group Note), or at least two numbered entry lines that each carry
// an address. The bot can use it to tell a lead's pasted list from a
// resident's message.
func IsJielong(text string) bool {
	entries := 0
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		s := zh.Fold(line)
		if _, ok := headerTitle(line, s); ok {
			return true
		}
		num, body := splitNumber(s)
		if num == 0 {
			continue
		}
		_, body = stripPhones(body)
		if _, ok := FindAddress(body, nil); ok {
			entries++
			if entries >= 2 {
				return true
			}
		}
	}
	return false
}
