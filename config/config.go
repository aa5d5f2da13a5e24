// Package config reads baogong's YAML configuration, overlays BAOGONG_*
// environment variables and validates the result. It parses and validates,
// nothing more: it does not connect to anything.
package config

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/baogong/baogong/internal/suggest"
	"github.com/baogong/baogong/internal/yamlpath"
	"github.com/baogong/baogong/orders"
	"gopkg.in/yaml.v3"
)

// Config is the whole configuration. Field tags are the YAML keys operators
// write; they are a contract.
type Config struct {
	HTTP      HTTP      `yaml:"http"`
	Redis     Redis     `yaml:"redis"`
	WeChat    WeChat    `yaml:"wechat"`
	Admin     Admin     `yaml:"admin"`
	Timezone  string    `yaml:"timezone"`
	Catalog   string    `yaml:"catalog"`
	Community Community `yaml:"community"`
	// Communities are several communities served by one official account
	// (a subdistrict, 街道); a config has community or communities, not
	// both. See AllCommunities.
	Communities []Community `yaml:"communities"`
	Schedules   Schedules   `yaml:"schedules"`
	Log         Log         `yaml:"log"`
	Limits      Limits      `yaml:"limits"`
	Privacy     Privacy     `yaml:"privacy"`
	// ASR is an optional speech-to-text service (see reach.go).
	ASR ASR `yaml:"asr"`

	// Dir is the directory of the config file; relative paths in it are
	// relative to Dir.
	Dir string `yaml:"-"`

	// file, lines and env say where values came from (see Source).
	file  string
	lines *yamlpath.Index
	env   map[string]string
}

// HTTP configures the listener.
type HTTP struct {
	Addr string `yaml:"addr"`
	// MaxBodyBytes bounds a WeChat callback body.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// PublicURL is how people reach this service from outside (the base
	// of signed links in volunteers' and suppliers' messages), e.g.
	// https://bg.example.com. Default: http://<addr>.
	PublicURL string `yaml:"public_url"`
}

// Redis says where the system of record lives: one URL, or several
// addresses for a cluster.
type Redis struct {
	URL      string   `yaml:"url"`
	Addrs    []string `yaml:"addrs"`
	Password string   `yaml:"password"`
	// MinReplicasAck is how many replicas must hold a placed order before
	// the resident is told it is placed (WAIT on the master that took
	// it); 0 for a server without replicas. ReplicaAckTimeout is how long
	// placing waits for them.
	MinReplicasAck    int           `yaml:"min_replicas_ack"`
	ReplicaAckTimeout time.Duration `yaml:"replica_ack_timeout"`
}

// WeChat holds the official account's credentials.
type WeChat struct {
	AppID          string `yaml:"app_id"`
	AppSecret      string `yaml:"app_secret"`
	Token          string `yaml:"token"`
	EncodingAESKey string `yaml:"encoding_aes_key"`
	APIBase        string `yaml:"api_base"`
	// DeliveryTemplateID is the template message used to tell a resident
	// their goods arrived when they have not written to the account for
	// 48 hours (customer-service messages cannot reach them then). It is
	// templates.delivery by its older name.
	DeliveryTemplateID string `yaml:"delivery_template_id"`
	// Templates name a template per kind of notice (see reach.go).
	Templates Templates `yaml:"templates"`
	// TemplateFields are the fields of templates that do not have the five
	// baogong assumes, by template id (see reach.go).
	TemplateFields map[string]TemplateLayout `yaml:"template_fields"`
}

// Admin configures the admin API.
type Admin struct {
	Token string `yaml:"token"`
	// TrustedProxies are the reverse proxies in front of the service
	// (addresses or CIDR ranges, 127.0.0.1 or 10.0.0.0/8): a request from
	// one of them is counted, when it guesses the admin token, as the
	// client its X-Forwarded-For names. Empty: as the connection's peer.
	TrustedProxies []string `yaml:"trusted_proxies"`
}

// Proxies are the trusted proxies as prefixes (after validation; entries
// that do not parse are left out).
func (a Admin) Proxies() []netip.Prefix {
	var out []netip.Prefix
	for _, p := range a.TrustedProxies {
		if pre, ok := proxyPrefix(p); ok {
			out = append(out, pre)
		}
	}
	return out
}

// proxyPrefix reads an address (one host) or a CIDR range.
func proxyPrefix(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	p, err := netip.ParsePrefix(s)
	return p.Masked(), err == nil
}

