package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // Asia/Shanghai even in images without zoneinfo

	"github.com/redis/go-redis/v9"
	redislog "github.com/redis/go-redis/v9/logging"
	"github.com/robfig/cron/v3"
	"github.com/silenceper/wechat/v2/officialaccount"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/util"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/adminapi"
	"github.com/baogong/baogong/bot"
	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/config"
	"github.com/baogong/baogong/console"
	"github.com/baogong/baogong/internal/logging"
	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/metrics"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
	"github.com/baogong/baogong/outbox"
	"github.com/baogong/baogong/staff"
	"github.com/baogong/baogong/wechat"
)

// Main is the wired program. NewMain builds it, Run starts serving, Close
// stops it cleanly; end-to-end tests drive the same three calls.
type Main struct {
	Config  config.Config
	Catalog *catalog.Catalog
	Redis   redis.UniversalClient
	Store   *redisstore.Store
	// WeChatAccount is the official account (silenceper's); Account
	// routes its messages to the communities' bots.
	WeChatAccount *officialaccount.OfficialAccount
	Account       *bot.Account
	// Actions are the account's actions (every community's).
	Actions *actions.Account
	Outbox  *outbox.Outbox
	// WeChat sends through the API with the shared token (see Call).
	WeChat *wechat.WeChatSender
	Jobs   *jobs.Runner
	// Schedules are the cron specs of the jobs, by job name.
	Schedules jobs.Schedules
	Mux       *http.ServeMux
	Cron      *cron.Cron
	Log       *slog.Logger
	// Console is the staff's web console; Staff keeps its sessions and
	// audit log; Metrics feeds /metrics.
	Console *console.Server
	Staff   *staff.Keeper
	// Guard slows down whoever guesses the admin token or a console
	// sign-in, on every community.
	Guard   *staff.Guard
	Metrics *metrics.Metrics
	// Clock is the time every part reads (see Clock).
	Clock Clock
	// Tags keeps people's role tags, which choose their WeChat menu.
	Tags *accountTags
	// Communities are the parts of each community served, in config
	// order; Store, Outbox, Jobs and Schedules above are the first's.
	Communities []*Community

	server   *http.Server
	listener net.Listener
	served   chan error
	outboxed chan struct{}
	stop     context.CancelFunc
	checked  sync.WaitGroup // the start-up check of the templates
	closers  []func() error
}

// maxRequestAge refuses WeChat callbacks signed more than this from now:
// WeChat's retries come within seconds, and a replay after the 24-hour
// dedupe keys expire must not order again. Five minutes leave room for
// clock drift; within them a plaintext signature is tied to its body
// (wechat.Nonces).
const maxRequestAge = 5 * time.Minute

// messageBudget is how long one WeChat message may take: WeChat waits 5 s,
// and the answer still has to travel back.
const messageBudget = 4 * time.Second

// uriOnce guards util.SetURIModifier, the library's one process-wide
// setting: a process serves one WeChat API base.
var uriOnce sync.Once

// LoadMain reads the config file at path and its catalog, then NewMain
// with the real clock, or the test clock the environment asks for (see
// clockFromEnv).
func LoadMain(ctx context.Context, path string, logw io.Writer) (*Main, error) {
	cfg, err := config.Load(path, nil)
	if err != nil {
		return nil, err
	}
	cat, err := catalog.Load(cfg.CatalogPath())
	if err != nil {
		return nil, err
	}
	clock, err := clockFromEnv(os.Getenv, slog.New(slog.NewTextHandler(logw, nil)))
	if err != nil {
		return nil, err
	}
	m, err := NewMain(ctx, cfg, cat, clock, logw)
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings() {
		m.Log.Warn("config: " + w)
	}
	return m, nil
}

