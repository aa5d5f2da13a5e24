package outbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/baogong/baogong/orders"
)

// CheckTemplates compares the templates the config names (Templates) with
// the account's own (have: template id → the fields it shows), given the
// fields each configured template is sent (fill: template id → fields):
// a template the account lacks, or one without a field baogong fills
// (that part would show blank), is a problem. Each is logged, and staff
// are told once a week at most (the notice's id is the problems' digest,
// remembered for Retention: a restart with the same problems tells nobody
// again meanwhile). It returns the problems.
func (o *Outbox) CheckTemplates(ctx context.Context, have, fill map[string][]string) []string {
	kinds := map[string][]string{} // template id → the kinds it serves
	for k, id := range o.Templates {
		kinds[id] = append(kinds[id], k)
	}
	ids := make([]string, 0, len(kinds))
	for id := range kinds {
		ids = append(ids, id)
		slices.Sort(kinds[id])
	}
	slices.Sort(ids)
	var problems []string
	for _, id := range ids {
		words := make([]string, len(kinds[id]))
		for i, k := range kinds[id] {
			words[i] = kindWords[k]
		}
		own, ok := have[id]
		if !ok {
			problems = append(problems, textTemplateMissing(id, strings.Join(words, "、"), kinds[id][0]))
			o.log.Error("outbox: the account has no such template", "template", id, "kinds", kinds[id])
			continue
		}
		if len(own) == 0 {
			// Its content named no field we can read: say nothing wrong
			// of it (WeChat may write content otherwise one day).
			o.log.Warn("outbox: could not read the fields of a template; not checked", "template", id)
			continue
		}
		var lack []string
		for _, f := range fill[id] {
			if !slices.Contains(own, f) {
				lack = append(lack, f)
			}
		}
		if len(lack) > 0 {
			problems = append(problems, textTemplateFields(id, strings.Join(words, "、"), lack, own))
			o.log.Error("outbox: a template lacks fields baogong fills; set wechat.template_fields", "template", id, "lacks", lack, "has", own)
		}
	}
	if len(problems) == 0 {
		return nil
	}
	text := textTemplateCheck(problems)
	sum := sha256.Sum256([]byte(text))
	var ns []Notice
	for _, s := range o.Staff {
		ns = append(ns, Notice{ID: "tpl-check:" + hex.EncodeToString(sum[:6]) + ":" + s, OpenID: s, Kind: "alert", Text: text,
			Brief: &orders.Brief{What: textTemplateCheckBrief, Status: textFixIt}})
	}
	if err := o.Enqueue(ctx, ns...); err != nil {
		o.log.Error("outbox: tell staff of template problems", "err", err)
	}
	return problems
}
