package orders

import (
	"regexp"
	"strings"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/zh"
)

// Reasons a line is rejected, in words a building lead understands. They
// are shown to leads as they are.
const (
	ReasonNoAddress       = "没有门牌号（例：3栋2单元501）"
	ReasonUnknownBuilding = "本社区没有这个楼栋"
	ReasonNoItems         = "没有写要买什么"
	ReasonUnknownItem     = "没有这个商品："
	ReasonZeroQty         = "数量是0："
	ReasonTooMany         = "数量太多："
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
}

// RejectedLine is a line that looks like an order but cannot be read.
type RejectedLine struct {
	Line   int    `json:"line"`
	Text   string `json:"text"`
	Reason string `json:"reason"`
}

// TextResult is what ParseText read.
type TextResult struct {
	Orders   []ParsedLine   `json:"orders"`
	Rejected []RejectedLine `json:"rejected"`
}

// ParseText reads every line of text as a household's order (address and
// items). Lines with neither an address nor goods are chatter and skipped;
// lines with one but not the other, or with unknown goods or bad
// quantities, come back in Rejected with a reason. Line numbers are 1-based.
func ParseText(cat *catalog.Catalog, text string, c Context) TextResult {
	res := TextResult{Orders: []ParsedLine{}, Rejected: []RejectedLine{}}
	for i, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		if line == "" {
			continue
		}
		pl, reason, isOrder := ParseLine(cat, line, c)
		switch {
		case reason != "":
			res.Rejected = append(res.Rejected, RejectedLine{Line: i + 1, Text: line, Reason: reason})
		case isOrder:
			pl.Line = i + 1
			res.Orders = append(res.Orders, pl)
		}
	}
	return res
}

// reRoomOnly finds a room number standing alone, for lines that rely on the
// context for building and unit: "501 蔬菜包2份", "1202室 鸡蛋1盒".
var reRoomOnly = regexp.MustCompile(`(?:^|[^0-9])([0-9]{3,4})(\s*(?:室|房|号))?(?:$|[^0-9])`)

// ParseLine reads one line. It returns the order, or a reason when the line
// looks like an order but cannot be read, or isOrder=false for chatter.
func ParseLine(cat *catalog.Catalog, line string, c Context) (pl ParsedLine, reason string, isOrder bool) {
	s := zh.Fold(line)
	rest := s
	var addr Address
	m, ok := FindAddress(s, c.Known)
	if !ok && c.Known != nil {
		if m, ok = FindAddress(s, nil); ok {
			return ParsedLine{}, ReasonUnknownBuilding, false
		}
	}
	switch {
	case ok:
		addr = m.Address
		rest = s[:m.Start] + " " + s[m.End:]
	case c.Building != "":
		if loc := reRoomOnly.FindStringSubmatchIndex(s); loc != nil {
			addr = Address{Building: c.Building, Unit: c.Unit, Room: strings.TrimLeft(s[loc[2]:loc[3]], "0")}
			end := loc[3]
			if loc[5] > 0 {
				end = loc[5] // the 室 goes too
			}
			rest = s[:loc[2]] + " " + s[end:]
			ok = true
		}
	}
	p := ParseItems(cat, rest)
	hasGoods := len(p.Items)+len(p.ZeroQty)+len(p.TooMany) > 0
	switch {
	case !ok && !hasGoods:
		return ParsedLine{}, "", false // chatter: 收到, 谢谢楼长
	case !ok:
		return ParsedLine{}, ReasonNoAddress, false
	case len(p.Unknown) > 0:
		return ParsedLine{}, ReasonUnknownItem + strings.Join(p.Unknown, "、"), false
	case len(p.ZeroQty) > 0:
		return ParsedLine{}, ReasonZeroQty + strings.Join(p.ZeroQty, "、"), false
	case len(p.TooMany) > 0:
		return ParsedLine{}, ReasonTooMany + strings.Join(p.TooMany, "、"), false
	case !hasGoods:
		return ParsedLine{}, ReasonNoItems, false
	}
	return ParsedLine{Address: addr, Items: p.Items}, "", true
}
