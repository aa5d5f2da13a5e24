package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/config"
	"github.com/baogong/baogong/internal/loadgen"
	"github.com/baogong/baogong/internal/wxsign"
)

const loadUsage = `usage: baogong load --config FILE [flags]

Drives a running service's /wechat with WeChat-signed order messages and
checks every answer. It reads the account (token, AppID, AES key), the
listen address, the buildings, the leads and the catalog from the service's
config file (BAOGONG_* variables apply as for serve).

  baogong load --config baogong.yaml --baseline -c 50 --duration 10s --verify
  baogong load --config baogong.yaml --jielong 1000
  baogong load --config baogong.yaml -n 20000 --residents 10000 --pid PID --watch 65s

flags:`

// loadCmd is "baogong load": see internal/loadgen.
func loadCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, loadUsage); fs.PrintDefaults() }
	var (
		path        = fs.String("config", "baogong.yaml", "the service's config file")
		target      = fs.String("url", "", "callback URL (default: http://<http.addr>/wechat from the config)")
		allowRemote = fs.Bool("allow-remote", false, "allow a URL that is not on this machine")
		conns       = fs.Int("c", 50, "connections, each with one message in flight")
		people      = fs.Int("residents", 1000, "residents: each binds an address, then they take turns ordering")
		duration    = fs.Duration("duration", 10*time.Second, "length of the measured phase (per target with --baseline)")
		count       = fs.Int("n", 0, "order messages to send (per target with --baseline); without --duration, only this bounds the run")
		mode        = fs.String("mode", "", "plain, safe or mixed (default: safe when the config has an encoding_aes_key)")
		message     = fs.String("message", "", "order text (default: one unit of the first catalog item without stock or limit, e.g. 挂面1袋)")
		buildings   = fs.String("buildings", "", "comma-separated buildings for the residents (default: every building in the config)")
		baseline    = fs.Bool("baseline", false, "also run a bare silenceper/wechat echo server in this process and print the ratio")
		rounds      = fs.Int("rounds", 2, "with --baseline: how many times service and echo take turns")
		verify      = fs.Bool("verify", false, "check the answers through the admin API with the config's admin.token")
		adminToken  = fs.String("verify-admin", "", "check the answers through the admin API with this token")
		jielong     = fs.Int("jielong", 0, "instead of the order load: a lead pastes a 接龙 of this many households (twice) and the answers are timed")
		lead        = fs.String("lead", "", "with --jielong: the lead's openid (default: the config's first lead)")
		pid         = fs.Int("pid", 0, "the service's process id: print its VmRSS before and after the run")
		watch       = fs.Duration("watch", 0, "with --pid: keep reading its VmRSS this long after the run (jobs run each minute)")
		timeout     = fs.Duration("timeout", 10*time.Second, "timeout of one message")
		asJSON      = fs.Bool("json", false, "print the report as JSON")
		redisStats  = fs.Bool("redis-stats", true, "read the config's Redis INFO around each service round and print what Redis spent per message")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("load: unexpected arguments %q", fs.Args())
	}
	cfg, err := config.Load(*path, nil)
	if err != nil {
		return err
	}
	o := loadgen.Options{
		URL: *target, AllowRemote: *allowRemote,
		Account:   wxsign.Account{Token: cfg.WeChat.Token, AppID: cfg.WeChat.AppID, EncodingAESKey: cfg.WeChat.EncodingAESKey},
		Residents: *people, Conns: *conns, Duration: *duration, Count: *count, Message: *message,
		Baseline: *baseline, Rounds: *rounds, AdminToken: *adminToken, Jielong: *jielong, Lead: *lead,
		PID: *pid, Watch: *watch, Timeout: *timeout, Progress: stderr,
	}
	if *mode != "" {
		if o.Mode, err = loadgen.ParseMode(*mode); err != nil {
			return err
		}
	}
	if o.URL == "" {
		o.URL = "http://" + localAddr(cfg.HTTP.Addr) + "/wechat"
	}
	if *count > 0 && !flagSet(fs, "duration") {
		o.Duration = 0
	}
	if *verify && o.AdminToken == "" {
		o.AdminToken = cfg.Admin.Token
	}
	all := cfg.AllCommunities()
	for _, g := range all[0].Grids {
		o.Grids = append(o.Grids, g.ID)
		o.Buildings = append(o.Buildings, g.BuildingIDs()...)
	}
	if *buildings != "" {
		o.Buildings = strings.Split(*buildings, ",")
	}
	if len(all) > 1 {
		// Residents spread over every community, binding by name.
		for _, cm := range all {
			c := loadgen.Community{ID: cm.ID, Name: cm.Name}
			for _, g := range cm.Grids {
				c.Grids = append(c.Grids, g.ID)
				c.Buildings = append(c.Buildings, g.BuildingIDs()...)
			}
			o.Communities = append(o.Communities, c)
		}
	}
	for _, l := range all[0].Leads {
		if o.Lead == "" || o.Lead == l.OpenID {
			o.Lead, o.LeadBuildings = l.OpenID, l.Buildings
			break
		}
	}
	if o.Message == "" {
		cat, err := catalog.Load(cfg.CatalogPath())
		if err != nil {
			return fmt.Errorf("load: %w (or give --message)", err)
		}
		var ok bool
		if o.Message, ok = loadgen.OrderText(cat); !ok {
			return fmt.Errorf("load: the catalog has no item without stock and limit: give --message")
		}
	}
	if *redisStats {
		rdb, err := newRedis(cfg.Redis)
		if err != nil {
			return err
		}
		defer rdb.Close()
		o.Redis = redisInfo(ctx, rdb)
	}
	rep, err := loadgen.Run(ctx, o)
	if rep != nil {
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			enc.Encode(rep)
		} else {
			rep.Print(stdout)
		}
	}
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	if len(rep.Problems) > 0 {
		return fmt.Errorf("load: %d problems (see the report)", len(rep.Problems))
	}
	return nil
}

// localAddr turns a listen address into one to dial: a wildcard host
// (0.0.0.0, ::, empty) is reached on 127.0.0.1.
func localAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// redisInfo reads INFO of rdb's Redis, of every master when it is a
// cluster, for the load tool's Redis use per message.
func redisInfo(ctx context.Context, rdb redis.UniversalClient) loadgen.RedisInfo {
	return func(sections ...string) (string, error) {
		cc, ok := rdb.(*redis.ClusterClient)
		if !ok {
			return rdb.Info(ctx, sections...).Result()
		}
		var mu sync.Mutex
		var all strings.Builder
		err := cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
			txt, err := c.Info(ctx, sections...).Result()
			mu.Lock()
			all.WriteString(txt)
			all.WriteString("\n")
			mu.Unlock()
			return err
		})
		return all.String(), err
	}
}
