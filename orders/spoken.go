package orders

import (
	"strings"
	"time"
	"unicode"

	"github.com/baogong/baogong/internal/zh"
)

// Speech recognition (a WeChat voice message's Recognition) writes what
// was said, as said: 嗯，那个，我要两份蔬菜包。 Heard and Spoken are the one
// place that turns it into what the bot reads.

// spokenEnds are the marks recognition puts around a sentence (WeChat ends
// every recognised text with 。), before and after zh.Fold.
const spokenEnds = " \t\r\n。．.!！?？，,、~～…；;：:"

// spokenFillers are the sounds and words people put around what they mean
// when they speak; they are never goods nor commands. Longest first.
var spokenFillers = []string{"就是说", "那个", "这个", "就是", "然后", "你好", "您好", "嗯", "啊", "呃", "哦", "噢", "呀", "吧", "呢", "嘛", "哎", "唉", "喂"}

// spokenDigits are the numerals people read one at a time (幺零零五, 五零一).
var spokenDigits = map[rune]byte{'零': '0', '〇': '0', '幺': '1', '一': '1', '二': '2', '两': '2', '三': '3', '四': '4',
	'五': '5', '六': '6', '七': '7', '八': '8', '九': '9'}

// Heard is recognised text as it is shown back to the speaker: what WeChat
// heard, without the spaces and stops around it ("" when nothing was
// heard).
func Heard(recognition string) string {
	return strings.Trim(recognition, spokenEnds)
}

// Spoken is recognised text as the bot reads it, like the same words typed:
// folded (zh.Fold), without fillers (嗯 啊 那个 就是 吧 呢 …, wherever they
// are), without the stops around it, and with numbers read digit by digit
// (幺零零五, 五零一; three digits or more) written in digits, so
// 嗯，取消幺零零五。 is 取消1005. Quantities stay as said (两份, 一斤半):
// ParseItems reads those. A filler leaves a space where it was, so the
// words on either side stay apart; a run of spaces and marks becomes one.
// The result is "" when nothing but fillers was said.
func Spoken(recognition string) string {
	s := zh.Fold(recognition)
	for _, f := range spokenFillers {
		s = strings.ReplaceAll(s, f, " ")
	}
	return strings.Trim(squeeze(digitRuns(s)), spokenEnds)
}

// squeeze turns each run of spaces and marks into its first mark, or one
// space when it holds only spaces: " ， ，我要" is "，我要".
func squeeze(s string) string {
	var b strings.Builder
	var run []rune
	flush := func() {
		if len(run) == 0 {
			return
		}
		mark := ' '
		for _, r := range run {
			if !unicode.IsSpace(r) {
				mark = r
				break
			}
		}
		b.WriteRune(mark)
		run = run[:0]
	}
	for _, r := range s {
		if strings.ContainsRune(spokenEnds, r) || unicode.IsSpace(r) {
			run = append(run, r)
			continue
		}
		flush()
		b.WriteRune(r)
	}
	flush()
	return b.String()
}

// digitRuns writes runs of three or more numerals read one at a time
// (幺零零五) in ASCII digits (1005).
func digitRuns(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && spokenDigits[rs[j]] != 0 {
			j++
		}
		if j-i >= 3 {
			for _, r := range rs[i:j] {
				b.WriteByte(spokenDigits[r])
			}
			i = j
			continue
		}
		if j == i {
			j++
		}
		b.WriteString(string(rs[i:j]))
		i = j
	}
	return b.String()
}

// Pending is an order heard in a voice message that waits for its sender
// to confirm it (是), because the hearing may be wrong: a word not
// understood, a large quantity, medicine.
type Pending struct {
	// RequestID is the request id the order is placed under (that of the
	// voice message): however often it is confirmed, it is placed once.
	RequestID string `json:"request_id"`
	// Household is the sender's household when it was heard.
	Household string        `json:"household"`
	Items     []ItemRequest `json:"items"`
	// Heard is what was heard; At when.
	Heard string    `json:"heard"`
	At    time.Time `json:"at"`
}
