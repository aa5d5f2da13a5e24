package orders

import (
	"strings"
	"unicode"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/zh"
)

// MaxQty is the most of one item a single line may ask for; more is almost
// always a typo (a phone number read as a quantity, 蔬菜包22).
const MaxQty = 99

// ItemRequest is one item asked for in a message, before stock and pricing.
type ItemRequest struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

// ItemParse is what ParseItems read from a text.
type ItemParse struct {
	Items []ItemRequest
	// Unknown holds words that look like goods but match no catalog item,
	// in the order they appear.
	Unknown []string
	// ZeroQty holds the SKUs asked for with a quantity of zero.
	ZeroQty []string
	// TooMany holds the SKUs asked for with more than MaxQty.
	TooMany []string
}

type tokKind int

const (
	tokItem tokKind = iota
	tokNum
	tokUnit
	tokTimes // × x * before a quantity
	tokEach  // 各, as in 米、面各1袋
	tokSep
	tokWord
)

type token struct {
	kind tokKind
	item *catalog.Item
	n    int
	text string
	// space marks a separator made only of spaces: "菜包 2" still ties the
	// 2 to 菜包, "菜包，2份鸡蛋" does not.
	space bool
}

// units people put after a quantity. The catalog's own units are added
// when tokenising.
var units = []string{"公斤", "千克", "份", "盒", "袋", "个", "斤", "瓶", "箱", "包", "桶", "支", "板", "罐", "提", "件", "把", "只", "条", "块", "颗", "片", "粒", "听", "卷", "捆", "盘", "串", "兜", "套", "组", "打", "管", "贴", "枚", "扎", "kg", "g"}

// fillers are words around an order that carry no goods: 我要、来、麻烦、谢谢.
// Longest first, so 我想要 goes before 我想 and 要.
var fillers = []string{"麻烦帮我", "我想要", "帮我买", "给我来", "买药", "我要", "我想", "想要", "需要", "麻烦", "帮我", "帮忙", "给我", "谢谢", "一下", "下单", "订购", "预订", "一共", "合计", "总共", "还要", "另外", "以及", "还有", "购买", "买", "要", "来", "订", "请", "共", "再", "也", "的", "了", "吧", "啊", "呀", "哦", "嗯", "和", "与", "及", "跟", "加", "谢", "您", "好", "你"}

// ParseItems reads the goods and quantities in folded text s (see zh.Fold)
// against the catalog. It understands quantities after the item
// (蔬菜包2份, 鸡蛋×2, 鸡蛋 x2, 鸡蛋*2, 鸡蛋 2) and before it (来三份菜包,
// 两盒鸡蛋), Chinese numerals, 各 (米、面各1袋), and any separator. An item
// without a quantity counts as 1. The same item named twice with one
// quantity — a generic and a brand name, 布洛芬（芬必得）1盒 — counts once;
// two explicit quantities add up.
func ParseItems(cat *catalog.Catalog, s string) ItemParse {
	toks := tokenize(cat, s)
	var (
		out      ItemParse
		pending  = -1 // a quantity seen before its item: 三份菜包
		explicit = map[string]bool{}
		qty      = map[string]int{}
		order    []string
		noQty    []string // items of the current run still waiting for 各
	)
	add := func(sku string, n int, has bool) {
		if _, seen := qty[sku]; !seen {
			order = append(order, sku)
			qty[sku] = 0
		}
		switch {
		case has && explicit[sku]:
			qty[sku] += n
		case has:
			qty[sku] = n
			explicit[sku] = true
		case !explicit[sku]:
			qty[sku] = 1
		}
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.kind {
		case tokNum:
			pending = t.n
			if i+1 < len(toks) && toks[i+1].kind == tokUnit {
				i++
			}
		case tokEach:
			if i+1 < len(toks) && toks[i+1].kind == tokNum {
				for _, sku := range noQty {
					explicit[sku] = false
					add(sku, toks[i+1].n, true)
				}
				noQty = nil
				i++
				if i+1 < len(toks) && toks[i+1].kind == tokUnit {
					i++
				}
			}
		case tokItem:
			j := i + 1
			for j < len(toks) && (toks[j].kind == tokTimes || (toks[j].kind == tokSep && toks[j].space)) {
				j++
			}
			sku := t.item.SKU
			switch {
			case j < len(toks) && toks[j].kind == tokNum:
				add(sku, toks[j].n, true)
				i = j
				if i+1 < len(toks) && toks[i+1].kind == tokUnit {
					i++
				}
				noQty = nil
			case pending >= 0:
				add(sku, pending, true)
				noQty = nil
			default:
				add(sku, 0, false)
				noQty = append(noQty, sku)
			}
			pending = -1
		case tokWord:
			if w := stripFillers(t.text); w != "" {
				out.Unknown = append(out.Unknown, w)
			}
			pending = -1
		}
	}
	for _, sku := range order {
		switch n := qty[sku]; {
		case n == 0:
			out.ZeroQty = append(out.ZeroQty, sku)
		case n > MaxQty:
			out.TooMany = append(out.TooMany, sku)
		default:
			out.Items = append(out.Items, ItemRequest{SKU: sku, Qty: n})
		}
	}
	return out
}