// Community describes the neighbourhood.
type Community struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Aliases are other names residents call the community by (阳光 for
	// 阳光小区), for choosing it when they bind.
	Aliases []string `yaml:"aliases"`
	Grids   []Grid   `yaml:"grids"`
	Leads   []Lead   `yaml:"leads"`
	// Admins are the openids of community staff (社区工作人员): they
	// approve prescriptions and hear about urgent requests nobody claimed.
	Admins []string `yaml:"admins"`
	// Phone is the community office's phone (社区电话), told to someone who
	// cries for help before they bound an address, beside 120.
	Phone string `yaml:"phone"`
	// UrgentClaim is how long an urgent request may wait for a volunteer
	// to claim it before the admins are told (default 30m).
	UrgentClaim time.Duration `yaml:"urgent_claim"`
	// Catalog is the community's own catalog file, relative to the
	// config file; empty: the top-level catalog.
	Catalog string `yaml:"catalog"`
	// Suppliers give the catalog's suppliers another contact in this
	// community (the same supermarket, another person), by id.
	Suppliers []SupplierContact `yaml:"suppliers"`
	// Schedules are the community's own; a job left out keeps the
	// top-level schedule ("" still turns it off).
	Schedules CommunitySchedules `yaml:"schedules"`
}

// SupplierContact is who receives a supplier's pick lists and sends its
// 备货完成 in one community.
type SupplierContact struct {
	ID            string `yaml:"id"`
	ContactOpenID string `yaml:"contact_openid"`
}

// CommunitySchedules override the top-level schedules of one community;
// nil fields inherit them.
type CommunitySchedules struct {
	Cutoff   *string   `yaml:"cutoff"`
	Picklist *string   `yaml:"picklist"`
	Roster   *[]string `yaml:"roster"`
}

// Grid is a group of buildings served by one volunteer team.
type Grid struct {
	ID string `yaml:"id"`
	// Buildings are numbers as residents write them ("3"), or with their
	// shape ({id: "3", units: 4, floors: 25}, see Building).
	Buildings  []Building `yaml:"buildings"`
	Volunteers []string   `yaml:"volunteers"`
	// Households are known households without WeChat or 接龙 (elders
	// living alone), as 3-2-501, so free packs reach them too.
	Households []string `yaml:"households"`
}

// Lead is a building lead and their buildings.
type Lead struct {
	OpenID    string   `yaml:"openid"`
	Buildings []string `yaml:"buildings"`
}

// Log configures the service's logs.
type Log struct {
	// Format is "text" (the default) or "json" (one JSON object a line,
	// for a log collector).
	Format string `yaml:"format"`
	// Level is debug, info (the default), warn or error.
	Level string `yaml:"level"`
}

// Limits keep one sender from starving the others.
type Limits struct {
	// MessagesPerMinute is how many messages one WeChat user may send in
	// a minute before being asked to slow down (a lead pasting several
	// 接龙 in a row stays well under the default).
	MessagesPerMinute int `yaml:"messages_per_minute"`
}

// Privacy says how long personal data stays (see README, 个人信息).
type Privacy struct {
	// RetainDays is how long an order delivered or cancelled keeps who
	// placed it, its phone, notes and prescription photo; after that a
	// daily job strips them and the 台账 keeps the rest.
	RetainDays int `yaml:"retain_days"`
}

// Schedules are cron specs in Timezone for the scheduled jobs; an empty
// spec turns a job's schedule off (it can still be run by hand).
type Schedules struct {
	Cutoff   string   `yaml:"cutoff"`
	Picklist string   `yaml:"picklist"`
	Roster   []string `yaml:"roster"`
}

// Default returns the configuration every file is laid over.
func Default() Config {
	return Config{
		HTTP:      HTTP{Addr: "127.0.0.1:8080", MaxBodyBytes: 1 << 20},
		Redis:     Redis{URL: "redis://127.0.0.1:6379/0", ReplicaAckTimeout: 300 * time.Millisecond},
		WeChat:    WeChat{APIBase: "https://api.weixin.qq.com"},
		Timezone:  "Asia/Shanghai",
		Catalog:   "catalog.yaml",
		Community: Community{UrgentClaim: 30 * time.Minute},
		Log:       Log{Format: "text", Level: "info"},
		Limits:    Limits{MessagesPerMinute: 30},
		Privacy:   Privacy{RetainDays: orders.DefaultRetainDays},
		Schedules: Schedules{
			Cutoff:   "0 20 * * *",
			Picklist: "5 20 * * *",
			Roster:   []string{"0 7 * * *", "0 13 * * *"},
		},
	}
}

