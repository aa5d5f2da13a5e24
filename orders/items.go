package orders

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/zh"
)

// maxDigits is the longest run of digits ParseNumber reads; longer runs
// overflow.
const maxDigits = 9

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
	// Unknown holds every word left over that is neither a catalog item
	// nor a filler, in the order they appear: goods the catalog lacks
	// (西红柿), but also names and remarks (李阿姨, 放门口).
	Unknown []string
	// UnknownGoods holds the Unknown words that carry a quantity with a
	// unit or a times sign (西红柿2斤, 两斤西红柿, 西红柿×2) or share a 各
	// (西红柿、土豆各1斤): certainly goods, never a name or a remark.
	UnknownGoods []string
	// ZeroQty holds the SKUs asked for with a quantity of zero.
	ZeroQty []string
	// TooMany holds the SKUs asked for with more than MaxQty.
	TooMany []string
	// Fractional holds the SKUs asked for with a fractional quantity
	// (猪肉1.5斤, 两斤半, 半斤): goods are sold in whole units.
	Fractional []string
	// Negative holds the SKUs asked for with a quantity below zero
	// (鸡蛋-3盒): a typo or a test, never an order.
	Negative []string
	// Unclear holds the SKUs whose quantity a label leaves open: 蔬菜包
	// 鸡蛋 共2件 (two in all, or two eggs?), 蔬菜包 鸡蛋 数量2. Never
	// guessed at: the line is refused naming them.
	Unclear []string
	// Unsaid holds the SKUs of Items written without a quantity (counted
	// as 1): 还有鸡蛋吗 names eggs, it does not say how many.
	Unsaid []string
	// Declined holds the SKUs written as not wanted: 鸡蛋不要了, 不要鸡蛋.
	// They are not in Items: never ordered.
	Declined []string
}

type tokKind int

const (
	tokItem tokKind = iota
	tokNum
	tokUnit
	tokTimes // × x * before a quantity, or a label: 数量2, 共2份
	tokEach  // 各, as in 米、面各1袋
	tokSep
	tokWord
)

type token struct {
	kind tokKind
	item *catalog.Item
	n    int
	// frac marks a number with a fraction: 1.5, 两斤半, 半斤.
	frac bool
	// text is the word (tokWord), the name of the item as written
	// (tokItem) or the separator's characters (tokSep).
	text string
	// space marks a separator made only of spaces: "菜包 2" still ties the
	// 2 to 菜包, "菜包，2份鸡蛋" does not.
	space bool
	// total marks a tokTimes that says how many in all (共, 一共): the
	// quantity of one item only when no other item comes before it.
	total bool
}

// qtyLabels name the number right after them as a quantity (蔬菜包 数量2,
// 蔬菜包 共2份); total ones say how many in all. Longest first.
var qtyLabels = []struct {
	word  string
	total bool
}{{"数量", false}, {"一共", true}, {"总共", true}, {"共计", true}, {"共", true}}

// units people put after a quantity. The catalog's own units are added
// when tokenising.
var units = []string{"公斤", "千克", "份", "盒", "袋", "个", "斤", "瓶", "箱", "包", "桶", "支", "板", "罐", "提", "件", "把", "只", "条", "块", "颗", "片", "粒", "听", "卷", "捆", "盘", "串", "兜", "套", "组", "打", "管", "贴", "枚", "扎", "kg", "g"}

// fillers are words around an order that carry no goods: 我要、来、麻烦、谢谢,
// a polite order's 能帮我…吗 and 麻烦送…, and a question before the
// quantity (有鸡蛋吗 我要2盒, 请问还有蔬菜包吗 要2份).
// Longest first, so 我想要 goes before 我想 and 要.
var fillers = []string{"麻烦问下", "问一下", "有没有", "能不能帮我", "可不可以帮我", "麻烦帮我", "能不能", "可不可以", "能帮我", "能给我", "能送", "可以送", "可以帮我", "能否", "可否", "送过来", "送来", "就可以", "就行", "也行", "都行", "即可", "可以", "就好", "够了", "左右", "就", "我想要", "帮我买", "给我来", "买药", "我要", "我想", "想要", "请问", "问下", "需要", "麻烦", "帮我", "帮忙", "给我", "谢谢", "一下", "下单", "订购", "预订", "一共", "合计", "总共", "还要", "另外", "以及", "还有", "购买", "买", "要", "来", "订", "请", "共", "再", "也", "的", "了", "吧", "啊", "呀", "哦", "嗯", "和", "与", "及", "跟", "加", "谢", "您", "好", "你", "送", "吗", "有"}

