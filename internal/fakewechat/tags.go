package fakewechat

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
)

// User tags and menus by tag: WeChat's conditional menus match on a
// user's tags only (100 tags an account, 50 openids a tagging call).

const (
	maxTags       = 100
	maxTagBatch   = 50
	firstTagID    = 100 // ids 0–99 are WeChat's own
	maxCondMenus  = 20
	errTagExists  = 45157
	errTagUnknown = 45159
	errBatchSize  = 40032
	errNoMenu     = 65303 // a conditional menu needs the default menu
)

// Tag is a user tag of the account.
type Tag struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// ConditionalMenu is a menu shown to those with a tag.
type ConditionalMenu struct {
	MenuID int             `json:"menuid"`
	TagID  string          `json:"tag_id"`
	Body   json.RawMessage `json:"body"`
}

// Tags returns the account's tags.
func (a *API) Tags() []Tag {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Tag(nil), a.tags...)
}

// TagsOf returns the names of openid's tags, sorted.
func (a *API) TagsOf(openid string) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, t := range a.tags {
		if a.tagged[t.ID][openid] {
			out = append(out, t.Name)
		}
	}
	slices.Sort(out)
	return out
}

// ConditionalMenus returns the conditional menus made, oldest first.
func (a *API) ConditionalMenus() []ConditionalMenu {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]ConditionalMenu(nil), a.condMenus...)
}

func (a *API) serveTagCreate(w http.ResponseWriter, r *http.Request) {
	if !a.postWithToken(w, r) {
		return
	}
	var req struct {
		Tag struct {
			Name string `json:"name"`
		} `json:"tag"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case req.Tag.Name == "" || len([]rune(req.Tag.Name)) > 30:
		writeError(w, 45158)
		return
	case len(a.tags) >= maxTags:
		writeError(w, 45056)
		return
	}
	for _, t := range a.tags {
		if t.Name == req.Tag.Name {
			writeError(w, errTagExists)
			return
		}
	}
	t := Tag{ID: firstTagID + len(a.tags), Name: req.Tag.Name}
	a.tags = append(a.tags, t)
	writeJSON(w, map[string]any{"tag": t})
}

func (a *API) serveTagGet(w http.ResponseWriter, r *http.Request) {
	if !a.getWithToken(w, r) {
		return
	}
	a.mu.Lock()
	tags := make([]map[string]any, len(a.tags))
	for i, t := range a.tags {
		tags[i] = map[string]any{"id": t.ID, "name": t.Name, "count": len(a.tagged[t.ID])}
	}
	a.mu.Unlock()
	writeJSON(w, map[string]any{"tags": tags})
}

// serveTagging tags (on) or untags openids.
func (a *API) serveTagging(on bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !a.postWithToken(w, r) {
			return
		}
		var req struct {
			OpenIDs []string `json:"openid_list"`
			TagID   int      `json:"tagid"`
		}
		if !readJSON(w, r, &req) {
			return
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		switch {
		case len(req.OpenIDs) == 0 || len(req.OpenIDs) > maxTagBatch:
			writeError(w, errBatchSize)
			return
		case !slices.ContainsFunc(a.tags, func(t Tag) bool { return t.ID == req.TagID }):
			writeError(w, errTagUnknown)
			return
		}
		if a.tagged[req.TagID] == nil {
			a.tagged[req.TagID] = map[string]bool{}
		}
		for _, id := range req.OpenIDs {
			if on {
				a.tagged[req.TagID][id] = true
			} else {
				delete(a.tagged[req.TagID], id)
			}
		}
		writeError(w, 0)
	}
}

// serveTagUsers lists a tag's users (all in one page: the fake's tags are
// small).
func (a *API) serveTagUsers(w http.ResponseWriter, r *http.Request) {
	if !a.postWithToken(w, r) {
		return
	}
	var req struct {
		TagID int    `json:"tagid"`
		Next  string `json:"next_openid"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	a.mu.Lock()
	var ids []string
	if req.Next == "" {
		for id := range a.tagged[req.TagID] {
			ids = append(ids, id)
		}
	}
	a.mu.Unlock()
	slices.Sort(ids)
	writeJSON(w, map[string]any{"count": len(ids), "data": map[string]any{"openid": ids}, "next_openid": ""})
}

func (a *API) serveMenuAddConditional(w http.ResponseWriter, r *http.Request) {
	var m struct {
		Button    []button `json:"button"`
		MatchRule struct {
			TagID string `json:"tag_id"`
		} `json:"matchrule"`
	}
	body, ok := a.readMenu(w, r, &m, &m.Button)
	if !ok {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case a.menu == nil:
		writeError(w, errNoMenu)
		return
	case m.MatchRule.TagID == "":
		writeError(w, 65301)
		return
	case len(a.condMenus) >= maxCondMenus:
		writeError(w, 65304)
		return
	}
	a.nextMsgID++
	id := int(a.nextMsgID)
	a.condMenus = append(a.condMenus, ConditionalMenu{MenuID: id, TagID: m.MatchRule.TagID, Body: append(json.RawMessage(nil), bytes.TrimSpace(body)...)})
	writeJSON(w, map[string]any{"menuid": id})
}

func (a *API) serveMenuDelConditional(w http.ResponseWriter, r *http.Request) {
	if !a.postWithToken(w, r) {
		return
	}
	var req struct {
		MenuID json.Number `json:"menuid"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for i, c := range a.condMenus {
		if json.Number(itoa(c.MenuID)) == req.MenuID {
			a.condMenus = slices.Delete(a.condMenus, i, i+1)
			writeError(w, 0)
			return
		}
	}
	writeError(w, 65302)
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