func tokenize(cat *catalog.Catalog, s string) []token {
	rs := []rune(s)
	var toks []token
	var word []rune
	flush := func() {
		if len(word) > 0 {
			toks = append(toks, token{kind: tokWord, text: string(word)})
			word = word[:0]
		}
	}
	for i := 0; i < len(rs); {
		r := rs[i]
		if it, n := cat.MatchAt(rs[i:]); it != nil {
			flush()
			toks = append(toks, token{kind: tokItem, item: it})
			i += n
			continue
		}
		if zh.IsDigitRune(r) {
			j := i
			for j < len(rs) && zh.IsDigitRune(rs[j]) {
				j++
			}
			if n, ok := zh.ParseNumber(string(rs[i:j])); ok {
				flush()
				toks = append(toks, token{kind: tokNum, n: n})
				i = j
				continue
			}
		}
		if len(toks) > 0 && toks[len(toks)-1].kind == tokNum && len(word) == 0 {
			if u := unitAt(cat, rs[i:]); u > 0 {
				toks = append(toks, token{kind: tokUnit})
				i += u
				continue
			}
		}
		switch {
		case r == '×' || r == '*' || ((r == 'x' || r == 'X') && len(word) == 0 && digitAhead(rs[i+1:])):
			flush()
			toks = append(toks, token{kind: tokTimes})
		case r == '各':
			flush()
			toks = append(toks, token{kind: tokEach})
		case unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r):
			flush()
			space := unicode.IsSpace(r)
			if n := len(toks); n > 0 && toks[n-1].kind == tokSep {
				toks[n-1].space = toks[n-1].space && space
			} else {
				toks = append(toks, token{kind: tokSep, space: space})
			}
		default:
			word = append(word, r)
		}
		i++
	}
	flush()
	return toks
}

// digitAhead reports whether a number follows, after optional spaces: the
// x of "鸡蛋 x 2" is a times sign, the x of "xl" is not.
func digitAhead(rs []rune) bool {
	for _, r := range rs {
		if !unicode.IsSpace(r) {
			return zh.IsDigitRune(r)
		}
	}
	return false
}

// unitAt returns the length in runes of the unit word at the start of rs.
func unitAt(cat *catalog.Catalog, rs []rune) int {
	for _, it := range cat.Items {
		if it.Unit != "" && hasRunePrefix(rs, it.Unit) {
			return len([]rune(it.Unit))
		}
	}
	for _, u := range units {
		if hasRunePrefix(rs, u) {
			return len([]rune(u))
		}
	}
	return 0
}

func hasRunePrefix(rs []rune, p string) bool {
	i := 0
	for _, r := range p {
		if i >= len(rs) || rs[i] != r {
			return false
		}
		i++
	}
	return true
}

// stripFillers removes filler words and returns what is left when it still
// holds a letter or a Han character.
func stripFillers(w string) string {
	for _, f := range fillers {
		w = strings.ReplaceAll(w, f, "")
	}
	for _, r := range w {
		if unicode.IsLetter(r) {
			return w
		}
	}
	return ""
}