// NewMain wires every part, all reading the time from clock. It fails
// when Redis does not answer: the service never runs without its system
// of record.
func NewMain(ctx context.Context, cfg config.Config, cat *catalog.Catalog, clock Clock, logw io.Writer) (*Main, error) {
	if clock.Now == nil {
		clock = realClock
	}
	level, err := cfg.LogLevel()
	if err != nil {
		return nil, fmt.Errorf("log.level: %w", err)
	}
	m := &Main{Log: logging.New(logw, cfg.Log.Format, level), Config: cfg, Catalog: cat, Clock: clock}
	loc, err := cfg.Location()
	if err != nil {
		return nil, fmt.Errorf("timezone: %w", err)
	}
	if clock.Test {
		m.Log.Warn("TEST CLOCK: time is not real, scheduled jobs do not run by themselves (tests only; unset "+testClockEnv+" in production)",
			"now", clock.Now().In(loc).Format(time.RFC3339), "real", time.Now().In(loc).Format(time.RFC3339))
	}
	// go-redis logs failures on stderr in a format of its own; each also
	// comes back to us as an error, which we log in ours.
	redislog.Disable()
	if m.Redis, err = newRedis(cfg.Redis); err != nil {
		return nil, err
	}
	m.closers = append(m.closers, m.Redis.Close)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := m.Redis.Ping(pctx).Err(); err != nil {
		m.Redis.Close()
		return nil, redisDown(cfg, err)
	}
	setWeChatHTTP(cfg.WeChat.APIBase)
	tokens := wechat.NewTokenCache(m.Redis, cfg.WeChat.AppID, m.Log)
	m.WeChatAccount = officialaccount.NewOfficialAccount(&oaconfig.Config{
		AppID:     cfg.WeChat.AppID,
		AppSecret: cfg.WeChat.AppSecret,
		// The stable access_token (/cgi-bin/stable_token): fetching one
		// does not invalidate the token another replica (or another
		// program of the same account) is using.
		UseStableAK:    true,
		Token:          cfg.WeChat.Token,
		EncodingAESKey: cfg.WeChat.EncodingAESKey,
		Cache:          tokens,
	})
	m.WeChat = wechat.NewWeChatSender(m.WeChatAccount, tokens, m.Log)
	m.WeChat.APIBase, m.WeChat.Location, m.WeChat.Layouts = cfg.WeChat.APIBase, loc, cfg.WeChat.Layouts()
	m.Mux = http.NewServeMux()
	// The scheduler is wired here so jobs are plain functions added by
	// their own packages; a panicking job is logged and the service lives.
	cl := cronLogger{m.Log}
	m.Cron = cron.New(cron.WithLocation(loc), cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)))
	signer := newSigner(cfg, clock.Now)
	m.Guard = staff.NewGuard(m.Redis, cfg.WeChat.AppID)
	m.Guard.Now, m.Guard.Proxies = clock.Now, cfg.Admin.Proxies()
	all := cfg.AllCommunities()
	// One account of one community or of several: one wiring path. The
	// directory says which community each WeChat user belongs to.
	dir := redisstore.NewDirectory(m.Redis, cfg.WeChat.AppID)
	for _, cc := range all {
		p, err := m.newCommunity(ctx, pctx, cc, loc, signer, len(all) > 1)
		if err != nil {
			m.Redis.Close()
			return nil, err
		}
		m.Communities = append(m.Communities, p)
	}
	first := m.Communities[0]
	m.Store, m.Outbox, m.Jobs, m.Schedules = first.Store, first.Outbox, first.Jobs, first.Schedules
	m.Console, m.Staff = first.Console, first.Staff
	// /metrics counts the messages of every community, and each
	// community's batch, outbox and job runs under its own label.
	var srcs []metrics.Source
	for _, p := range m.Communities {
		srcs = append(srcs, batchSource{community: p.Bot.Community.ID, store: p.Store, outbox: p.Outbox, cal: p.Bot.Community.Calendar, loc: loc, now: clock.Now})
	}
	m.Metrics = metrics.New(m.Log, srcs...)
	services := make([]*actions.Service, len(m.Communities))
	bots := make([]*bot.Bot, len(m.Communities))
	for i, p := range m.Communities {
		p.Bot.Observe = m.Metrics.Message
		p.Actions.Observe = m.Metrics.Action
		services[i], bots[i] = p.Actions, p.Bot
	}
	m.Actions = actions.NewAccount(dir, services...)
	m.Account = bot.NewAccount(dir, bots...)
	// On an account of several communities a notice waits in the
	// community that hears its person (their window and their replies).
	if len(m.Communities) > 1 {
		for _, p := range m.Communities {
			p.Outbox.Route = m.outboxOf
		}
	}
	// Menus by role: people's WeChat tags follow their roles.
	m.Tags = newAccountTags(m)
	for _, p := range m.Communities {
		p.Actions.Tags = m.Tags
	}
	m.Mux.Handle("GET /metrics", m.gate().Require(m.Metrics.Handler()))
	m.Mux.Handle("/", m.communityMux())
	m.Mux.Handle("/admin/", m.consoleMux())
	m.Mux.Handle("/admin", m.consoleMux())
	// A plaintext callback's signature is tied to its body: by the
	// message's own first step on an account of one community (a round
	// trip less), else before the message is read.
	nonces, inAnswer := wechat.NewRedisNonces(m.Redis, cfg.WeChat.AppID), false
	if len(m.Communities) == 1 {
		nonces, inAnswer = wechat.NewRedisNoncesAt(m.Redis, m.Communities[0].Store.NoncePrefix()), true
	}
	m.Mux.Handle("/wechat", &wechat.Handler{
		Account: m.WeChatAccount, Answer: m.Account.Handle, Token: cfg.WeChat.Token,
		MaxBody: cfg.HTTP.MaxBodyBytes, Budget: messageBudget, MaxAge: maxRequestAge, Now: clock.Now, Log: m.Log,
		RequireSafe: cfg.WeChat.EncodingAESKey != "", Nonces: nonces, NoncesInAnswer: inAnswer,
	})
	return m, nil
}

