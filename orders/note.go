package orders

import (
	"strings"
	"unicode/utf8"
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
