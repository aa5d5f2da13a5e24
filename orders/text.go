package orders

import (
	"slices"
	"strings"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/zh"
)

// Reasons a line is rejected, in words a building lead understands. They
// are shown to leads as they are; the ones ending in '：' are followed by
// the item names or words concerned, joined with '、'.
const (
	ReasonNoAddress       = "没有门牌号（例：3栋2单元501）"
	ReasonNoUnit          = "没有单元号（例：2-501 或 2单元501）"
	ReasonUnknownBuilding = "本社区没有这个楼栋"
	ReasonNoItems         = "没有写要买什么"
	ReasonUnknownItem     = "没有这个商品："
	ReasonZeroQty         = "数量是0："
	ReasonTooMany         = "数量太多："
	ReasonNotWhole        = "数量要写整数："
	ReasonNegative        = "数量不能是负数："
	ReasonUnclear         = "看不出各要几份，请每样写上数量："
	ReasonTwoHouseholds   = "一行写了两户，请分开写"
	// ReasonWithdrawn: the line says the household does not want it any
	// more (不要了, 取消). It is not ordered; a lead who means to cancel
	// takes the line out of the list, or sends 取消 and the address.
	ReasonWithdrawn = "写了不要或取消，这户没有登记"
	// ReasonQuestion: the line asks about the goods (鸡蛋多少钱, 还有鸡蛋
	// 吗, 鸡蛋什么时候到) rather than orders them (see Asks).
	ReasonQuestion = "问的是价钱、有没有或哪天到，这户没有登记"
	// ReasonDidYouMean follows an unknown word that looks like a catalog
	// item: 没有这个商品：鸡旦（是不是：鸡蛋）.
	ReasonDidYouMean = "是不是："
	// ReasonUnnumbered: a line among a 接龙's entries that reads like an
	// order but has no entry number. Only numbered entries are orders (the
	// lines around them are chatter), so it is reported, not ordered.
	ReasonUnnumbered = "没有接龙序号，没有登记；要下单请单独发这一行"
)

// Reasons an address lies outside its building's real shape (Shape.Check,
// from community.grids[].buildings: {id, units, floors}), with the
// building, its units or floors, and the unit or floor written.
const (
	ReasonNoSuchUnit  = "%s栋只有%d个单元，没有%d单元"
	ReasonNoSuchFloor = "%s栋只有%d层，没有%d楼"
	ReasonShapeNoUnit = "%s栋有%d个单元，要写上是几单元"
)

// Context is what a text leaves unsaid: the building and unit of a group
// chat ("6栋2单元群") or of the lead's only building, and which buildings
// exist.
type Context struct {
	Building string
	Unit     string
	// Known reports whether a building exists; nil accepts any.
	Known func(building string) bool
}

// ParsedLine is one line read as an order.
type ParsedLine struct {
	Line    int           `json:"line"`
	Address Address       `json:"address"`
	Items   []ItemRequest `json:"items"`
	// Number is the line's entry number in a 接龙 (the 3 of "3. …"), 0
	// when the line has none.
	Number int `json:"number,omitempty"`
	// Phone is the mobile number written on the line, digits only
	// (13812345678), so the lead can call households without WeChat.
	Phone string `json:"phone,omitempty"`
	// Urgent is set when the line says 急, 紧急, 救命 … (see CutUrgent).
	Urgent bool `json:"urgent,omitempty"`
	// Note is the line's remark for the volunteer (see CutNote).
	Note string `json:"note,omitempty"`
}

// RejectedLine is a line that looks like an order but cannot be read.
type RejectedLine struct {
	Line   int    `json:"line"`
	Text   string `json:"text"`
	Reason string `json:"reason"`
	// Number is the line's entry number in a 接龙, 0 when it has none.
	Number int `json:"number,omitempty"`
}

// OverriddenLine is an order dropped because a later line of the same text
// orders for the same household: in a 接龙 the later line wins.
type OverriddenLine struct {
	Line      int    `json:"line"`
	By        int    `json:"by"`
	Household string `json:"household"`
	// Number and ByNumber are the two lines' entry numbers in a 接龙 (0
	// when a line has none): what the lead sees in the group chat.
	Number   int `json:"number,omitempty"`
	ByNumber int `json:"by_number,omitempty"`
}