// Load reads the file at path over Default, applies BAOGONG_* variables
// from env (os.Getenv when env is nil) and validates.
func Load(path string, env func(string) string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	c, err := Parse(data, env)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	c.Dir, c.file = filepath.Dir(path), filepath.Base(path)
	return c, nil
}

// Source says where the value of key (a key path such as redis.url) came
// from, for errors that must tell the operator what to change: "from
// BAOGONG_REDIS_URL", "redis.url in baogong.yaml (line 2)", or "the
// default (baogong.yaml sets no redis.url)".
func (c *Config) Source(key string) string {
	file := c.file
	if file == "" {
		file = "the config file"
	}
	if v, ok := c.env[key]; ok {
		return "from " + v
	}
	if c.lines != nil {
		if at := c.lines.At(key); at != "" {
			return key + " in " + file + at
		}
	}
	return "the default (" + file + " sets no " + key + ")"
}

// Parse is Load without the file. Errors name the key path and its line
// (unknown keys, values of the wrong kind, invalid values), or the
// environment variable a wrong value came from. With env nil, the
// process's environment is read, and a BAOGONG_* variable baogong does
// not read (a typo) is an error too (see CheckEnv).
func Parse(data []byte, env func(string) string) (Config, error) {
	if env == nil {
		if err := CheckEnv(os.Environ()); err != nil {
			return Config{}, err
		}
		env = os.Getenv
	}
	c := Default()
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return Config{}, err
	}
	x := yamlpath.New(&root)
	if len(root.Content) > 0 {
		// A typo in a key must not pass silently.
		if errs := yamlpath.Check(&root, reflect.TypeOf(c)); len(errs) > 0 {
			return Config{}, errors.Join(errs...)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil {
			return Config{}, x.Explain(err)
		}
	}
	from, err := c.overlay(env)
	if err != nil {
		return Config{}, err
	}
	for i := range c.Communities {
		if c.Communities[i].UrgentClaim == 0 {
			c.Communities[i].UrgentClaim = Default().Community.UrgentClaim
		}
	}
	where := func(key string) string {
		if v, ok := from[key]; ok {
			return " (from " + v + ")"
		}
		return x.At(key)
	}
	if err := c.validate(where); err != nil {
		return Config{}, err
	}
	c.lines, c.env = x, from
	return c, nil
}

// Overrides lists the environment variables that replace file values, for
// secrets that should not live in the file.
var Overrides = []string{
	"BAOGONG_HTTP_ADDR", "BAOGONG_REDIS_URL", "BAOGONG_REDIS_ADDRS", "BAOGONG_REDIS_PASSWORD",
	"BAOGONG_WECHAT_APP_ID", "BAOGONG_WECHAT_APP_SECRET", "BAOGONG_WECHAT_TOKEN",
	"BAOGONG_WECHAT_ENCODING_AES_KEY", "BAOGONG_WECHAT_API_BASE", "BAOGONG_WECHAT_DELIVERY_TEMPLATE_ID", "BAOGONG_ADMIN_TOKEN",
	"BAOGONG_TIMEZONE", "BAOGONG_LIMITS_MESSAGES_PER_MINUTE", "BAOGONG_LOG_FORMAT", "BAOGONG_REDIS_MIN_REPLICAS_ACK",
	"BAOGONG_ADMIN_TRUSTED_PROXIES",
}

// Others are the BAOGONG_* variables read by something other than the
// config: the test clock (cmd/baogong), and the tests' and scripts' own,
// which reach the binary when a test starts it. CheckEnv allows them.
var Others = []string{"BAOGONG_TEST_CLOCK", "BAOGONG_TEST_CLOCK_I_KNOW", "BAOGONG_REQUIRE_REDIS", "BAOGONG_ARTIFACTS", "BAOGONG_FUZZTIME"}