// ParseItems reads the goods and quantities in folded text s (see zh.Fold)
// against the catalog. It understands quantities after the item
// (蔬菜包2份, 鸡蛋×2, 鸡蛋 x2, 鸡蛋*2, 鸡蛋 2, 蔬菜包（2份）) and before it
// (来三份菜包, 两盒鸡蛋), Chinese numerals, 各 (米、面各1袋), and any
// separator. An item without a quantity counts as 1.
//
// The same item under different names on one line counts once, at the
// largest quantity given: a generic and a brand name, 布洛芬（芬必得）1盒 or
// 布洛芬1盒 芬必得1盒, is one box, never two. The same name given twice with
// quantities adds up (蔬菜包1份…蔬菜包1份 is 2).
//
// One-character names (米, 面, 蛋, 奶, 肉) count only when they stand on
// their own: 奶奶, 小米, 牛肉, 面包 and 方便面 are words, not milk, rice,
// pork or noodles.
func ParseItems(cat *catalog.Catalog, s string) ItemParse {
	toks := tokenize(cat, s)
	type mention struct {
		sku, name string
		n         int
		explicit  bool
		frac      bool
	}
	var (
		out      ItemParse
		mentions []mention
		pending  = -1    // a quantity seen before its item: 三份菜包
		withUnit = false // pending was followed by a unit: 三份
		fracPend = false // pending has a fraction: 半斤肉
		noQty    []int   // mentions of the current run still waiting for 各
		words    []int   // indexes in out.Unknown of words waiting for 各
		unclear  = map[string]bool{}
		// bare are the mentions without a quantity since the last word
		// that is not a filler: 鸡蛋要两盒 and 蔬菜包，要2份 give them the
		// quantity that follows (see trailing).
		bare []int
		// declining: the word before the item said it is not wanted.
		declining bool
	)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.kind {
		case tokNum:
			// x2 蔬菜包: a times sign marks the number as a quantity,
			// as a unit does (a label does not: 一共126户 is no goods).
			pending, withUnit, fracPend = t.n, i > 0 && toks[i-1].kind == tokTimes && toks[i-1].text == "", t.frac
			if u := unitOf(toks, i); u > 0 {
				i, withUnit = u, true // 2盒鸡蛋, 2 盒 鸡蛋
			}
			if len(bare) > 0 && (withUnit || fillerBefore(toks, i)) && trailing(toks, i+1) {
				// 鸡蛋要两盒, 鸡蛋：2盒, 有鸡蛋吗 我要2盒: no item follows,
				// so the quantity is the bare item's before it. Several
				// bare items (蔬菜包 鸡蛋 要2份) leave it open.
				if len(bare) > 1 {
					for _, k := range bare {
						unclear[mentions[k].sku] = true
					}
				} else {
					k := bare[0]
					mentions[k].n, mentions[k].explicit, mentions[k].frac = pending, true, fracPend
				}
				bare, noQty, pending = nil, nil, -1
			}
		case tokEach:
			if i+1 < len(toks) && toks[i+1].kind == tokNum {
				for _, k := range noQty {
					mentions[k].n, mentions[k].explicit, mentions[k].frac = toks[i+1].n, true, toks[i+1].frac
				}
				for _, k := range words {
					out.UnknownGoods = append(out.UnknownGoods, out.Unknown[k])
				}
				i++
				if i+1 < len(toks) && toks[i+1].kind == tokUnit {
					i++
				}
			}
			noQty, words, bare, pending = nil, nil, nil, -1
		case tokItem:
			m := mention{sku: t.item.SKU, name: t.text}
			q, end, _, ok := qtyAfter(toks, i+1)
			if after := withdrawnAfter(toks, max(i, end)+1); declining || after >= 0 {
				// 不要鸡蛋, 鸡蛋不要了, 鸡蛋2盒不要了: not wanted.
				out.Declined = append(out.Declined, m.sku)
				switch {
				case after >= 0:
					i = after
				case ok:
					i = end
				}
				declining, pending = false, -1
				continue
			}
			if ok && pending >= 0 && end+1 < len(toks) && toks[end+1].kind == tokItem {
				ok = false // 两份蔬菜包一盒鸡蛋: the 一盒 is the 鸡蛋's
			}
			if ok && labelled(toks, i+1, end, len(mentions) > 0, len(noQty) > 0) {
				// 蔬菜包 鸡蛋 共2件: whose two, or two in all?
				unclear[m.sku] = true
				for _, k := range noQty {
					unclear[mentions[k].sku] = true
				}
			}
			if ok {
				m.n, m.explicit, m.frac = q, true, fracAt(toks, end)
				i = end
				noQty, bare = nil, nil
			} else if pending >= 0 {
				m.n, m.explicit, m.frac = pending, true, fracPend
				noQty, bare = nil, nil
			} else {
				noQty = append(noQty, len(mentions))
				bare = append(bare, len(mentions))
			}
			mentions = append(mentions, m)
			pending = -1
		case tokWord:
			if declines(t.text) {
				j := i + 1
				for j < len(toks) && toks[j].kind == tokSep && toks[j].space {
					j++
				}
				if j < len(toks) && toks[j].kind == tokItem {
					declining, i = true, j-1 // 不要鸡蛋, 不要 鸡蛋
					continue
				}
			}
			w := stripFillers(t.text)
			if w == "" {
				continue // 来三份菜包: the 来 keeps nothing from the 三份
			}
			out.Unknown = append(out.Unknown, w)
			bare = nil                        // 鸡蛋 昨天买了2盒: the 2盒 is not the 鸡蛋's
			goods := pending >= 0 && withUnit // 两斤西红柿
			if _, end, marked, ok := qtyAfter(toks, i+1); ok && marked && !quantityOfNextItem(toks, end+1) {
				// 西红柿2斤 — unless the quantity belongs to the item
				// right after it: 李阿姨2份蔬菜包.
				goods = true
				i = end
			}
			if goods {
				out.UnknownGoods = append(out.UnknownGoods, w)
			} else {
				words = append(words, len(out.Unknown)-1)
			}
			pending = -1
		case tokSep:
			if strings.ContainsAny(t.text, "，,；;/+。") {
				noQty, words = nil, nil // 蔬菜包，米、面各2袋: the 各 is not the 菜包's
			}
			if t.space && len(noQty) == 0 {
				words = nil // 老周 米、面各1袋: a name before the list is not goods
			}
			if !t.space || !withUnit {
				pending = -1 // 张三 蔬菜包: the 三 is a name's
			}
		}
	}
	// Merge mentions per SKU: names add up, different names of the same
	// item take the largest.
	type agg struct {
		byName   map[string]int
		explicit bool
		frac     bool
	}
	var order []string
	aggs := map[string]*agg{}
	for _, m := range mentions {
		a := aggs[m.sku]
		if a == nil {
			a = &agg{byName: map[string]int{}}
			aggs[m.sku] = a
			order = append(order, m.sku)
		}
		a.frac = a.frac || m.frac
		if m.explicit {
			if !a.explicit {
				clear(a.byName)
				a.explicit = true
			}
			a.byName[m.name] += m.n
		} else if !a.explicit {
			a.byName[m.name] = 1
		}
	}
	for _, sku := range order {
		n := 0
		for _, q := range aggs[sku].byName {
			n = max(n, q)
		}
		neg := false
		for _, q := range aggs[sku].byName {
			neg = neg || q < 0
		}
		switch {
		case unclear[sku]:
			out.Unclear = append(out.Unclear, sku)
		case neg:
			out.Negative = append(out.Negative, sku)
		case aggs[sku].frac:
			out.Fractional = append(out.Fractional, sku)
		case n == 0:
			out.ZeroQty = append(out.ZeroQty, sku)
		case n > MaxQty:
			out.TooMany = append(out.TooMany, sku)
		default:
			out.Items = append(out.Items, ItemRequest{SKU: sku, Qty: n})
			if !aggs[sku].explicit {
				out.Unsaid = append(out.Unsaid, sku)
			}
		}
	}
	return out
}

