package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/adminapi"
	"github.com/baogong/baogong/asr"
	"github.com/baogong/baogong/bot"
	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/config"
	"github.com/baogong/baogong/console"
	"github.com/baogong/baogong/internal/signedurl"
	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
	"github.com/baogong/baogong/outbox"
	"github.com/baogong/baogong/staff"
)

// Community is one community's parts: its keys in Redis (a store and an
// outbox under its hash tag), its actions, its bot, its jobs on its
// schedules, its console and its admin API. A deployment serves one, or
// several on one official account (a subdistrict), the same way: the
// account's router (bot.Account) routes messages between them, and with
// several every admin request names its community.
type Community struct {
	Config    config.Community
	Catalog   *catalog.Catalog
	Store     *redisstore.Store
	Outbox    *outbox.Outbox
	Actions   *actions.Service
	Bot       *bot.Bot
	Jobs      *jobs.Runner
	Schedules jobs.Schedules
	// Links make the community's signed links; Distributor shares out
	// its free packs.
	Links       signedLinks
	Distributor *orders.Distributor
	// Console is the community's staff console; Staff keeps its
	// sessions and audit log, apart from every other community's.
	Console *console.Server
	Staff   *staff.Keeper
	// Mux serves the community's admin API, console and signed pages
	// (see communityMux and consoleMux).
	Mux *http.ServeMux
}

