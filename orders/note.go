package orders

import (
	"strings"
	"unicode/utf8"

	"github.com/baogong/baogong/catalog"
)

// A remark written beside the goods (蔬菜包1份 不要香菜, 鸡蛋1盒 放门口就行,
// 下午送, 老人独居请敲门) is for the volunteer: it is kept on the order as
// its Note and shown on the roster and in the lead's 汇总, never read as
// goods (before, 不要香菜 came back as "没有找到").

// noteCues start a remark. 不要 alone is not one: 不要了 withdraws a line.
var noteCues = []string{
	"不要香菜", "不要葱", "不要辣", "不要太", "不要放", "别放", "别敲门", "不用敲门",
	"放门口", "放在", "放到", "挂门上", "挂在门", "门口就行",
	"上午送", "中午送", "下午送", "晚上送", "早上送", "早点送", "尽快送", "什么时候送都行",
	"请敲门", "敲门", "打电话", "电话联系", "先打电话",
	"备注", "注：", "注:", "ps", "PS",
	"老人独居", "独居", "行动不便", "腿脚不便", "卧床",
	"要新鲜", "挑新鲜", "换成", "多放", "少放",
}

// MaxNote bounds a note: it is printed on a roster line.
const MaxNote = 60

// CutNote takes a remark out of folded text s: from its first cue to the
// end. It returns what is left to read as goods and the note ("" when
// there is none).
func CutNote(s string) (rest, note string) {
	at := -1
	for _, c := range noteCues {
		if i := strings.Index(s, c); i >= 0 && (at < 0 || i < at) {
			at = i
		}
	}
	if at < 0 {
		return s, ""
	}
	end := len(s)
	// A remark in brackets is the whole bracket: (周末不在家，放门口).
	if open := strings.LastIndexAny(s[:at], "(（"); open >= 0 && !strings.ContainsAny(s[open:at], ")）") {
		if close := strings.IndexAny(s[at:], ")）"); close >= 0 {
			at, end = open+len("("), at+close
			if strings.HasPrefix(s[open:], "（") {
				at = open + len("（")
			}
			rest = strings.TrimRight(s[:open], " ，,。.;；、") + " " + strings.TrimLeft(s[end:], ")） ，,")
			note = strings.Trim(s[at:end], " ，,。.;；、")
			return strings.TrimSpace(rest), clip(note)
		}
	}
	note = strings.Trim(s[at:end], " ，,。.;；、)）")
	rest = strings.TrimRight(s[:at], " ，,。.;；、（(")
	note = strings.TrimPrefix(strings.TrimPrefix(note, "备注"), "：")
	note = strings.TrimLeft(note, ":： ")
	return rest, clip(note)
}

// clip bounds a note to MaxNote characters.
func clip(note string) string {
	if utf8.RuneCountInString(note) > MaxNote {
		return string([]rune(note)[:MaxNote]) + "…"
	}
	return note
}

// Remarks takes out of p (ParseItems of folded s) the words that follow
// the first goods and are not goods: neither carrying a quantity
// (UnknownGoods) nor close to a catalog name (a misspelling, which is
// asked about). They are a remark for the volunteer (蔬菜包1份
// 门口有只大黄狗), not goods nobody has. So is a sentence before the goods
// (我们是中风险小区 蔬菜包1份): four characters or more, set apart from
// what follows; a word glued to the goods (疏菜包) is a misspelling. It
// returns them as one remark, in order, and the unknown words left.
func Remarks(cat *catalog.Catalog, s string, p ItemParse) (remark string, unknown []string) {
	first := firstGoods(cat, s)
	if first < 0 || len(p.Items) == 0 {
		return "", p.Unknown
	}
	goods := map[string]bool{}
	for _, w := range p.UnknownGoods {
		goods[w] = true
	}
	var words []string
	at := 0
	for _, w := range p.Unknown {
		i := strings.Index(s[at:], w)
		if i >= 0 {
			at += i + len(w)
		}
		if i >= 0 && (at-len(w) > first || sentence(s, at, w)) && !goods[w] && len(cat.Suggest(w, 1)) == 0 {
			words = append(words, w)
			continue
		}
		unknown = append(unknown, w)
	}
	return clip(strings.Join(words, " ")), unknown
}

// sentence reports whether w, ending at s[end], is a sentence of its own
// before the goods: four characters or more, and followed by a space or
// a punctuation mark.
func sentence(s string, end int, w string) bool {
	if utf8.RuneCountInString(w) < 4 || end >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[end:])
	return strings.ContainsRune(" ,，。、;；:：!！?？~", r)
}

// firstGoods is where in s the first catalog item's name stands (-1 for
// none).
func firstGoods(cat *catalog.Catalog, s string) int {
	rs := []rune(s)
	at := 0
	for i := range rs {
		if it, _ := cat.MatchAt(rs[i:]); it != nil {
			return at
		}
		at += utf8.RuneLen(rs[i])
	}
	return -1
}

// phoneLabels name a phone number written beside it (电话13566667777):
// with the number taken out they are no goods and no remark.
var phoneLabels = []string{"联系电话", "手机号码", "手机号", "电话号码", "电话", "手机", "tel", "Tel", "TEL"}

// StripPhoneLabel takes the words that named a phone number taken out of
// folded s (see StripPhone).
func StripPhoneLabel(s string) string {
	for _, w := range phoneLabels {
		s = strings.ReplaceAll(s, w, " ")
	}
	return s
}