// TextResult is what ParseText read.
type TextResult struct {
	Orders   []ParsedLine   `json:"orders"`
	Rejected []RejectedLine `json:"rejected"`
	// Overridden lists the orders replaced by a later line for the same
	// household; they are no longer in Orders.
	Overridden []OverriddenLine `json:"overridden,omitempty"`
	// Title is the title of the 接龙 (the text after "#接龙", or the line
	// below it), empty when the text has no 接龙 header.
	Title string `json:"title,omitempty"`
}

// ParseText reads a text as households' orders, one per line. It reads a
// single message as well as a whole 接龙 pasted by a building lead:
//
//   - After a 接龙 header (#接龙, #接龍, # 接龙, #Group Note) only numbered
//     entries (1. 1、 1） 1) 1．) are orders; other lines are the title and
//     description. Without a header every line is considered.
//   - Examples (lines starting with 例, 例如, 格式 …) are never orders and
//     never rejected.
//   - A building (and unit) in the header's title ("#接龙 6栋2单元群 蔬菜包")
//     completes lines that give less ("501 蔬菜包2份", "2-501 …"), like
//     the caller's Context does; it never overrides what a line states.
//   - Phone numbers are taken out of the line before reading it and kept
//     in ParsedLine.Phone.
//   - The same household on two lines: the later line wins, the earlier
//     is listed in Overridden.
//
// Lines with neither an address nor goods (and no entry number) are chatter
// and skipped; lines that look like an order but cannot be read come back
// in Rejected with a reason. Nothing that may be an order is dropped
// unsaid: every numbered entry is an order, overridden or rejected (only a
// 接龙's numbered rules are description, see classify), and an unnumbered
// line among the entries that names a household and goods is rejected
// with ReasonUnnumbered. Line numbers are 1-based.
func ParseText(cat *catalog.Catalog, text string, c Context) TextResult {
	res := TextResult{Orders: []ParsedLine{}, Rejected: []RejectedLine{}}
	lines := classify(cat, strings.Split(text, "\n"), c, &res.Title)
	var (
		byHouse = map[string]int{} // household -> index in res.Orders
		dropped []bool             // res.Orders[i] was overridden
	)
	for i, l := range lines {
		if l.kind == lineLoose {
			if r := readBody(cat, l.body, l.ctx); r.st != addrNone && r.hasGoods() {
				res.Rejected = append(res.Rejected, RejectedLine{Line: i + 1, Text: l.text, Reason: ReasonUnnumbered})
			}
			continue
		}
		if l.kind != lineEntry && l.kind != lineOther {
			continue
		}
		pl, reason, isOrder := parseBody(cat, l.body, l.num, l.ctx)
		if l.kind == lineOther && reason == ReasonNoAddress && l.num >= 1000 {
			// Without a 接龙 around it, 1202、鸡蛋1盒 is room 1202, as
			// it was when entry numbers had three digits at most.
			if whole, _, ok := parseBody(cat, zh.Fold(l.text), 0, l.ctx); ok {
				pl, reason, isOrder = whole, "", true
			}
		}
		if reason == ReasonNoItems && sameAsAbove(l.body) && len(res.Orders) > 0 {
			// 3-1-102 同上: the goods of the entry above.
			pl.Items, reason, isOrder = slices.Clone(res.Orders[len(res.Orders)-1].Items), "", true
		}
		switch {
		case reason != "":
			res.Rejected = append(res.Rejected, RejectedLine{Line: i + 1, Number: l.num, Text: l.text, Reason: reason})
		case isOrder:
			pl.Line = i + 1
			h := pl.Address.Household()
			if k, dup := byHouse[h]; dup {
				dropped[k] = true
				res.Overridden = append(res.Overridden, OverriddenLine{Line: res.Orders[k].Line, By: pl.Line, Household: h,
					Number: res.Orders[k].Number, ByNumber: pl.Number})
			}
			byHouse[h] = len(res.Orders)
			res.Orders = append(res.Orders, pl)
			dropped = append(dropped, false)
		}
	}
	if len(res.Overridden) > 0 {
		kept := res.Orders[:0]
		for k, o := range res.Orders {
			if !dropped[k] {
				kept = append(kept, o)
			}
		}
		res.Orders = kept
	}
	return res
}

// ParseLine reads one line. It returns the order, or a reason when the line
// looks like an order but cannot be read, or isOrder=false and no reason
// for chatter. An entry number (3. …) and a phone number on the line are
// returned in pl.Number and pl.Phone.
func ParseLine(cat *catalog.Catalog, line string, c Context) (pl ParsedLine, reason string, isOrder bool) {
	num, body := splitNumber(zh.Fold(strings.TrimSpace(line)))
	if isExample(body) {
		return ParsedLine{Number: num}, "", false
	}
	return parseBody(cat, body, num, contextFor(c, ""))
}