// resumeEvery is how often the service looks for erasures cut short.
const resumeEvery = 5 * time.Minute

// gate lets in requests with the admin token, slowing down guessers
// (one guard for the whole account: the token is the account's).
func (m *Main) gate() adminapi.Gate {
	return adminapi.Gate{Token: m.Config.Admin.Token, Guard: m.Guard, Log: m.Log}
}

// Run starts listening on the configured address and serving.
func (m *Main) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", m.Config.HTTP.Addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return &addrInUseError{addr: m.Config.HTTP.Addr, from: m.Config.Source("http.addr"), err: err}
	}
	if err != nil {
		return fmt.Errorf("listen on %s (%s): %w", m.Config.HTTP.Addr, m.Config.Source("http.addr"), err)
	}
	m.listener = ln
	m.server = &http.Server{
		Handler:           logging.Middleware(m.Log, m.Mux),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	// Notices go out in the background so a slow WeChat API never
	// delays a reply; every replica drains the same Redis outbox.
	octx, stop := context.WithCancel(context.WithoutCancel(ctx))
	m.stop, m.outboxed = stop, make(chan struct{})
	go func() {
		defer close(m.outboxed)
		var wg sync.WaitGroup
		for _, p := range m.Communities {
			wg.Go(func() { p.Outbox.Run(octx) })
		}
		wg.Wait()
	}()
	// A replica that was down at a scheduled time publishes the missed
	// slots of today now; slots published already are left alone.
	for _, p := range m.Communities {
		p.Jobs.CatchUp(octx, p.Schedules)
	}
	// An erasure (删除我的信息) the last stop cut short is finished now,
	// and any cut short later within minutes.
	m.Actions.ResumeErasures(octx, 0)
	go func() {
		for {
			select {
			case <-octx.Done():
				return
			case <-time.After(resumeEvery):
				m.Actions.ResumeErasures(octx, actions.EraseTimeout)
			}
		}
	}()
	// Only now answer: a message must see the day as the catch-up left
	// it (a cutoff missed while down is closed before anyone orders).
	m.served = make(chan error, 1)
	go func() { m.served <- m.server.Serve(ln) }()
	if m.Clock.Test {
		m.Log.Warn("TEST CLOCK: cron not started; run jobs with POST /api/jobs/{job}/run")
	} else {
		m.Cron.Start()
	}
	m.Tags.syncInBackground(octx)
	m.checked.Go(func() { m.checkTemplates(octx) })
	m.Log.Info("baogong listening", "addr", ln.Addr().String(), "communities", strings.Join(m.communityIDs(), ","))
	return nil
}

