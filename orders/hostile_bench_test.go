package orders

import (
	"strings"
	"testing"
)

// BenchmarkParseHostile reads the worst texts a sender may send (within
// the message caps): long runs of one character used to make the
// tokenizer quadratic (30 000 一 took 14 s, 60 000 "(" 2 s); each is
// linear now, a few milliseconds.
func BenchmarkParseHostile(b *testing.B) {
	cat := testCatalog(b)
	for name, s := range map[string]string{
		"brackets":  "#接龙\n1. 3-1-101 挂面1袋" + strings.Repeat("(", 60000),
		"numerals":  strings.Repeat("一", 21000),
		"digits":    strings.Repeat("1", 64000),
		"addresses": strings.Repeat("3栋2单元501 ", 4000),
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				ParseText(cat, s, Context{})
			}
		})
	}
}