// lineContext is the Context a line is read in, after a 接龙 header's
// title has had its say.
type lineContext struct {
	Context
	// needUnit: the building is known (a "6栋" title) but buildings have
	// units, so a line giving only a room is incomplete.
	needUnit bool
}

type addrStatus int

const (
	addrNone addrStatus = iota
	addrFound
	addrUnknownBuilding
	addrNoUnit
	addrTwo // two households on one line
)

// body is a line's parts as read, before deciding what the line is.
type body struct {
	phone  string
	urgent bool
	addr   Address
	rest   string // the line without phone, urgency, address and note
	note   string
	st     addrStatus
	items  ItemParse
}

// hasGoods reports whether the line asks for anything, readable or not.
func (b *body) hasGoods() bool {
	p := &b.items
	return len(p.Items)+len(p.ZeroQty)+len(p.TooMany)+len(p.UnknownGoods)+len(p.Fractional)+len(p.Negative)+len(p.Unclear) > 0
}

// readBody reads folded line s, its entry number already taken off.
func readBody(cat *catalog.Catalog, s string, c lineContext) body {
	var b body
	b.phone, s = stripPhones(s)
	s, b.urgent = CutUrgent(cat, s)
	b.addr, b.rest, b.st = resolveAddress(cat, s, c)
	b.rest, b.note = CutNote(b.rest)
	b.items = ParseItems(cat, b.rest)
	return b
}

// parseBody reads folded line s, its entry number already taken off.
func parseBody(cat *catalog.Catalog, s string, num int, c lineContext) (ParsedLine, string, bool) {
	b := readBody(cat, s, c)
	pl := ParsedLine{Number: num, Phone: b.phone, Urgent: b.urgent, Note: b.note}
	addr, rest, st, p, hasGoods := b.addr, b.rest, b.st, b.items, b.hasGoods()
	switch {
	case num == 0 && st == addrNone && !hasGoods:
		return pl, "", false // chatter: 收到, 谢谢楼长
	case withdrawn(rest):
		return pl, ReasonWithdrawn, false
	case st == addrNone:
		return pl, ReasonNoAddress, false
	case st == addrUnknownBuilding:
		return pl, ReasonUnknownBuilding, false
	case st == addrNoUnit:
		return pl, ReasonNoUnit, false
	case st == addrTwo:
		return pl, ReasonTwoHouseholds, false
	case len(p.UnknownGoods) > 0:
		return pl, ReasonUnknownItem + unknownWords(cat, p.UnknownGoods), false
	case len(p.Negative) > 0:
		return pl, ReasonNegative + itemNames(cat, p.Negative), false
	case len(p.Fractional) > 0:
		return pl, ReasonNotWhole + itemNames(cat, p.Fractional), false
	case len(p.Unclear) > 0:
		return pl, ReasonUnclear + itemNames(cat, p.Unclear), false
	case len(p.ZeroQty) > 0:
		return pl, ReasonZeroQty + itemNames(cat, p.ZeroQty), false
	case len(p.TooMany) > 0:
		return pl, ReasonTooMany + itemNames(cat, p.TooMany), false
	case len(p.Items) == 0:
		var typos []string
		for _, w := range p.Unknown {
			if likeItem(cat, w) != "" {
				typos = append(typos, w)
			}
		}
		if len(typos) > 0 {
			return pl, ReasonUnknownItem + unknownWords(cat, typos), false
		}
		pl.Address = addr // for 同上, which takes the goods of the line above
		return pl, ReasonNoItems, false
	}
	if Asks(rest, p) {
		return pl, ReasonQuestion, false
	}
	pl.Address, pl.Items = addr, p.Items
	return pl, "", true
}