// checkTemplates compares the templates the config names with the
// account's, once at start (outbox.CheckTemplates: the log, and staff
// once): a template the account lacks, or one without a field baogong
// fills, shows at once rather than at the first notice that needs it.
// Listing them failing is logged only.
func (m *Main) checkTemplates(ctx context.Context) {
	ids := m.Config.WeChat.TemplateIDs()
	if len(ids) == 0 || m.WeChat == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	have, err := m.WeChat.AccountTemplates(ctx)
	if err != nil {
		m.Log.Warn("templates: could not list the account's templates to check them", "err", err)
		return
	}
	layouts := m.Config.WeChat.Layouts()
	fill := map[string][]string{}
	for _, id := range ids {
		l, ok := layouts[id]
		if !ok {
			l = wechat.DefaultLayout
		}
		fill[id] = l.Used()
	}
	for _, p := range m.Communities {
		p.Outbox.CheckTemplates(ctx, have, fill)
	}
}

// Addr is the address Run listens on.
func (m *Main) Addr() string {
	if m.listener == nil {
		return ""
	}
	return m.listener.Addr().String()
}

// Close stops accepting, lets in-flight messages finish (WeChat's 5 s and
// a little more), stops the scheduler and closes Redis.
func (m *Main) Close() error {
	var errs []error
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 6*time.Second)
		defer cancel()
		if err := m.server.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("http shutdown: %w", err))
		}
		if err := <-m.served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
		m.server = nil
	}
	if m.stop != nil {
		m.stop()
		<-m.outboxed
		m.stop = nil
	}
	if m.Cron != nil {
		<-m.Cron.Stop().Done()
	}
	if m.Tags != nil {
		m.Tags.wait() // tagging under way reads the token in Redis
	}
	m.checked.Wait() // so does the check of the templates, and it may tell staff
	for i := len(m.closers) - 1; i >= 0; i-- {
		if err := m.closers[i](); err != nil && !errors.Is(err, redis.ErrClosed) {
			errs = append(errs, err)
		}
	}
	m.closers = nil
	return errors.Join(errs...)
}

func newRedis(c config.Redis) (redis.UniversalClient, error) {
	opts := &redis.UniversalOptions{
		Addrs:    c.Addrs,
		Password: c.Password,
		// Deadlines well inside WeChat's 5 s, so a stuck Redis becomes
		// "系统繁忙" instead of silence.
		DialTimeout:  time.Second,
		ReadTimeout:  time.Second,
		WriteTimeout: time.Second,
		MaxRetries:   1,
		// A message holds a connection for one round trip. With fewer
		// connections than messages in flight (go-redis's default is 10
		// per CPU: 20 on two), each waits its turn on a timer: 3 % of a
		// message's CPU at 50 in flight. Redis takes thousands of clients.
		PoolSize: max(10*runtime.GOMAXPROCS(0), 64),
		// A message's budget (its context's deadline) bounds every
		// command it sends, not only the per-command timeouts.
		ContextTimeoutEnabled: true,
		// RESP2: with RESP3, go-redis peeks the socket for push
		// notifications before every command, a read syscall each (8 %
		// of a message's CPU), and we subscribe to nothing.
		Protocol: 2,
	}
	if len(c.Addrs) > 0 {
		// Any number of seed addresses, one included, is a cluster.
		return newClusterClient(opts.Cluster()), nil
	}
	o, err := redis.ParseURL(c.URL)
	if err != nil {
		return nil, fmt.Errorf("redis.url: %w", err)
	}
	opts.Addrs = []string{o.Addr}
	opts.DB = o.DB
	opts.Username = o.Username
	opts.TLSConfig = o.TLSConfig
	if opts.Password == "" {
		opts.Password = o.Password
	}
	return redis.NewUniversalClient(opts), nil
}