// CheckEnv refuses a BAOGONG_* variable of environ (NAME=value entries,
// as os.Environ returns) that baogong does not read: a misspelt one would
// silently leave its setting as the file or the default has it. The
// error names the variable meant, when one is close.
func CheckEnv(environ []string) error {
	known := append(slices.Clone(Overrides), Others...)
	short := make([]string, len(Overrides))
	for i, o := range Overrides {
		short[i] = strings.TrimPrefix(o, "BAOGONG_")
	}
	var errs []error
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "BAOGONG_") || slices.Contains(known, name) {
			continue
		}
		// The names are told apart by what follows BAOGONG_.
		if best, ok := suggest.Closest(strings.TrimPrefix(name, "BAOGONG_"), short); ok {
			errs = append(errs, fmt.Errorf("environment variable %s is not one baogong reads: did you mean BAOGONG_%s? Rename it, or unset it", name, best))
			continue
		}
		errs = append(errs, fmt.Errorf("environment variable %s is not one baogong reads (it reads %s): rename it, or unset it", name, strings.Join(Overrides, ", ")))
	}
	return errors.Join(errs...)
}

// overlay applies the BAOGONG_* variables of env and returns which key
// each one set (key path → variable), so errors can name the variable.
func (c *Config) overlay(env func(string) string) (map[string]string, error) {
	from := map[string]string{}
	set := func(name, key string, dst *string) {
		if v := env(name); v != "" {
			*dst = v
			from[key] = name
		}
	}
	set("BAOGONG_HTTP_ADDR", "http.addr", &c.HTTP.Addr)
	set("BAOGONG_REDIS_URL", "redis.url", &c.Redis.URL)
	set("BAOGONG_REDIS_PASSWORD", "redis.password", &c.Redis.Password)
	if v := env("BAOGONG_REDIS_ADDRS"); v != "" {
		c.Redis.Addrs = strings.Split(v, ",")
		from["redis.addrs"] = "BAOGONG_REDIS_ADDRS"
		for i := range c.Redis.Addrs {
			from[fmt.Sprintf("redis.addrs[%d]", i)] = "BAOGONG_REDIS_ADDRS"
		}
	}
	set("BAOGONG_WECHAT_APP_ID", "wechat.app_id", &c.WeChat.AppID)
	set("BAOGONG_WECHAT_APP_SECRET", "wechat.app_secret", &c.WeChat.AppSecret)
	set("BAOGONG_WECHAT_TOKEN", "wechat.token", &c.WeChat.Token)
	set("BAOGONG_WECHAT_ENCODING_AES_KEY", "wechat.encoding_aes_key", &c.WeChat.EncodingAESKey)
	set("BAOGONG_WECHAT_API_BASE", "wechat.api_base", &c.WeChat.APIBase)
	set("BAOGONG_WECHAT_DELIVERY_TEMPLATE_ID", "wechat.delivery_template_id", &c.WeChat.DeliveryTemplateID)
	set("BAOGONG_ADMIN_TOKEN", "admin.token", &c.Admin.Token)
	if v := env("BAOGONG_ADMIN_TRUSTED_PROXIES"); v != "" {
		c.Admin.TrustedProxies = strings.Split(v, ",")
		from["admin.trusted_proxies"] = "BAOGONG_ADMIN_TRUSTED_PROXIES"
		for i := range c.Admin.TrustedProxies {
			from[fmt.Sprintf("admin.trusted_proxies[%d]", i)] = "BAOGONG_ADMIN_TRUSTED_PROXIES"
		}
	}
	set("BAOGONG_TIMEZONE", "timezone", &c.Timezone)
	set("BAOGONG_LOG_FORMAT", "log.format", &c.Log.Format)
	if v := env("BAOGONG_REDIS_MIN_REPLICAS_ACK"); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			n = -1 // refused by validation, which names the variable
		}
		c.Redis.MinReplicasAck = n
		from["redis.min_replicas_ack"] = "BAOGONG_REDIS_MIN_REPLICAS_ACK"
	}
	if v := env("BAOGONG_LIMITS_MESSAGES_PER_MINUTE"); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return from, fmt.Errorf("limits.messages_per_minute (from BAOGONG_LIMITS_MESSAGES_PER_MINUTE): %q is not a whole number", v)
		}
		c.Limits.MessagesPerMinute = n
		from["limits.messages_per_minute"] = "BAOGONG_LIMITS_MESSAGES_PER_MINUTE"
	}
	return from, nil
}

// AllCommunities returns the communities the config describes: the list
// under communities, or the one under community.
func (c *Config) AllCommunities() []Community {
	if len(c.Communities) > 0 {
		return c.Communities
	}
	return []Community{c.Community}
}