// newCommunity wires cc. With several communities its links name it and
// its log lines carry its id.
func (m *Main) newCommunity(ctx, pctx context.Context, cc config.Community, loc *time.Location, signer *signedurl.Signer, several bool) (*Community, error) {
	cfg := m.Config
	p := &Community{Config: cc, Catalog: m.Catalog}
	log := m.Log
	if several {
		log = m.Log.With("community", cc.ID)
	}
	if cc.Catalog != "" {
		cat, err := catalog.Load(cfg.CatalogOf(cc))
		if err != nil {
			return nil, fmt.Errorf("community %s: %w", cc.ID, err)
		}
		p.Catalog = cat
	}
	if len(cc.Suppliers) > 0 {
		cat, err := withContacts(p.Catalog, cc.Suppliers)
		if err != nil {
			return nil, fmt.Errorf("community %s: %w", cc.ID, err)
		}
		p.Catalog = cat
	}
	for _, w := range p.Catalog.Warnings() {
		log.Warn("catalog: " + w)
	}
	p.Store = redisstore.New(m.Redis, cc.ID, p.Catalog)
	p.Store.AckReplicas, p.Store.AckTimeout = cfg.Redis.MinReplicasAck, cfg.Redis.ReplicaAckTimeout
	var over *orders.OversoldError
	if err := p.Store.SetStock(pctx, stockTotals(p.Catalog)); errors.As(err, &over) {
		// The catalog lowered a stock below what residents already
		// ordered: nothing more is sold, and the office must know.
		for sku, n := range over.Over {
			log.Warn("catalog stock is below what was already ordered: nothing left to sell", "sku", sku, "oversold", n)
		}
	} else if err != nil {
		return nil, err
	}
	p.Outbox = outbox.New(m.Redis, cc.ID, m.WeChat, log)
	p.Outbox.Now = m.Clock.Now
	p.Schedules = schedulesOf(cfg.SchedulesOf(cc))
	community := communityOf(cc)
	community.RetainDays = cfg.Privacy.RetainDays
	community.Calendar = p.Schedules.Calendar()
	links := signedLinks{s: signer, loc: loc}
	if several {
		links.community = cc.ID
	}
	p.Links = links
	p.Outbox.Templates, p.Outbox.Links, p.Outbox.Staff, p.Outbox.Media = cfg.WeChat.TemplateIDs(), links, cc.Admins, p.Store
	p.Mux = http.NewServeMux()
	p.Jobs = &jobs.Runner{
		Store: p.Store, Catalog: p.Catalog, Community: &community, Location: loc,
		Notify: p.Outbox, Links: links, Log: log, Now: m.Clock.Now, Named: several,
		Observe: m.observeJob(cc.ID, p.Store), Reach: p.Outbox,
	}
	p.Distributor = &orders.Distributor{Store: p.Store, Catalog: p.Catalog, Community: &community, Location: loc}
	p.Staff = staff.New(m.Redis, cc.ID)
	p.Staff.Now = m.Clock.Now
	p.Actions = &actions.Service{
		Community: &community, Catalog: p.Catalog, Location: loc,
		Orders: p.Store, Households: p.Store, People: p.Store, Stock: p.Store, Supply: p.Store, Marks: p.Store, Outbox: p.Outbox, Dead: p.Outbox, Privacy: p.Store, Purger: p.Store,
		Lists:       &orders.Lists{Store: p.Store, Catalog: p.Catalog, Community: &community, Location: loc},
		Distributor: p.Distributor, Jobs: p.Jobs, Audit: p.Staff, Log: log, Now: m.Clock.Now,
		Media: p.Store, Links: links,
	}
	p.Bot = &bot.Bot{
		Catalog:   p.Catalog,
		Community: &community,
		Store:     p.Store,
		Actions:   p.Actions,
		Location:  loc,
		Now:       m.Clock.Now,
		Log:       log,
		PerMinute: cfg.Limits.MessagesPerMinute,
		Links:     links,
		Missed:    p.Outbox,
		Media:     m.WeChat,
	}
	if cfg.ASR.URL != "" {
		p.Bot.ASR = &asr.Client{URL: cfg.ASR.URL, Model: cfg.ASR.Model, Language: cfg.ASR.Language}
		p.Bot.ASRTimeout = cfg.ASR.ASRTimeout()
	}
	(&adminapi.Server{Store: p.Store, Community: &community, Actions: p.Actions, Token: cfg.Admin.Token, Guard: m.Guard, Log: log, Now: m.Clock.Now,
		Jobs:      &adminapi.Jobs{Runner: p.Jobs, Catalog: p.Catalog, Links: signer, RxLink: links.RxPhoto, StaffRxLink: links.StaffRxPhoto},
		Notices:   p.Outbox,
		Mailboxes: p.Outbox, MediaFiles: p.Store,
		Bindings: p.Store, Secure: strings.HasPrefix(cfg.PublicBase(), "https://")}).Register(p.Mux)
	p.Console = &console.Server{
		Store: p.Store, Actions: p.Actions, Staff: p.Staff, Community: &community, Catalog: p.Catalog, Location: loc,
		Jobs: p.Jobs, Schedules: p.Schedules, Notices: p.Outbox, Distributor: p.Distributor,
		Links: links, SignIn: newSignInSigner(cfg, m.Clock.Now), LinkQuery: linkQuery(links.community), Token: cfg.Admin.Token, Guard: m.Guard,
		Secure: strings.HasPrefix(cfg.PublicBase(), "https://"), Log: log, Now: m.Clock.Now,
	}
	p.Console.Register(p.Mux)
	p.Bot.SignIn = p.Console
	jctx := context.WithoutCancel(ctx)
	if err := p.Jobs.Add(m.Cron, p.Schedules, jctx); err != nil {
		return nil, fmt.Errorf("community %s: %w", cc.ID, err)
	}
	// The frequent jobs run outside the schedules CatchUp replays.
	if err := p.Jobs.Add(m.Cron, jobs.Frequent, jctx); err != nil {
		return nil, fmt.Errorf("community %s: %w", cc.ID, err)
	}
	return p, nil
}

// withContacts returns cat with the contacts of suppliers replaced by
// those of contacts (by supplier id).
func withContacts(cat *catalog.Catalog, contacts []config.SupplierContact) (*catalog.Catalog, error) {
	sup := slices.Clone(cat.Suppliers)
	for _, c := range contacts {
		i := slices.IndexFunc(sup, func(s catalog.Supplier) bool { return s.ID == c.ID })
		if i < 0 {
			return nil, fmt.Errorf("suppliers: %q is no supplier of the catalog", c.ID)
		}
		sup[i].ContactOpenID = c.ContactOpenID
	}
	return catalog.New(sup, slices.Clone(cat.Items))
}