// resolveAddress finds the household in folded text s, completing it from
// the context, and returns s without the address.
func resolveAddress(cat *catalog.Catalog, s string, c lineContext) (Address, string, addrStatus) {
	known := func(b string) bool { return c.Known == nil || c.Known(b) }
	m, ok := FindAddress(s, c.Known)
	if !ok && c.Known != nil {
		m, ok = FindAddress(s, nil)
	}
	if ok {
		rest := s[:m.Start] + " " + s[m.End:]
		a := m.Address
		if m.short && c.Building != "" {
			// 2-501 in a building known from the context: unit 2
			// room 501, unless the 2 restates the building.
			switch {
			case a.Building != c.Building:
				a = Address{Building: c.Building, Unit: a.Building, Room: a.Room}
			case c.Unit != "":
				a.Unit = c.Unit
			case c.needUnit:
				return Address{}, rest, addrNoUnit
			}
		} else if a.Unit == "" && a.Building == c.Building {
			switch {
			case c.Unit != "":
				a.Unit = c.Unit // 6栋501 in a 6栋2单元 group
			case c.needUnit:
				return Address{}, rest, addrNoUnit // 6栋501 in a 6栋 group
			}
		}
		if !known(a.Building) {
			return Address{}, rest, addrUnknownBuilding
		}
		// A second address: the same one said twice (3-2-501（3栋2单元
		// 501）) goes, another household makes the line unreadable.
		if m2, ok := FindAddress(rest, c.Known); ok && len(m2.Room) >= 3 {
			if a2, _, _ := resolveAddress(cat, rest[m2.Start:m2.End], c); a2 != a {
				return Address{}, rest, addrTwo
			}
			rest = rest[:m2.Start] + " " + rest[m2.End:]
		}
		return a, rest, addrFound
	}
	if c.Building == "" {
		return Address{}, s, addrNone
	}
	status := addrFound
	if !known(c.Building) {
		status = addrUnknownBuilding
	}
	if unit, room, start, end, ok := findUnitRoom(s); ok {
		return Address{Building: c.Building, Unit: unit, Room: room}, s[:start] + " " + s[end:], status
	}
	isUnit := func(t string) bool { return unitAt(cat, []rune(t)) > 0 }
	if room, start, end, _, ok := findRoom(isUnit, s); ok {
		rest := s[:start] + " " + s[end:]
		if c.needUnit && status == addrFound {
			status = addrNoUnit
		}
		if room2, _, _, glued, ok := findRoom(isUnit, rest); ok && !glued && room2 != room && status == addrFound {
			status = addrTwo // 501、502 各一份蔬菜包
		}
		return Address{Building: c.Building, Unit: c.Unit, Room: room}, rest, status
	}
	return Address{}, s, addrNone
}

// itemNames renders SKUs as the items' names for a reason.
func itemNames(cat *catalog.Catalog, skus []string) string {
	names := make([]string, len(skus))
	for i, sku := range skus {
		names[i] = sku
		if it, ok := cat.Item(sku); ok {
			names[i] = it.Name
		}
	}
	return strings.Join(names, "、")
}

// unknownWords renders words the catalog does not have, each with the item
// it most looks like: 鸡旦（是不是：鸡蛋）、西红柿.
func unknownWords(cat *catalog.Catalog, words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = w
		if name := likeItem(cat, w); name != "" {
			out[i] += "（" + ReasonDidYouMean + name + "）"
		}
	}
	return strings.Join(out, "、")
}

// likeItem returns the name of the item w is one typo away from — one
// character different from a name or alias of the same length, at least
// two long: 鸡旦, 牛乃, 蔬采包 — or "" when there is none or more than one
// (面包 is as close to 菜包 as to 面条).
func likeItem(cat *catalog.Catalog, w string) string {
	rw := []rune(catalog.Normalize(w))
	if len(rw) < 2 {
		return ""
	}
	found := ""
	for i := range cat.Items {
		it := &cat.Items[i]
		for _, name := range append([]string{it.Name}, it.Aliases...) {
			rn := []rune(catalog.Normalize(name))
			if len(rn) != len(rw) {
				continue
			}
			diff := 0
			for k := range rn {
				if rn[k] != rw[k] {
					diff++
				}
			}
			if diff != 1 {
				continue
			}
			if found != "" && found != it.Name {
				return ""
			}
			found = it.Name
		}
	}
	return found
}

// sameWords say "the same goods as the line above" in a 接龙.
var sameWords = []string{"同上", "同楼上", "跟上面一样", "和上面一样", "同前", "一样"}

// sameAsAbove reports whether folded line s asks for the goods of the
// line above (3-1-102 同上).
func sameAsAbove(s string) bool { return containsAny(s, sameWords) }

// withdrawWords mark a line whose household takes its order back.
var withdrawWords = []string{"不要了", "不需要了", "取消", "退订", "撤销"}

func withdrawn(s string) bool { return containsAny(s, withdrawWords) }

// containsAny reports whether s contains one of words.
func containsAny(s string, words []string) bool {
	return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(s, w) })
}