// CatalogOf returns the path of cm's catalog: its own, or the top-level
// one, resolved against the config file's directory.
func (c *Config) CatalogOf(cm Community) string {
	if cm.Catalog == "" {
		return c.CatalogPath()
	}
	if filepath.IsAbs(cm.Catalog) || c.Dir == "" {
		return cm.Catalog
	}
	return filepath.Join(c.Dir, cm.Catalog)
}

// SchedulesOf returns cm's schedules: the top-level ones with cm's own
// laid over them.
func (c *Config) SchedulesOf(cm Community) Schedules {
	s := c.Schedules
	if o := cm.Schedules.Cutoff; o != nil {
		s.Cutoff = *o
	}
	if o := cm.Schedules.Picklist; o != nil {
		s.Picklist = *o
	}
	if o := cm.Schedules.Roster; o != nil {
		s.Roster = *o
	}
	return s
}

// Location returns the configured time zone.
func (c *Config) Location() (*time.Location, error) {
	return time.LoadLocation(c.Timezone)
}

// LogLevel returns the configured log level.
func (c *Config) LogLevel() (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(c.Log.Level))
	return l, err
}

// CatalogPath resolves the catalog path against the config file's directory.
func (c *Config) CatalogPath() string {
	if filepath.IsAbs(c.Catalog) || c.Dir == "" {
		return c.Catalog
	}
	return filepath.Join(c.Dir, c.Catalog)
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// cronParser reads the standard five-field specs (as jobs.Parser does).
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// Warnings says what the service can run with but probably should not:
// links nobody outside this machine can open (no http.public_url), or the
// example's http.public_url left in.
func (c *Config) Warnings() []string {
	u, err := url.Parse(c.HTTP.PublicURL)
	switch {
	case c.HTTP.PublicURL == "":
		return []string{fmt.Sprintf("http.public_url is not set: every link the service sends (登录, rosters, pick lists, 汇总) points at %s, which people's phones cannot open; set it to the https:// address people reach the service at", c.PublicBase())}
	case err == nil && (u.Hostname() == "example.com" || strings.HasSuffix(u.Hostname(), ".example.com")):
		return []string{fmt.Sprintf("http.public_url (%s) is the example's %s: every link the service sends points there; set it to the https:// address people reach the service at", c.Source("http.public_url"), c.HTTP.PublicURL)}
	}
	return nil
}

// PublicBase is the base URL of links, PublicURL or http://<addr>.
func (c *Config) PublicBase() string {
	if c.HTTP.PublicURL != "" {
		return strings.TrimRight(c.HTTP.PublicURL, "/")
	}
	return "http://" + c.HTTP.Addr
}

// validate checks everything and reports all problems at once, each naming
// its key and where the value came from (where: " (line N)" in the file,
// " (from BAOGONG_…)", or "" for a default).
func (c *Config) validate(where func(key string) string) error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s%s: %s", key, where(key), fmt.Sprintf(format, args...)))
	}
	if c.HTTP.Addr == "" {
		bad("http.addr", "is empty")
	} else if msg := badHostPort(c.HTTP.Addr); msg != "" {
		bad("http.addr", "%q %s", c.HTTP.Addr, msg)
	}
	if c.Limits.MessagesPerMinute < 1 {
		bad("limits.messages_per_minute", "must be a whole number, at least 1 (or set BAOGONG_LIMITS_MESSAGES_PER_MINUTE)")
	}
	if c.Privacy.RetainDays < 1 || c.Privacy.RetainDays > 3650 {
		bad("privacy.retain_days", "must be a number of days from 1 to 3650 (default %d)", orders.DefaultRetainDays)
	}
	if c.HTTP.MaxBodyBytes <= 0 {
		bad("http.max_body_bytes", "must be positive")
	}
	if len(c.Redis.Addrs) == 0 {
		if u, err := url.Parse(c.Redis.URL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix") {
			bad("redis.url", "%q is not a redis:// URL", c.Redis.URL)
		} else if p := u.Port(); p != "" && badPort(p) {
			bad("redis.url", "%q: port %q is not a number from 1 to 65535", c.Redis.URL, p)
		}
	}
	if c.Redis.MinReplicasAck < 0 {
		bad("redis.min_replicas_ack", "must be 0 (no replicas) or more (or set BAOGONG_REDIS_MIN_REPLICAS_ACK)")
	}
	if t := c.Redis.ReplicaAckTimeout; t <= 0 || t > 2*time.Second {
		bad("redis.replica_ack_timeout", "%v: must be more than 0 and at most 2s (WeChat waits 5 s for the whole answer)", t)
	}
	for i, a := range c.Redis.Addrs {
		if msg := badHostPort(a); msg != "" {
			bad(fmt.Sprintf("redis.addrs[%d]", i), "%q %s", a, msg)
		}
	}
	if c.WeChat.AppID == "" {
		bad("wechat.app_id", "is empty (the official account's AppID)")
	}
	if c.WeChat.Token == "" {
		bad("wechat.token", "is empty (the Token set in the WeChat console)")
	}
	if c.WeChat.AppSecret == "" {
		// Every notice (delivered, urgent, rosters, pick lists) needs
		// an access token, which needs the secret.
		bad("wechat.app_secret", "is empty (the AppSecret from the WeChat console; set BAOGONG_WECHAT_APP_SECRET to keep it out of the file)")
	}
	if k := c.WeChat.EncodingAESKey; k != "" {
		if b, err := base64.StdEncoding.DecodeString(k + "="); len(k) != 43 || err != nil || len(b) != 32 {
			bad("wechat.encoding_aes_key", "must be the 43 characters from the WeChat console")
		}
	}
	if u, err := url.Parse(c.WeChat.APIBase); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("wechat.api_base", "%q is not an http(s) URL", c.WeChat.APIBase)
	}
	if len(c.Admin.Token) < 16 {
		bad("admin.token", "must be at least 16 characters")
	}
	for i, p := range c.Admin.TrustedProxies {
		if _, ok := proxyPrefix(p); !ok {
			bad(fmt.Sprintf("admin.trusted_proxies[%d]", i), "%q is not an address or a CIDR range (127.0.0.1, 10.0.0.0/8)", p)
		}
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil {
		bad("timezone", "%q is not a time zone", c.Timezone)
	}
	if c.Catalog == "" {
		bad("catalog", "is empty")
	}
	if u := c.HTTP.PublicURL; u != "" {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			bad("http.public_url", "%q is not an http(s) URL", u)
		}
	}
	checkSchedules(bad, "schedules", c.Schedules)
	if c.Log.Format != "text" && c.Log.Format != "json" {
		bad("log.format", "%q must be text or json", c.Log.Format)
	}
	if _, err := c.LogLevel(); err != nil {
		bad("log.level", "%q must be debug, info, warn or error", c.Log.Level)
	}
	c.validateCommunities(bad)
	c.validateReach(bad)
	return errors.Join(errs...)
}

