package orders

import (
	"strings"

	"github.com/baogong/baogong/catalog"
)

// A cry for help (救命, 晕倒, 喘不上气 …) is not an order: someone's life may
// be at risk, and a person must read it now, whatever else the message
// holds, whoever sends it, and whichever door it names. 急 alone is not a
// cry: it asks for goods fast (an urgent order, see CutUrgent).

// cryWords are what people write when someone may be in danger, after
// zh.Fold. Each alone makes a message a cry.
var cryWords = []string{
	"救命", "急救", "救救",
	"晕倒", "昏倒", "晕过去", "昏过去", "昏迷", "不省人事", "叫不醒",
	"喘不上气", "喘不过气", "上不来气", "透不过气", "呼吸困难", "没有呼吸", "没呼吸", "没气了",
	"胸口疼", "胸口痛", "胸痛", "心梗", "心脏病发", "中风", "抽搐", "抽风",
	"摔倒", "摔了一跤", "倒在地上", "起不来了", "流血不止", "大出血",
	"快不行了", "不行了", "打120", "叫120", "拨120", "120急救",
}

// IsCry reports whether folded text s is a cry for help. Words inside a
// catalog item's name (急救包) are goods, not a cry.
func IsCry(cat *catalog.Catalog, s string) bool {
	for _, w := range cryWords {
		for from := 0; ; {
			i := strings.Index(s[from:], w)
			if i < 0 {
				break
			}
			at := from + i
			if !inItemName(cat, s, at, len(w)) {
				return true
			}
			from = at + len(w)
		}
	}
	return false
}

// inItemName reports whether s[at:at+n] lies inside a catalog item's name
// or alias written in s.
func inItemName(cat *catalog.Catalog, s string, at, n int) bool {
	if cat == nil {
		return false
	}
	for i := range cat.Items {
		it := &cat.Items[i]
		for _, name := range append([]string{it.Name}, it.Aliases...) {
			for from := 0; ; {
				j := strings.Index(s[from:], name)
				if j < 0 {
					break
				}
				start := from + j
				if start <= at && at+n <= start+len(name) {
					return true
				}
				from = start + len(name)
			}
		}
	}
	return false
}

// FindAddresses returns the doors written in s (up to max), in order, each
// once: a cry names the door of the person in trouble, which may be a
// neighbour's (救命 3栋9单元102的老人晕倒了).
func FindAddresses(s string, known func(building string) bool, max int) []Address {
	var out []Address
	for len(out) < max {
		m, ok := FindAddress(s, known)
		if !ok {
			break
		}
		dup := false
		for _, a := range out {
			dup = dup || a == m.Address
		}
		if !dup {
			out = append(out, m.Address)
		}
		s = s[:m.Start] + " " + s[m.End:]
	}
	return out
}