// qtyAfter reads the quantity that follows toks[:j]: an optional times
// sign, spaces or brackets (蔬菜包（2份）, 布洛芬（芬必得）2盒), a number and
// an optional unit. It returns the quantity, the index of its last token,
// and whether a unit or a times sign marked it as a quantity.
//
// After a space, a quantity glued to the next item is that item's:
// 蔬菜包 2份鸡蛋 is one 蔬菜包 and two 鸡蛋.
func qtyAfter(toks []token, j int) (n, end int, marked, ok bool) {
	times, label, spaced := false, false, false
	for j < len(toks) {
		switch {
		case toks[j].kind == tokTimes && toks[j].text != "":
			label = true // 数量2: a quantity, but of goods only after an item
		case toks[j].kind == tokTimes:
			times = true
		case toks[j].kind == tokSep && (toks[j].space || onlyBrackets(toks[j].text)):
			spaced = spaced || toks[j].space
		default:
			goto done
		}
		j++
	}
done:
	if j >= len(toks) || toks[j].kind != tokNum {
		return 0, 0, false, false
	}
	n, end = toks[j].n, j
	if u := unitOf(toks, j); u > 0 {
		end = u
	}
	if spaced && !times && !label && end+1 < len(toks) && toks[end+1].kind == tokItem {
		return 0, 0, false, false
	}
	return n, end, times || end > j, true
}