func checkSchedules(bad func(key, format string, args ...any), key string, s Schedules) {
	checkSpec := func(key, spec string) {
		if _, err := cronParser.Parse(spec); err != nil {
			bad(key, "%q is not a cron spec (minute hour day month weekday): %v", spec, err)
		}
	}
	if s.Cutoff != "" {
		checkSpec(key+".cutoff", s.Cutoff)
	}
	if s.Picklist != "" {
		checkSpec(key+".picklist", s.Picklist)
	}
	for i, spec := range s.Roster {
		checkSpec(fmt.Sprintf("%s.roster[%d]", key, i), spec)
	}
}

// badHostPort says what is wrong with a host:port address, or "".
func badHostPort(addr string) string {
	_, port, err := net.SplitHostPort(addr)
	switch {
	case err != nil:
		return "is not host:port, e.g. 127.0.0.1:8080"
	case badPort(port) && port != "0":
		return fmt.Sprintf("has port %q: not a number from 1 to 65535", port)
	}
	return ""
}

func badPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err != nil || n < 1 || n > 65535
}

// validateCommunities checks community, or each of communities and that
// residents can tell them apart (ids, names and aliases all distinct).
func (c *Config) validateCommunities(bad func(key, format string, args ...any)) {
	if len(c.Communities) == 0 {
		validateCommunity(bad, "community", c.Community)
		return
	}
	if c.Community.ID != "" || len(c.Community.Grids) > 0 {
		bad("community", "is set together with communities: use one or the other")
	}
	ids := map[string]int{}
	names := map[string]string{} // name or alias -> id
	for i, cm := range c.Communities {
		key := fmt.Sprintf("communities[%d]", i)
		validateCommunity(bad, key, cm)
		if j, ok := ids[cm.ID]; ok {
			bad(key+".id", "community %q is listed twice (also communities[%d])", cm.ID, j)
		}
		ids[cm.ID] = i
		if strings.TrimSpace(cm.Name) == "" {
			bad(key+".name", "is empty: residents choose their community by name")
		}
		for j, n := range append([]string{cm.Name}, cm.Aliases...) {
			n = strings.TrimSpace(n)
			nkey := key + ".name"
			if j > 0 {
				nkey = fmt.Sprintf("%s.aliases[%d]", key, j-1)
			}
			if n == "" {
				if j > 0 {
					bad(nkey, "is empty")
				}
				continue
			}
			if other, ok := names[n]; ok && other != cm.ID {
				bad(nkey, "%q also names community %s", n, other)
			}
			names[n] = cm.ID
		}
		checkSchedules(bad, key+".schedules", c.SchedulesOf(cm))
	}
}