// redisDown says, on one line, that Redis does not answer at start: where
// the service looked, where that address came from, and what to do.
func redisDown(cfg config.Config, err error) error {
	key := "redis.url"
	if len(cfg.Redis.Addrs) > 0 {
		key = "redis.addrs"
	}
	return fmt.Errorf("redis does not answer at %s (%s): %w. Start Redis there (Debian: apt-get install -y redis-server; or redis-server --daemonize yes), or point %s in the config file or BAOGONG_%s at the Redis you run",
		redisWhere(cfg.Redis), cfg.Source(key), err, key, strings.ToUpper(strings.ReplaceAll(key, ".", "_")))
}

// addrInUseError: another program listens on the service's address.
type addrInUseError struct {
	addr, from string
	err        error
}

func (e *addrInUseError) Error() string {
	return fmt.Sprintf("cannot listen on %s (%s): another program uses it (an earlier baogong still running?). Stop that program, or listen elsewhere: http.addr in the config file or BAOGONG_HTTP_ADDR=127.0.0.1:8081",
		e.addr, e.from)
}

func (e *addrInUseError) Unwrap() error { return e.err }

func redisWhere(c config.Redis) string {
	if len(c.Addrs) > 0 {
		return strings.Join(c.Addrs, ",")
	}
	if o, err := redis.ParseURL(c.URL); err == nil {
		return o.Addr
	}
	return "?"
}

// setWeChatHTTP gives the library's HTTP client a timeout (it has none) and
// points it at base when that is not WeChat itself (the demo's and tests'
// fake API).
func setWeChatHTTP(base string) {
	uriOnce.Do(func() {
		util.DefaultHTTPClient = &http.Client{Timeout: 10 * time.Second}
		const real = "https://api.weixin.qq.com"
		base = strings.TrimRight(base, "/")
		if base != real {
			util.SetURIModifier(func(uri string) string {
				return strings.Replace(uri, real, base, 1)
			})
		}
	})
}

func stockTotals(cat *catalog.Catalog) map[string]int {
	t := map[string]int{}
	for _, it := range cat.Items {
		if it.Stock != nil {
			t[it.SKU] = *it.Stock
		}
	}
	return t
}

func communityOf(c config.Community) orders.Community {
	out := orders.Community{ID: c.ID, Name: c.Name, Aliases: c.Aliases, Admins: c.Admins, UrgentClaim: c.UrgentClaim, Phone: c.Phone}
	for _, g := range c.Grids {
		out.Grids = append(out.Grids, orders.Grid{ID: g.ID, Buildings: g.BuildingIDs(), Volunteers: g.Volunteers, Households: g.Households})
		for _, b := range g.Buildings {
			if b.Units > 0 || b.Floors > 0 {
				if out.Shapes == nil {
					out.Shapes = map[string]orders.Shape{}
				}
				out.Shapes[orders.CanonicalBuilding(b.ID)] = orders.Shape{Units: b.Units, Floors: b.Floors}
			}
		}
	}
	for _, l := range c.Leads {
		out.Leads = append(out.Leads, orders.Lead{OpenID: l.OpenID, Buildings: l.Buildings})
	}
	return out
}

// cronLogger lets cron report (panics above all) through our logger.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}

// outboxOf returns the outbox of the community that hears openid's
// messages (nil when none is known).
func (m *Main) outboxOf(ctx context.Context, openid string) *outbox.Outbox {
	id := m.Account.CommunityOf(ctx, openid)
	for _, p := range m.Communities {
		if p.Config.ID == id {
			return p.Outbox
		}
	}
	return nil
}