// community returns the parts of community id, or the first community
// when id is "" and there is only one.
func (m *Main) community(id string) (*Community, error) {
	if id == "" && len(m.Communities) == 1 {
		return m.Communities[0], nil
	}
	for _, p := range m.Communities {
		if p.Config.ID == id {
			return p, nil
		}
	}
	return nil, fmt.Errorf("community %q: one of %s", id, strings.Join(m.communityIDs(), ", "))
}

func (m *Main) communityIDs() []string {
	ids := make([]string, len(m.Communities))
	for i, p := range m.Communities {
		ids[i] = p.Config.ID
	}
	return ids
}

// communityMux serves every request but /wechat and /admin: the admin
// API, the signed pick-list and roster pages and anything registered
// beside them go to the community named by the community query parameter
// (the signed links carry it, signed), required when the account serves
// several. /healthz without one is the first community's (Redis is
// shared).
func (m *Main) communityMux() http.Handler {
	route := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("community")
		if id == "" && r.URL.Path == "/healthz" {
			m.Communities[0].Mux.ServeHTTP(w, r)
			return
		}
		p, err := m.community(id)
		if err != nil {
			writeError(w, http.StatusBadRequest, "community is required: one of "+strings.Join(m.communityIDs(), ", "))
			return
		}
		p.Mux.ServeHTTP(w, r)
	})
	// The token is checked before the community, so a stranger learns
	// nothing of the communities' ids. The 台账 is the console's: a signed-
	// in browser downloads it with its session (the console checks that,
	// or the token, itself).
	api := m.gate().Require(route)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") && r.URL.Path != console.LedgerPath {
			api.ServeHTTP(w, r)
			return
		}
		route.ServeHTTP(w, r)
	})
}

func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(struct {
		Error string `json:"error"`
	}{msg})
}

// linkQuery is the query a signed link of community carries.
func linkQuery(community string) url.Values {
	if community == "" {
		return nil
	}
	return url.Values{"community": {community}}
}

// communityCookie remembers which community's console a browser is in.
const communityCookie = "bg_community"

// consoleMux serves /admin. Each community has a console of its own,
// with its own staff sessions:
// a session opened in one is unknown to the others, so its staff see only
// theirs. The community comes from the ?community= of a link (the bot's
// sign-in links carry it, signed) and is then kept in a cookie for the
// pages that follow; without either, a page lists the communities to
// choose from, and the admin token signs in to any of them (the
// subdistrict's view).
func (m *Main) consoleMux() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("community")
		fromLink := id != ""
		if c, err := r.Cookie(communityCookie); err == nil && !fromLink {
			id = c.Value
		}
		p, err := m.community(id)
		if err != nil {
			if strings.HasPrefix(r.URL.Path, "/admin/static/") {
				m.Communities[0].Mux.ServeHTTP(w, r)
				return
			}
			m.pickCommunity(w)
			return
		}
		if fromLink {
			http.SetCookie(w, &http.Cookie{Name: communityCookie, Value: id, Path: "/admin",
				HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(m.Config.PublicBase(), "https://")})
		}
		p.Mux.ServeHTTP(w, r)
	})
}

// pickCommunity is the page that asks which community's console to open.
func (m *Main) pickCommunity(w http.ResponseWriter) {
	var b strings.Builder
	// The console's own stylesheet and frame, so the page looks like the
	// console it leads to.
	b.WriteString(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>选择社区 · 保供管理后台</title><link rel="stylesheet" href="/admin/static/console.css"></head><body><header class="top"><span class="brand">保供 · 管理后台</span></header><main><div class="login"><section class="card"><h2>选择社区</h2><p>请选择要管理的社区。社区工作人员：在公众号里发 <b>登录</b>，点回复里的链接直接进入自己的社区。</p><ul>`)
	for _, p := range m.Communities {
		fmt.Fprintf(&b, `<li><a href="/admin/login?community=%s">%s</a></li>`, url.QueryEscape(p.Config.ID), html.EscapeString(p.Config.Name))
	}
	b.WriteString(`</ul></section></div></main></body></html>`)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	io.WriteString(w, b.String())
}
