package loadgen

import (
	"context"
	"fmt"
	"strings"
)

// Jielong is what a lead's 接龙 paste measured.
type Jielong struct {
	// Households is how many entries the paste held.
	Households int `json:"households"`
	// Bytes is the size of the pasted text.
	Bytes int `json:"bytes"`
	// First is the first paste (every household new), Again the same list
	// pasted once more (nothing changes).
	First JielongPaste `json:"first"`
	Again JielongPaste `json:"again"`
}

// JielongPaste is one paste and its answer.
type JielongPaste struct {
	Seconds float64 `json:"seconds"`
	// Error is the error kind when there was no readable answer.
	Error string `json:"error,omitempty"`
	// Total and Placed are the answer's 共N户 and 新下单N户 (-1: not said);
	// Refused is how many entries it names as not registered (第3条 …),
	// Cut whether it was cut short for WeChat's 2048 bytes.
	Total   int  `json:"total"`
	Placed  int  `json:"placed"`
	Refused int  `json:"refused"`
	Cut     bool `json:"cut,omitempty"`
	// Head is the answer's first two lines.
	Head string `json:"head"`
}

// pasteJielong has lead paste a 接龙 of n households in buildings (each
// ordering item), then paste it again, and times both answers.
func pasteJielong(ctx context.Context, c *client, lead string, buildings []string, n int, item, title string) *Jielong {
	hs := make([]string, n)
	for i := range hs {
		hs[i] = householdAt(buildings, i).key()
	}
	text := jielongText(title, hs, item)
	j := &Jielong{Households: n, Bytes: len(text)}
	w := newWire(c)
	defer w.close()
	for _, p := range []*JielongPaste{&j.First, &j.Again} {
		if ctx.Err() != nil {
			break
		}
		o := c.send(w, lead, text)
		o.open(c.acct)
		p.Seconds = o.latency.Seconds()
		p.Error = o.err
		p.Total, p.Placed, p.Refused, p.Cut = jielongCounts(o.reply)
		lines := strings.SplitN(o.reply, "\n", 3)
		p.Head = strings.Join(lines[:min(2, len(lines))], " / ")
	}
	return j
}

// problems says what is wrong with the answers: no answer, or entries the
// answer neither counts as registered nor names as refused (unless it was
// cut short, when the rest cannot be seen).
func (j *Jielong) problems() []string {
	var out []string
	for _, p := range []struct {
		name string
		*JielongPaste
	}{{"first paste", &j.First}, {"second paste", &j.Again}} {
		lost := j.Households - max(p.Total, 0) - p.Refused
		switch {
		case p.Error != "":
			out = append(out, fmt.Sprintf("接龙 %s: no answer (%s)", p.name, p.Error))
		case lost > 0 && !p.Cut:
			out = append(out, fmt.Sprintf("接龙 %s: %d of %d entries neither registered nor named as refused: %q",
				p.name, lost, j.Households, p.Head))
		}
	}
	return out
}
