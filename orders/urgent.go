package orders

import (
	"strings"
	"time"

	"github.com/baogong/baogong/catalog"
)

// DefaultUrgentClaim is how long an urgent order may wait for someone to
// claim it before the community's admins hear of it, when the community
// does not say.
const DefaultUrgentClaim = 30 * time.Minute

// ClaimWait is how long an urgent order may wait for a claim in c.
func (c *Community) ClaimWait() time.Duration {
	if c.UrgentClaim > 0 {
		return c.UrgentClaim
	}
	return DefaultUrgentClaim
}

// urgentWords make a message urgent; calmWords say it is not (不急) and are
// taken out first, so 不急 is not read as 急. Longest first within each.
var (
	urgentWords = []string{"救命", "救急", "紧急", "急需", "急用", "加急", "特急", "很急", "着急", "急急", "急"}
	calmWords   = []string{"不是很急", "不太急", "不着急", "不用急", "不紧急", "不急", "别急"}
)

// CutUrgent finds the words that mark folded text s as urgent (急, 紧急,
// 救命 …) and returns s with them blanked out, so the rest parses as an
// order, and whether any was there. "不急" and the like are blanked too
// but do not count. Urgent words inside a catalog item's name or alias
// (急支糖浆) are goods, not urgency, and stay.
func CutUrgent(cat *catalog.Catalog, s string) (string, bool) {
	if !strings.Contains(s, "急") && !strings.Contains(s, "救命") {
		return s, false
	}
	b := []byte(s)
	keep := make([]bool, len(b)) // bytes of item names
	if cat != nil {
		for i := range cat.Items {
			it := &cat.Items[i]
			for _, name := range append([]string{it.Name}, it.Aliases...) {
				if !strings.Contains(name, "急") && !strings.Contains(name, "救命") {
					continue
				}
				for from := 0; ; {
					j := strings.Index(s[from:], name)
					if j < 0 {
						break
					}
					for k := from + j; k < from+j+len(name); k++ {
						keep[k] = true
					}
					from += j + len(name)
				}
			}
		}
	}
	blank := func(words []string) bool {
		found := false
		for _, w := range words {
			for from := 0; ; {
				j := strings.Index(string(b[from:]), w)
				if j < 0 {
					break
				}
				at := from + j
				from = at + len(w)
				kept := false
				for k := at; k < at+len(w); k++ {
					kept = kept || keep[k]
				}
				if kept {
					continue
				}
				for k := at; k < at+len(w); k++ {
					b[k] = ' '
				}
				found = true
			}
		}
		return found
	}
	blank(calmWords)
	urgent := blank(urgentWords)
	return string(b), urgent
}

// IsUrgent reports whether an order must skip the queue: its message said
// so (said), one of its lines is an urgent catalog item (insulin), or its
// household carries a mark.
func IsUrgent(cat *catalog.Catalog, lines []Line, said bool, marks []Mark) bool {
	if said || len(marks) > 0 {
		return true
	}
	for _, l := range lines {
		if it, ok := cat.Item(l.SKU); ok && it.Urgent {
			return true
		}
	}
	return false
}

// PendingSince is when o last became pending: when it was placed, or when
// an approval moved it to pending later. Edits of a pending order do not
// count.
func PendingSince(o Order) time.Time {
	since := o.CreatedAt
	prev := Status("")
	for _, e := range o.History {
		if e.Status == StatusPending && prev != StatusPending {
			since = e.At
		}
		prev = e.Status
	}
	return since
}
