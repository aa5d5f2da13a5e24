package adminapi

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/outbox"
)

// Mailboxes are people's notices pages (package outbox): what could not
// reach them, and what reached them lately. A template message links
// here, and so does a reply too short for all of someone's held notices.
type Mailboxes interface {
	Mailbox(ctx context.Context, openid string) (outbox.Mailbox, error)
	Delivered(ctx context.Context, openid string, ns []orders.Notice, via string) (int, error)
}

func (s *Server) registerMailbox(mux *http.ServeMux) {
	if s.Mailboxes == nil || s.Jobs == nil {
		return
	}
	mux.Handle("GET /n/{openid}", s.signed(http.HandlerFunc(s.mailbox)))
}

// The page's words.
const (
	textMailboxTitle  = "我的通知"
	textMailboxHeld   = "没发到您微信上的通知"
	textMailboxRecent = "最近的通知"
	textMailboxNone   = "现在没有通知。"
	textMailboxHint   = "微信限制了公众号主动发消息的次数，有些通知没能直接发给您，都在这里。以后有事给公众号发任意一条消息，回复里也会带上没收到的通知。"
)

var mailboxPage = template.Must(template.New("n").Funcs(template.FuncMap{"when": func(t time.Time) string { return t.Format("1月2日 15:04") }}).Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font:18px/1.6 system-ui,sans-serif;margin:0;background:#f4f4f0;color:#222}
main{max-width:40em;margin:0 auto;padding:12px}
h1{font-size:22px;margin:8px 0}h2{font-size:19px;margin:18px 0 8px}
.card{background:#fff;border-radius:10px;padding:12px 14px;margin:0 0 10px;box-shadow:0 1px 2px #0002;white-space:pre-wrap;word-break:break-all}
.when{color:#666;font-size:15px;display:block;margin-bottom:4px}
.hint{color:#555;font-size:15px}
a{color:#0a58ca}
</style></head><body><main>
<h1>{{.Title}}</h1>
<p class="hint">{{.Hint}}</p>
{{if .Held}}<h2>{{.HeldTitle}}</h2>{{range .Held}}<div class="card"><span class="when">{{when .CreatedAt}}</span>{{.Text}}{{if .URL}}
<a href="{{.URL}}">打开详情</a>{{end}}</div>{{end}}{{end}}
{{if .Recent}}<h2>{{.RecentTitle}}</h2>{{range .Recent}}<div class="card"><span class="when">{{when .CreatedAt}}</span>{{.Text}}{{if .URL}}
<a href="{{.URL}}">打开详情</a>{{end}}</div>{{end}}{{end}}
{{if not (or .Held .Recent)}}<p>{{.None}}</p>{{end}}
</main></body></html>`))

// mailbox shows a person's notices; those held for them are delivered by
// being shown (they need not wait for the person's next message).
func (s *Server) mailbox(w http.ResponseWriter, r *http.Request) {
	openid := r.PathValue("openid")
	box, err := s.Mailboxes.Mailbox(r.Context(), openid)
	if err != nil {
		s.Log.Error("notices page", "err", err)
		page(w, http.StatusServiceUnavailable, "现在打不开，请过一会儿再试。")
		return
	}
	loc := time.Local
	if s.Jobs.Runner != nil && s.Jobs.Runner.Location != nil {
		loc = s.Jobs.Runner.Location
	}
	for _, list := range [][]orders.Notice{box.Held, box.Recent} {
		for i := range list {
			list[i].CreatedAt = list[i].CreatedAt.In(loc)
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	err = mailboxPage.Execute(w, map[string]any{
		"Title": textMailboxTitle, "Hint": textMailboxHint, "HeldTitle": textMailboxHeld, "RecentTitle": textMailboxRecent,
		"None": textMailboxNone, "Held": box.Held, "Recent": box.Recent,
	})
	if err != nil {
		s.Log.Error("notices page", "err", err)
		return
	}
	if len(box.Held) > 0 {
		if _, err := s.Mailboxes.Delivered(r.Context(), openid, box.Held, orders.ViaPage); err != nil {
			s.Log.Error("notices page: record delivered", "err", fmt.Sprint(err))
		}
	}
}
