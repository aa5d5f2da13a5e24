package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/adminapi"
	"github.com/baogong/baogong/config"
	"github.com/baogong/baogong/console"
	"github.com/baogong/baogong/internal/signedurl"
	"github.com/baogong/baogong/internal/suggest"
	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
)

// signedLinks makes the links of roster and pick-list messages: signed,
// so a volunteer or a supermarket opens them without an account, and
// expiring, so a forwarded message stops working after the round.
type signedLinks struct {
	s *signedurl.Signer
	// community is named in every link when the account serves several.
	community string
	// loc is the community's time zone: a round's link ends with its day.
	loc *time.Location
}

// RosterPath and PicklistPath are the routes the links point at.
func RosterPath(grid string, slot time.Time, volunteer string) string {
	return "/r/" + url.PathEscape(grid) + "/" + strconv.FormatInt(slot.Unix(), 10) + "/" + url.PathEscape(volunteer)
}

// PicklistPath is the route of a supplier's pick list of a day.
func PicklistPath(supplier, day string) string {
	return "/p/" + url.PathEscape(supplier) + "/" + day
}

// Roster is the link of a volunteer's round: it works until the round
// ends (orders.RoundEnd), so the households' phones on it do not outlive
// the delivery.
func (l signedLinks) Roster(grid string, slot time.Time, volunteer string) string {
	return l.s.URLUntil(RosterPath(grid, slot, volunteer), linkQuery(l.community), orders.RoundEnd(slot, l.loc))
}

// Summary is the link of a lead's printable 汇总.
func (l signedLinks) Summary(lead, unit string) string {
	return l.s.URL(adminapi.SummaryPath(l.s.Key, lead, unit), linkQuery(l.community))
}

// MediaPath is the route of a voice or photo baogong keeps.
func MediaPath(key string) string { return "/m/" + url.PathEscape(key) }

// Media is the link of the voice or photo kept under key.
func (l signedLinks) Media(key string) string {
	return l.s.URL(MediaPath(key), linkQuery(l.community))
}

// RxPhoto is the link of the prescription photo kept under key for
// supplier's contact viewer: named by the contact's pseudonym (a link
// never carries an openid), and short-lived (adminapi.RxLinkTTL).
func (l signedLinks) RxPhoto(key, supplier, viewer string) string {
	q := l.query()
	q.Set(adminapi.RxParamSupplier, supplier)
	q.Set(adminapi.RxParamViewer, orders.Pseudonym(viewer))
	return l.s.URLFor(MediaPath(key), q, adminapi.RxLinkTTL)
}

// StaffPicklist is the pick list link the console gives staff: signed
// with adminapi.ParamStaff, so its prescription photos open in the
// console by the staff member's session.
func (l signedLinks) StaffPicklist(supplier, day string) string {
	q := l.query()
	q.Set(adminapi.ParamStaff, "1")
	return l.s.URL(PicklistPath(supplier, day), q)
}

// query is the link query of l's community (linkQuery), never nil: a
// fresh map for a link to add its own parameters to.
func (l signedLinks) query() url.Values {
	if q := linkQuery(l.community); q != nil {
		return q
	}
	return url.Values{}
}

// StaffRxPhoto is the console's link of order's prescription photo, in
// this community's console.
func (l signedLinks) StaffRxPhoto(order string) string {
	u := strings.TrimSuffix(l.s.Base, "/") + console.RxPhotoPath(order)
	if q := linkQuery(l.community); q != nil {
		u += "?" + q.Encode()
	}
	return u
}

// NoticesPath is the route of a person's notices page.
func NoticesPath(openid string) string { return "/n/" + url.PathEscape(openid) }

// Notices is the link of openid's notices page: what could not reach
// them, and what reached them lately.
func (l signedLinks) Notices(openid string) string {
	return l.s.URL(NoticesPath(openid), linkQuery(l.community))
}

func (l signedLinks) Picklist(supplier, day string) string {
	return l.s.URL(PicklistPath(supplier, day), linkQuery(l.community))
}

// linkTTL is how long a link in a message works: a delivery round and the
// packing night, with room to spare.
const linkTTL = 3 * 24 * time.Hour

func newSigner(cfg config.Config, now func() time.Time) *signedurl.Signer {
	return &signedurl.Signer{
		Key:  signedurl.DeriveKey(cfg.Admin.Token, "baogong links v1"),
		Base: cfg.PublicBase(),
		TTL:  linkTTL,
		Now:  now,
	}
}

func schedulesOf(cs config.Schedules) jobs.Schedules {
	s := jobs.Schedules{}
	if cs.Cutoff != "" {
		s[jobs.Cutoff] = []string{cs.Cutoff}
	}
	if cs.Picklist != "" {
		s[jobs.Picklist] = []string{cs.Picklist}
	}
	if len(cs.Roster) > 0 {
		s[jobs.Roster] = cs.Roster
	}
	return s
}

// jobHelp says what each job does, in the order of jobs.Names.
var jobHelp = map[string]string{
	jobs.Cutoff:    "截单: closes the order day now open; later orders count for the next day",
	jobs.Picklist:  "备货单: sends each supplier the pick list of the day last closed",
	jobs.Roster:    "排班: shares the closed days' orders among each grid's volunteers and sends them their round",
	jobs.Urgent:    "急需转交: pages volunteers about urgent orders nobody claimed, then staff (every minute)",
	jobs.Bindings:  "绑定通知: tells leads which households of their buildings bound (every 30 minutes)",
	jobs.Restock:   "到货通知: tells those waiting for an item that it is back (every minute)",
	jobs.Privacy:   "个人信息清理: strips who, phone, notes and photos from orders settled longer ago than privacy.retain_days (nightly)",
	jobs.Unreached: "联系不上汇总: tells staff who no notice can reach, when that changes (hourly)",
}