// unitOf returns the index of the unit of the number at toks[j]: right
// after it, or after a space (挂面 1 袋: the tokenizer reads a unit after
// a number's space only), else 0.
func unitOf(toks []token, j int) int {
	switch {
	case j+1 < len(toks) && toks[j+1].kind == tokUnit:
		return j + 1
	case j+2 < len(toks) && toks[j+1].kind == tokSep && toks[j+1].space && toks[j+2].kind == tokUnit:
		return j + 2
	}
	return 0
}

// withdrawals say the goods before them are not wanted (鸡蛋不要了);
// refusals, the goods after them (不要鸡蛋). A remark is neither: 蔬菜包
// 不要香菜 does not refuse the 蔬菜包 (CutNote takes it first), nor does
// 不要太小.
var (
	withdrawals = []string{"不要", "不用", "不需要", "不买", "就不要", "先不要", "暂时不要", "也不要", "都不要", "不要啦"}
	refusals    = []string{"不要", "不用", "不需要", "不买", "别买", "别送"}
	particles   = []string{"了", "啦", "吧", "哦", "啊", "呀"}
)

// withdrawnAfter returns the index of the word at toks[j] (after spaces)
// that withdraws the goods before it, or -1.
func withdrawnAfter(toks []token, j int) int {
	for j < len(toks) && toks[j].kind == tokSep && toks[j].space {
		j++
	}
	if j >= len(toks) || toks[j].kind != tokWord || j+1 < len(toks) && toks[j+1].kind == tokItem {
		return -1 // 大米1袋 不要鸡蛋: the eggs are refused, not the rice
	}
	w := toks[j].text
	for trimmed := true; trimmed; {
		trimmed = false
		for _, p := range particles {
			if rest, ok := strings.CutSuffix(w, p); ok {
				w, trimmed = rest, true
			}
		}
	}
	if slices.Contains(withdrawals, w) {
		return j
	}
	return -1
}

// declines reports whether word w, just before an item, refuses it:
// 不要鸡蛋, 我不要鸡蛋了.
func declines(w string) bool {
	for _, r := range refusals {
		if strings.HasSuffix(w, r) {
			return true
		}
	}
	return false
}

// trailing reports whether toks[j:] holds no item the quantity just
// before toks[j] could be for: the end of the text, a separator that is
// not a space (鸡蛋要两盒，大米要一袋), or a word (鸡蛋 要2盒 放门口). After
// spaces, an item takes it (鸡蛋 要 2盒 大米: as 2盒大米).
func trailing(toks []token, j int) bool {
	for j < len(toks) && toks[j].kind == tokSep && toks[j].space {
		j++
	}
	return j >= len(toks) || toks[j].kind == tokSep || toks[j].kind == tokWord
}