func validateCommunity(bad func(key, format string, args ...any), key string, cm Community) {
	if !idPattern.MatchString(cm.ID) {
		bad(key+".id", "%q must be letters, digits, - or _", cm.ID)
	}
	if len(cm.Grids) == 0 {
		bad(key+".grids", "has no grids")
	}
	for i, sc := range cm.Suppliers {
		if sc.ID == "" {
			bad(fmt.Sprintf("%s.suppliers[%d].id", key, i), "is empty")
		}
	}
	gridIDs := map[string]bool{}
	buildingGrid := map[string]string{}
	shapes := map[string]orders.Shape{}
	for i, g := range cm.Grids {
		gkey := fmt.Sprintf("%s.grids[%d]", key, i)
		switch {
		case !idPattern.MatchString(g.ID):
			bad(gkey+".id", "%q must be letters, digits, - or _", g.ID)
		case gridIDs[g.ID]:
			bad(gkey+".id", "grid %q is listed twice", g.ID)
		}
		gridIDs[g.ID] = true
		if len(g.Buildings) == 0 {
			bad(gkey+".buildings", "grid %s has no buildings", g.ID)
		}
		for j, bd := range g.Buildings {
			bkey := fmt.Sprintf("%s.buildings[%d]", gkey, j)
			b := bd.ID
			canon := orders.CanonicalBuilding(b)
			if _, err := strconv.Atoi(canon); err != nil {
				bad(bkey, "building %q must be a number, as residents write it (3 for 3栋)", b)
			} else if prev, ok := buildingGrid[canon]; ok {
				bad(bkey, "building %q is already in grid %s", b, prev)
			}
			if bd.Units < 0 {
				bad(bkey+".units", "must be the number of units (单元) of building %s, or left out", b)
			}
			if bd.Floors < 0 {
				bad(bkey+".floors", "must be the number of floors of building %s, or left out", b)
			}
			buildingGrid[canon] = g.ID
			shapes[canon] = orders.Shape{Units: bd.Units, Floors: bd.Floors}
		}
	}
	if cm.UrgentClaim <= 0 {
		bad(key+".urgent_claim", "must be a positive duration such as 30m")
	}
	for i, g := range cm.Grids {
		for j, h := range g.Households {
			parts := strings.Split(h, "-")
			if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
				bad(fmt.Sprintf("%s.grids[%d].households[%d]", key, i, j), "%q must be building-unit-room, e.g. 3-2-501", h)
			} else if g2, ok := buildingGrid[orders.CanonicalBuilding(parts[0])]; !ok || g2 != g.ID {
				bad(fmt.Sprintf("%s.grids[%d].households[%d]", key, i, j), "building %q is not in grid %s", parts[0], g.ID)
			} else if why := shapes[orders.CanonicalBuilding(parts[0])].Check(orders.Address{Building: parts[0], Unit: parts[1], Room: parts[2]}); why != "" {
				bad(fmt.Sprintf("%s.grids[%d].households[%d]", key, i, j), "%q: %s", h, why)
			}
		}
	}
	for i, ld := range cm.Leads {
		lkey := fmt.Sprintf("%s.leads[%d]", key, i)
		if ld.OpenID == "" {
			bad(lkey+".openid", "is empty")
		}
		for j, b := range ld.Buildings {
			if _, ok := buildingGrid[orders.CanonicalBuilding(b)]; !ok {
				bad(fmt.Sprintf("%s.buildings[%d]", lkey, j), "building %q is in no grid", b)
			}
		}
	}
}