// runJobUsage is run-job's help: every job and what it does.
func runJobUsage() string {
	var b strings.Builder
	b.WriteString("usage: baogong run-job NAME --config FILE [--slot TIME] [--community ID]\n\nRuns one job now and prints what it published. The jobs:\n")
	for _, n := range jobs.Names {
		fmt.Fprintf(&b, "  %-9s %s\n", n, jobHelp[n])
	}
	b.WriteString("\nflags:")
	return b.String()
}

// runJobCmd runs one job now from the command line and prints what it
// published; the notices it queued are sent before it exits.
func runJobCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run-job", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, runJobUsage()); fs.PrintDefaults() }
	path := fs.String("config", "baogong.yaml", "config file")
	communityFlag := fs.String("community", "", "the community's id (required when the config has several)")
	slotFlag := fs.String("slot", "", "slot time (RFC 3339, e.g. 2026-11-24T07:00:00+08:00); default: now (cutoff closes the open day, picklist sends the day last closed, roster delivers a round now)")
	if len(args) == 0 {
		fs.Usage()
		return errors.New("run-job needs a job name: one of " + strings.Join(jobs.Names, ", "))
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stdout, runJobUsage())
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return nil
	}
	name, rest := args[0], args[1:]
	if strings.HasPrefix(name, "-") {
		return fmt.Errorf("run-job: the job's name comes first, then the flags (run-job roster --community c1); one of %s", strings.Join(jobs.Names, ", "))
	}
	if !slices.Contains(jobs.Names, name) {
		msg := fmt.Sprintf("run-job: there is no job %q", name)
		if best, ok := suggest.Closest(name, jobs.Names); ok {
			msg += fmt.Sprintf(" (did you mean %s?)", best)
		}
		return errors.New(msg + "; the jobs are " + strings.Join(jobs.Names, ", ") + " (baogong run-job help says what each does)")
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	m, p, err := openCommunity(ctx, *path, *communityFlag, stderr)
	if err != nil {
		return err
	}
	defer m.Close()
	// Without --slot a job runs now, as over the API and in the console:
	// the same action, in the community's audit log.
	var slot *time.Time
	if *slotFlag != "" {
		t, perr := time.Parse(time.RFC3339, *slotFlag)
		if perr != nil {
			return fmt.Errorf("--slot: %w", perr)
		}
		slot = &t
	}
	res, err := p.Actions.RunJob(ctx, actions.Actor{Who: "run-job", Door: actions.CLI, Staff: true}, name, slot)
	switch {
	case errors.Is(err, jobs.ErrClosedToday):
		return fmt.Errorf("今天已经截单了: today's orders are closed already; tomorrow's close on schedule (%w)", err)
	case errors.Is(err, jobs.ErrAhead):
		return fmt.Errorf("no cutoff of a day ahead: that day's orders close on schedule (%w)", err)
	case err != nil:
		return err
	}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := p.Outbox.Drain(dctx); err != nil {
		fmt.Fprintln(stderr, "some notices are still queued; a running service sends them:", err)
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

// purgeCmd is the office's purge of personal data when the lockdown ends
// (actions.Purge), from the command line.
func purgeCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("purge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: baogong purge --before YYYY-MM-DD --config FILE [--community ID]\n\n"+
			"Removes every WeChat id, phone number, note and photo of activity before the day, and the\n"+
			"bindings nobody used since; the 台账 of those days keeps its rows and totals. Waits for\n"+
			"running jobs. Running it again repeats nothing.\n\nflags:")
		fs.PrintDefaults()
	}
	path := fs.String("config", "baogong.yaml", "config file")
	communityFlag := fs.String("community", "", "the community's id (required when the config has several)")
	before := fs.String("before", "", "the day (YYYY-MM-DD, today at the latest): personal data of activity before it goes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *before == "" {
		fs.Usage()
		return errors.New("purge needs --before YYYY-MM-DD")
	}
	m, p, err := openCommunity(ctx, *path, *communityFlag, stderr)
	if err != nil {
		return err
	}
	defer m.Close()
	rep, err := p.Actions.Purge(ctx, actions.Actor{Who: "purge", Door: actions.CLI, Staff: true}, *before)
	var bad *actions.PurgeDateError
	switch {
	case errors.As(err, &bad) && bad.Future:
		return fmt.Errorf("--before %s is after today: only what is past can be purged", bad.Day)
	case errors.As(err, &bad):
		return fmt.Errorf("--before must be a date like 2026-12-31, not %q", bad.Day)
	case errors.Is(err, orders.ErrConflict):
		return errors.New("another purge is running; try again when it is done")
	case err != nil:
		return fmt.Errorf("the purge stopped part way (run it again, it repeats nothing): %w", err)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// openCommunity loads the service from the config at path, without
// serving, for a command on one community (flag --community: which, when
// the config has several).
func openCommunity(ctx context.Context, path, community string, stderr io.Writer) (*Main, *Community, error) {
	m, err := LoadMain(ctx, path, stderr)
	if err != nil {
		return nil, nil, err
	}
	p, err := m.community(community)
	if err != nil {
		m.Close()
		return nil, nil, fmt.Errorf("--community: %w", err)
	}
	return m, p, nil
}