// fillerBefore reports whether the number toks[i] follows a word made of
// fillers only: 鸡蛋要2, 蔬菜包 来2 (a bare number after a word that says
// nothing is still asked for).
func fillerBefore(toks []token, i int) bool {
	return i > 0 && toks[i-1].kind == tokWord && stripFillers(toks[i-1].text) == ""
}

// labelled reports whether the quantity toks[j:end+1] read after an item
// is one a label leaves open: any label after items still without a
// quantity (蔬菜包 鸡蛋 数量2), a total after any other item (蔬菜包1份
// 鸡蛋 共2件).
func labelled(toks []token, j, end int, before, waiting bool) bool {
	for ; j <= end; j++ {
		if t := toks[j]; t.kind == tokTimes && t.text != "" {
			return waiting || (t.total && before)
		}
	}
	return false
}

// fracAt reports whether the quantity ending at toks[end] (a number, or a
// unit after one) has a fraction.
func fracAt(toks []token, end int) bool {
	if toks[end].kind == tokUnit && end > 0 {
		end--
		if toks[end].kind == tokSep && end > 0 {
			end-- // 猪肉 1.5 斤
		}
	}
	return toks[end].kind == tokNum && toks[end].frac
}

// quantityOfNextItem reports whether toks[j:] starts, after spaces, with
// an item that has no quantity of its own, so that a quantity just before
// toks[j] is that item's: 李阿姨2份蔬菜包.
func quantityOfNextItem(toks []token, j int) bool {
	for j < len(toks) && toks[j].kind == tokSep && toks[j].space {
		j++
	}
	if j >= len(toks) || toks[j].kind != tokItem {
		return false
	}
	_, _, _, own := qtyAfter(toks, j+1)
	return !own
}

func onlyBrackets(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !strings.ContainsRune("()[]【】<>《》「」", r) {
			return false
		}
	}
	return true
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
		if it, n := cat.MatchAt(rs[i:]); it != nil && (n > 1 || standsAlone(cat, rs, i, word)) {
			flush()
			toks = append(toks, token{kind: tokItem, item: it, text: string(rs[i : i+n])})
			i += n
			i += formSuffixAt(rs[i:]) // 布洛芬胶囊: the 胶囊 is the 布洛芬's
			continue
		}
		if len(word) == 0 {
			// 数量2, 共 2份, 一共两份 (before 一 is read as a number).
			if t, n := qtyLabelAt(rs[i:]); n > 0 {
				toks = append(toks, t)
				i += n
				continue
			}
		}
		// A minus glued to a number that no digit precedes (鸡蛋-3盒, not
		// 3-2-501) makes it negative: asked about, never ordered.
		sign := 1
		if (r == '-' || r == '负') && i+1 < len(rs) && isASCIIDigit(rs[i+1]) && (i == 0 || !zh.IsDigitRune(rs[i-1])) {
			sign = -1
			i++
			r = rs[i]
		}
		if zh.IsDigitRune(r) {
			j := i
			for j < len(rs) && zh.IsDigitRune(rs[j]) {
				j++
			}
			n, ok := zh.ParseNumber(string(rs[i:j]))
			if !ok && j-i > maxDigits {
				// 99999999999999999999 (or 一一一…) overflows: it is
				// still a quantity, and far too many. Taking the run
				// whole also keeps a long run from being read again
				// from each of its digits (quadratic: 30 000 一 took
				// 14 s).
				n, ok = MaxQty+1, true
			}
			if ok {
				flush()
				t := token{kind: tokNum, n: sign * n}
				// 1.5: a decimal point between digits.
				if j+1 < len(rs) && (rs[j] == '.' || rs[j] == '点') && isASCIIDigit(rs[j+1]) {
					t.frac = true
					for j++; j < len(rs) && isASCIIDigit(rs[j]); j++ {
					}
				}
				toks = append(toks, t)
				i = j
				continue
			}
		}
		if r == '半' && len(word) == 0 && unitAt(cat, rs[i+1:]) > 0 {
			flush()
			toks = append(toks, token{kind: tokNum, frac: true}) // 半斤
			i++
			continue
		}
		if n := len(toks); n > 0 && len(word) == 0 && (toks[n-1].kind == tokNum || n > 1 && toks[n-1].kind == tokSep && toks[n-1].space && toks[n-2].kind == tokNum) {
			// A unit after a number, or after a number and a space (挂面 1 袋).
			if u := unitAt(cat, rs[i:]); u > 0 {
				toks = append(toks, token{kind: tokUnit})
				i += u
				if i < len(rs) && rs[i] == '半' {
					toks[len(toks)-2].frac = true // 两斤半
					i++
				}
				continue
			}
		}
		switch {
		case unicode.Is(unicode.Mn, r) || r == '\u200d' || (r >= '\ufe00' && r <= '\ufe0f'):
			// Emoji joiners and variation selectors (✖️ is ✖ U+FE0F)
			// are invisible: they neither join nor split anything.
		case r == '×' || r == '*' || r == '✖' || ((r == 'x' || r == 'X') && digitAhead(rs[i+1:]) && (len(word) == 0 || word[len(word)-1] >= utf8.RuneSelf)):
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
				// A separator's text is read as a set of characters:
				// keep each once, so a run of 60 000 "(" stays short
				// (appending each was quadratic).
				if !strings.ContainsRune(toks[n-1].text, r) {
					toks[n-1].text += string(r)
				}
			} else {
				toks = append(toks, token{kind: tokSep, space: space, text: string(r)})
			}
		default:
			word = append(word, r)
		}
		i++
	}
	flush()
	return toks
}

