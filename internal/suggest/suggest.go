// Package suggest finds the known word a mistyped one was meant to be,
// for errors that say "did you mean …?": config and catalog keys,
// environment variables, job names.
package suggest

import "strings"

// Closest returns the word of known that word most likely misspells:
// the nearest by edit distance (a letter added, dropped, changed, or two
// neighbours swapped count one each), ignoring case, when it is at most
// a third of the word's length away (at least 1, at most 3); else the one
// sharing the longest start with word, when that start is longer than
// two letters and half the word. ok is false when nothing is that close.
// Ties go to the first in known.
func Closest(word string, known []string) (best string, ok bool) {
	w := strings.ToLower(word)
	most := min(max(len([]rune(w))/3, 1), 3)
	bestD := most + 1
	for _, k := range known {
		if d := distance(w, strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	if bestD <= most {
		return best, true
	}
	longest := max(2, len(w)/2)
	for _, k := range known {
		if n := sharedStart(w, strings.ToLower(k)); n > longest {
			best, longest, ok = k, n, true
		}
	}
	return best, ok
}

func sharedStart(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// distance is the optimal string alignment distance of a and b, by runes:
// Levenshtein's, with a swap of two neighbours counted as one edit.
func distance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}
