package catalog

import "sort"

// Suggest returns up to n item names that look most like word, closest
// first, for replies such as "没有找到"西红柿"，您是不是要：番茄". Names that
// share no character with word are never suggested.
func (c *Catalog) Suggest(word string, n int) []string {
	w := []rune(Normalize(word))
	if len(w) == 0 || n <= 0 {
		return nil
	}
	type cand struct {
		name string
		dist int
	}
	best := map[string]int{} // item name -> smallest distance over its keys
	for key, it := range c.byKey {
		k := []rune(key)
		if !sharesRune(w, k) {
			continue
		}
		d := distance(w, k)
		// Too far apart means a different word altogether: allow about
		// half of the longer word to differ.
		if d > (max(len(w), len(k))+1)/2 {
			continue
		}
		if old, ok := best[it.Name]; !ok || d < old {
			best[it.Name] = d
		}
	}
	cands := make([]cand, 0, len(best))
	for name, d := range best {
		cands = append(cands, cand{name, d})
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].dist != cands[j].dist {
			return cands[i].dist < cands[j].dist
		}
		return cands[i].name < cands[j].name
	})
	var out []string
	for _, cd := range cands {
		if len(out) == n {
			break
		}
		out = append(out, cd.name)
	}
	return out
}

func sharesRune(a, b []rune) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// distance is the Levenshtein distance over runes.
func distance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