// formSuffixes are words that describe an item's form right after its
// name: 布洛芬胶囊, 连花清瘟颗粒, 抗原试剂. Longest first.
var formSuffixes = []string{"缓释胶囊", "检测试剂", "胶囊", "颗粒", "试剂", "片剂", "药片", "片"}

// formSuffixAt returns the length in runes of the form suffix at the start
// of rs, or 0.
func formSuffixAt(rs []rune) int {
	for _, f := range formSuffixes {
		if hasRunePrefix(rs, f) {
			return len([]rune(f))
		}
	}
	return 0
}

// standsAlone reports whether the one-character name at rs[i] is meant as
// the item: 米、面各1袋 and 要米2袋 yes, 小米, 奶奶, 牛肉 and 面包 no.
func standsAlone(cat *catalog.Catalog, rs []rune, i int, word []rune) bool {
	if len(word) > 0 && !endsWithFiller(word) {
		return false
	}
	if i+1 >= len(rs) {
		return true
	}
	next := rs[i+1]
	switch {
	case next == rs[i]:
		return false // 奶奶, 米米
	case !unicode.Is(unicode.Han, next) || zh.IsDigitRune(next) || next == '各':
		return true
	}
	if it, _ := cat.MatchAt(rs[i+1:]); it != nil {
		return true // 米面各1袋
	}
	return startsWithFiller(rs[i+1:])
}

func endsWithFiller(word []rune) bool {
	w := string(word)
	for _, f := range fillers {
		if strings.HasSuffix(w, f) {
			return true
		}
	}
	return false
}

func startsWithFiller(rs []rune) bool {
	for _, f := range fillers {
		if hasRunePrefix(rs, f) {
			return true
		}
	}
	return false
}

// qtyLabelAt returns the times token of the quantity label at the start
// of rs, with the colon and spaces after it, and its length in runes; 0
// when no number follows the label.
func qtyLabelAt(rs []rune) (token, int) {
	for _, l := range qtyLabels {
		if !hasRunePrefix(rs, l.word) {
			continue
		}
		n := len([]rune(l.word))
		for n < len(rs) && (rs[n] == ':' || rs[n] == '：' || unicode.IsSpace(rs[n])) {
			n++
		}
		if n < len(rs) && zh.IsDigitRune(rs[n]) {
			return token{kind: tokTimes, text: l.word, total: l.total}, n
		}
		return token{}, 0
	}
	return token{}, 0
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

// stripFillers removes filler words from both ends of w (我要西红柿谢谢 is
// 西红柿, 小朋友的奶粉 stays) and returns what is left when it still holds
// a letter or a Han character.
func stripFillers(w string) string {
	for changed := true; changed; {
		changed = false
		for _, f := range fillers {
			if t, ok := strings.CutPrefix(w, f); ok {
				w, changed = t, true
			}
			if t, ok := strings.CutSuffix(w, f); ok {
				w, changed = t, true
			}
		}
	}
	for _, r := range w {
		if unicode.IsLetter(r) {
			return w
		}
	}
	return ""
}
